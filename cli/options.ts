/**
 * One declaration per command option, used three ways: to register the commander flag, to
 * validate the same key in a `--config` file, and to resolve the value (flag > config > default).
 */
import { InvalidArgumentError as CommanderInvalidArgument, type Command } from 'commander';

/** The kinds of value an option takes, with their bounds. */
export type OptionKind =
  | { readonly type: 'integer'; readonly min: number }
  | { readonly type: 'number'; readonly min?: number; readonly max?: number }
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
    case 'integer':
      return `an integer ≥ ${kind.min}`;
    case 'number':
      if (kind.min !== undefined && kind.max !== undefined) return `a number in [${kind.min}, ${kind.max}]`;
      if (kind.min !== undefined) return `a number ≥ ${kind.min}`;
      return 'a finite number';
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
      return typeof value === 'number' && Number.isInteger(value) && value >= kind.min ? value : null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return null;
      if (kind.min !== undefined && value < kind.min) return null;
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
      return text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
    default:
      return text;
  }
}

/** Registers the options on a commander command, each with a parser that rejects bad values in one line. */
export function addOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const shownDefault = spec.defaultValue === undefined ? '' : ` (default: ${Array.isArray(spec.defaultValue) ? spec.defaultValue.join(',') : String(spec.defaultValue)})`;
    const description = `${spec.description}${shownDefault}`;
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
