/**
 * Command-line flags shared by the bench scripts and the examples: `--name value` pairs and bare
 * switches. `parseFlags` checks a whole argv first (unknown flags are an error, `--help` prints the
 * usage), then the readers below take the values out.
 */

/** The flags a script accepts: those followed by a value, and bare switches. `--help` is always accepted. */
export interface FlagSpec {
  /** Flags that take a value (`--steps 20`). */
  readonly values?: readonly string[];
  /** Bare switches (`--json`). */
  readonly switches?: readonly string[];
}

/** What `parseFlags` found: usage requested, or the argv checked. */
export type ParsedFlags = { readonly help: true; readonly usage: string } | { readonly help: false; readonly argv: readonly string[] };

/**
 * Checks `argv` against `spec`: every `--flag` must be listed (a value flag must be followed by a
 * value that does not start with `--`), and no stray positional argument may appear. `--help` or
 * `-h` anywhere returns `{help: true}` without checking the rest.
 *
 * @param where the script, for error messages (e.g. `bench/run`).
 * @param usage the usage text printed by `--help` and appended to errors.
 * @throws Error naming the flag and the accepted ones.
 */
export function parseFlags(argv: readonly string[], where: string, usage: string, spec: FlagSpec): ParsedFlags {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true, usage };
  const values = new Set(spec.values ?? []);
  const switches = new Set(spec.switches ?? []);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (values.has(arg)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${where}: ${arg} expects a value\n\n${usage}`);
      i += 1;
    } else if (!switches.has(arg)) {
      const accepted = [...values, ...switches, '--help'].join(', ');
      const what = arg.startsWith('-') ? `unknown flag '${arg}'` : `unexpected argument '${arg}'`;
      throw new Error(`${where}: ${what}; accepted: ${accepted}\n\n${usage}`);
    }
  }
  return { help: false, argv };
}

/**
 * `parseFlags` for a script's `main`: prints the usage and exits with status 0 on `--help`, else
 * returns the checked argv (throws on unknown flags).
 */
export function checkedArgv(argv: readonly string[], where: string, usage: string, spec: FlagSpec): readonly string[] {
  const parsed = parseFlags(argv, where, usage, spec);
  if (parsed.help) {
    process.stdout.write(parsed.usage.trimEnd() + '\n');
    process.exit(0);
  }
  return parsed.argv;
}

/** The string after `name` in `argv`, or `fallback` when `name` is absent. */
export function stringFlag(argv: readonly string[], name: string, fallback: string | null): string | null {
  const index = argv.indexOf(name);
  if (index < 0) return fallback;
  const value = argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} expects a value`);
  return value;
}

/** The integer ≥ 1 after `name` in `argv`, or `fallback`; throws naming `where` on anything else. */
export function integerFlag(argv: readonly string[], name: string, fallback: number, where: string): number {
  const raw = stringFlag(argv, name, null);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${where}: ${name} expects an integer ≥ 1, got '${raw}'`);
  return value;
}

/** Comma-separated list after `name`, or `fallback`. */
export function listFlag(argv: readonly string[], name: string, fallback: readonly string[]): string[] {
  const raw = stringFlag(argv, name, null);
  return raw === null
    ? [...fallback]
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}
