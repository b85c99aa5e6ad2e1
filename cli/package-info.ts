/** The package's own metadata, read from `package.json` at the package root (two levels above `dist/cli/`). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the package root (the folder holding `package.json`). */
export function packageRoot(): string {
  // Compiled: <root>/dist/cli/package-info.js → <root>/.
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** `name` and `version` from `package.json`. */
export function packageVersion(): { name: string; version: string } {
  const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
  return { name: String(json.name ?? 'tfjs-bnn'), version: String(json.version ?? 'unknown') };
}
