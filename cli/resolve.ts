/**
 * Resolution of a command's options: the flag when given, else the `--config` value, else the
 * declared default. Typed getters keep the commands free of casts.
 */
import { BnnError } from '../src/errors.js';
import { readConfigFile } from './config.js';
import type { OptionSpec, OptionValue } from './options.js';

/** A command's values after flags, config file and defaults were merged. Plain data. */
export class ResolvedOptions {
  constructor(private readonly values: Readonly<Record<string, OptionValue>>) {}

  /** Whether a value is set (by flag, config or default). */
  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  /** A numeric option; throws if it is unset (an option list without the default is a programming error). */
  number(key: string): number {
    const value = this.values[key];
    if (typeof value !== 'number') throw new BnnError(`option '${key}' is not a number (${String(value)}).`);
    return value;
  }

  /** An optional string option. */
  optionalString(key: string): string | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new BnnError(`option '${key}' is not a string.`);
    return value;
  }

  /** A string option that has a default. */
  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw new BnnError(`option '${key}' is not set.`);
    return value;
  }

  /** A boolean flag (unset is false). */
  boolean(key: string): boolean {
    return this.values[key] === true;
  }

  /** An optional list option. */
  optionalList(key: string): readonly string[] | undefined {
    const value = this.values[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw new BnnError(`option '${key}' is not a list.`);
    return value;
  }

  /** All values, for `results.json` (plain data). */
  toJSON(): Record<string, OptionValue> {
    return { ...this.values };
  }
}

/**
 * Merges the parsed flags with the config file named by `flags.config` (when given) and the defaults.
 * @throws ConfigError when the config file is unreadable or has an unknown or ill-typed key.
 */
export function resolveOptions(command: string, specs: readonly OptionSpec[], flags: Readonly<Record<string, unknown>>): ResolvedOptions {
  const configPath = flags.config;
  const fromConfig = typeof configPath === 'string' ? readConfigFile(configPath, command, specs) : {};
  const values: Record<string, OptionValue> = {};
  for (const spec of specs) {
    const flag = flags[spec.key] as OptionValue | undefined;
    const value = flag ?? fromConfig[spec.key] ?? spec.defaultValue;
    if (value !== undefined) values[spec.key] = value;
  }
  return new ResolvedOptions(values);
}
