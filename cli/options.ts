/**
 * One declaration per command option, used three ways: to register the commander flag, to
 * validate the same key in a `--config` file, and to resolve the value (flag > config > default).
 */
import { InvalidArgumentError as CommanderInvalidArgument, type Command } from 'commander';

/** The kinds of value an option takes, with their bounds. */
export type OptionKind =
  | { readonly type: 'integer'; readonly min: number; readonly max?: number; readonly multipleOf?: number }
  | { readonly type: 'number'; readonly min?: number; readonly max?: number; readonly exclusiveMin?: number }
  | { readonly type: 'string' }
  | { readonly type: 'choice'; readonly choices: readonly string[] }
  | { readonly type: 'boolean' }
  | { readonly type: 'list'; readonly choices?: readonly string[] };

/** A resolved option value. */
export type OptionValue = number | string | boolean | readonly string[];

/** One option of a command. */
export interface OptionSpec {
  /** camelCase key: the commander attribute name and the `--config` JSON key. */
  readonly key: string;
  /** commander flags, e.g. `'--epochs <n>'`. */
  readonly flags: string;
  /** One line for `--help`. */
  readonly description: string;
  readonly kind: OptionKind;
  /** Value when neither the flag nor the config file sets it; absent means "not set". */
  readonly defaultValue?: OptionValue;
  /** Whether a `--config` file may set it (default true). */
  readonly configurable?: boolean;
}

/** What a kind accepts, in words (used in every error message). */
export function expectedText(kind: OptionKind): string {
  switch (kind.type) {
    case 'integer': {
      const range = kind.max === undefined ? `an integer ≥ ${kind.min}` : `an integer from ${kind.min} to ${kind.max}`;
      return kind.multipleOf === undefined ? range : `${range}, a multiple of ${kind.multipleOf}`;
    }
    case 'number': {
      const low = kind.exclusiveMin !== undefined ? `> ${kind.exclusiveMin}` : kind.min !== undefined ? `≥ ${kind.min}` : undefined;
      if (kind.min !== undefined && kind.max !== undefined) return `a number in [${kind.min}, ${kind.max}]`;
      if (kind.exclusiveMin !== undefined && kind.max !== undefined) return `a number in (${kind.exclusiveMin}, ${kind.max}]`;
      if (low !== undefined) return `a number ${low}`;
      if (kind.max !== undefined) return `a number ≤ ${kind.max}`;
      return 'a finite number';
    }
    case 'string':
      return 'a non-empty string';
    case 'choice':
      return `one of ${kind.choices.join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'list':
      return kind.choices ? `a list of: ${kind.choices.join(', ')}` : 'a list of non-empty strings';
  }
}

/** Checks an already-typed value (from JSON or a parsed flag); returns it or `null` if it does not fit. */
export function checkValue(kind: OptionKind, value: unknown): OptionValue | null {
  switch (kind.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < kind.min) return null;
      if (kind.max !== undefined && value > kind.max) return null;
      return kind.multipleOf === undefined || value % kind.multipleOf === 0 ? value : null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return null;
      if (kind.min !== undefined && value < kind.min) return null;
      if (kind.exclusiveMin !== undefined && value <= kind.exclusiveMin) return null;
      if (kind.max !== undefined && value > kind.max) return null;
      return value;
    case 'string':
      return typeof value === 'string' && value.length > 0 ? value : null;
    case 'choice':
      return typeof value === 'string' && kind.choices.includes(value) ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'list': {
      if (!Array.isArray(value) || value.length === 0) return null;
      const ok = value.every((v) => typeof v === 'string' && v.length > 0 && (kind.choices === undefined || kind.choices.includes(v)));
      return ok ? (value as string[]) : null;
    }
  }
}

/** Parses the text of a command-line flag into the kind's type (numbers, comma lists). */
export function parseFlagText(kind: OptionKind, text: string): unknown {
  switch (kind.type) {
    case 'integer':
    case 'number':
      return text.trim() === '' ? Number.NaN : Number(text);
    case 'list':
      return text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
    default:
      return text;
  }
}

/**
 * The `--help` line of an option: its description, the accepted values generated from its kind
 * (the same text the checks print, so help and validation cannot disagree) and its default.
 */
export function helpText(spec: OptionSpec): string {
  const shownDefault =
    spec.defaultValue === undefined
      ? ''
      : ` (default: ${Array.isArray(spec.defaultValue) ? spec.defaultValue.join(',') : String(spec.defaultValue)})`;
  const limits = spec.kind.type === 'integer' || spec.kind.type === 'number' ? `; ${expectedText(spec.kind)}` : '';
  return `${spec.description}${limits}${shownDefault}`;
}

/** Registers the options on a commander command, each with a parser that rejects bad values in one line. */
export function addOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const description = helpText(spec);
    if (spec.kind.type === 'boolean') {
      command.option(spec.flags, description);
      continue;
    }
    const kind = spec.kind;
    const variadic = spec.flags.includes('...');
    command.option(spec.flags, description, (text: string, previous: unknown) => {
      const parsed = variadic ? [...(Array.isArray(previous) ? previous : []), text] : parseFlagText(kind, text);
      const value = checkValue(kind, parsed);
      if (value === null) throw new CommanderInvalidArgument(`Expected ${expectedText(kind)}.`);
      return value;
    });
  }
  return command;
}
