/** Command-line flags shared by the bench scripts (`--name value` pairs and bare switches). */

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
  return raw === null ? [...fallback] : raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
