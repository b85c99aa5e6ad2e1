/** The package's own metadata, read from `package.json` at the package root (two levels above `dist/cli/`). */
import { readFileSync } from 'node:fs';

/** `name` and `version` from `package.json`. */
export function packageVersion(): { name: string; version: string } {
  const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
  return { name: String(json.name ?? 'tfjs-bnn'), version: String(json.version ?? 'unknown') };
}
