/**
 * `--config FILE.json`: a JSON object whose keys are the camelCase names of a command's options.
 * Every key is checked against the command's option list; the first problem is reported in one
 * line naming the key, the type received and what was expected.
 */
import { readFileSync } from 'node:fs';
import { BnnError } from '../src/errors.js';
import { checkValue, expectedText, type OptionSpec, type OptionValue } from './options.js';

/** A `--config` file is missing, is not JSON, or holds an unknown or ill-typed key. */
export class ConfigError extends BnnError {}

/** The JSON type of a value, in words: `a string ("3")`, `a number (2.5)`, `an array`, `null`. */
function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 40)})`;
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value).slice(0, 40)})`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    default:
      return 'an object';
  }
}

/**
 * Reads and validates a config file for a command.
 * @param path the file given to `--config`.
 * @param command the command's name, for messages (`'segment'`).
 * @param specs the command's options; keys with `configurable: false` are rejected.
 * @returns the validated values by key (plain data).
 * @throws ConfigError with a one-line message on any problem.
 */
export function readConfigFile(path: string, command: string, specs: readonly OptionSpec[]): Record<string, OptionValue> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${path} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'unknown error')}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON (${(error as Error).message.split('\n')[0]}).`);
  }
  return validateConfig(parsed, path, command, specs);
}

/** Validates an already-parsed config object (see `readConfigFile`). */
export function validateConfig(parsed: unknown, path: string, command: string, specs: readonly OptionSpec[]): Record<string, OptionValue> {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} holds ${describeJsonType(parsed)}; expected a JSON object of ${command} options.`);
  }
  const allowed = specs.filter((spec) => spec.configurable !== false);
  const values: Record<string, OptionValue> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const spec = allowed.find((s) => s.key === key);
    if (spec === undefined) {
      throw new ConfigError(
        `config file ${path}: unknown key '${key}' for '${command}'; expected one of ${allowed.map((s) => s.key).join(', ')}.`,
      );
    }
    const checked = checkValue(spec.kind, value);
    if (checked === null) {
      throw new ConfigError(`config file ${path}: key '${key}' is ${describeJsonType(value)}; expected ${expectedText(spec.kind)}.`);
    }
    values[key] = checked;
  }
  return values;
}
