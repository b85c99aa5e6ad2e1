/**
 * Command-line flags of the example scripts: `--help` prints the usage and exits 0; an unknown flag, a missing value or a bad number prints one line and exits 2,
 * before any training starts.
 */
import { parseArgs } from 'node:util';

/** One `--name <value>` flag of an example, with its default and what it accepts. */
export interface ExampleFlag {
  readonly name: string;
  readonly description: string;
  readonly defaultValue: string;
  /** Require an integer ≥ 1 (epochs, counts). */
  readonly positiveInteger?: boolean;
  /** A bare switch (`--quick`): its value is `'true'` when given, else `defaultValue` (`'false'`). */
  readonly isSwitch?: boolean;
  /** Accepted values, when the flag is a choice. */
  readonly choices?: readonly string[];
}

/** Exit status for bad flags, as the tfjs-bnn command uses. */
export const EXAMPLE_USAGE_EXIT_CODE = 2;

/** The usage text: the script line, then one line per flag with its default. */
export function exampleUsage(script: string, summary: string, flags: readonly ExampleFlag[]): string {
  const lines = flags.map((f) =>
    f.isSwitch === true ? `  --${f.name}  ${f.description}` : `  --${f.name} <value>  ${f.description} (default: ${f.defaultValue})`,
  );
  return [
    `usage: node dist/examples/${script}.js [options]`,
    '',
    summary,
    '',
    'options:',
    ...lines,
    '  --help  print this help and exit',
  ].join('\n');
}

/**
 * Parses `argv` (without node and the script) against `flags`. Returns the values by name, or a
 * `{exit, text}` telling the caller what to print and the status to exit with.
 */
export function parseExampleArgs(
  argv: readonly string[],
  script: string,
  summary: string,
  flags: readonly ExampleFlag[],
): { readonly values: Readonly<Record<string, string>> } | { readonly exit: number; readonly text: string } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const flag of flags) options[flag.name] = { type: flag.isSwitch === true ? 'boolean' : 'string' };
  let parsed: Record<string, string | boolean | undefined>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (error) {
    return { exit: EXAMPLE_USAGE_EXIT_CODE, text: `${script}: ${(error as Error).message.split('\n')[0]} (see --help)` };
  }
  if (parsed.help === true) return { exit: 0, text: exampleUsage(script, summary, flags) };
  const values: Record<string, string> = {};
  for (const flag of flags) {
    const value = parsed[flag.name];
    values[flag.name] = typeof value === 'string' ? value : value === true ? 'true' : flag.defaultValue;
    if (flag.choices !== undefined && !flag.choices.includes(values[flag.name])) {
      return {
        exit: EXAMPLE_USAGE_EXIT_CODE,
        text: `${script}: --${flag.name} expects one of ${flag.choices.join(', ')}, got '${values[flag.name]}'`,
      };
    }
    const number = Number(values[flag.name]);
    if (flag.positiveInteger === true && !(Number.isInteger(number) && number >= 1)) {
      return { exit: EXAMPLE_USAGE_EXIT_CODE, text: `${script}: --${flag.name} expects an integer ≥ 1, got '${values[flag.name]}'` };
    }
  }
  return { values };
}

/** `parseExampleArgs` on `process.argv`, printing and exiting for `--help` and bad flags. */
export function exampleArgs(script: string, summary: string, flags: readonly ExampleFlag[]): Readonly<Record<string, string>> {
  const result = parseExampleArgs(process.argv.slice(2), script, summary, flags);
  if ('values' in result) return result.values;
  (result.exit === 0 ? process.stdout : process.stderr).write(`${result.text}\n`);
  process.exit(result.exit);
}
