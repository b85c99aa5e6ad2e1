/** Node-only: reading the shipped tabular files and user CSV files from disk. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FormatError } from '../../errors.js';
import { SHIPPED_TABULAR, parseShippedTabular, requireShippedTabular, type ShippedTabularName } from './shipped.js';
import { parseTabularCsv, type ParseTabularOptions, type TabularData } from './table.js';

/** Where a shipped file is looked for: next to the compiled `data/` folder, then the package root's `src/data/`. */
function candidates(fileName: string): string[] {
  return [
    fileURLToPath(new URL(`../${fileName}`, import.meta.url)),
    fileURLToPath(new URL(`../../../../src/data/${fileName}`, import.meta.url)),
  ];
}

const cache = new Map<ShippedTabularName, TabularData>();

/**
 * Reads a shipped tabular set (`'diabetes'`, `'breast-cancer'`, `'wine'`, `'iris'`) once per process;
 * later calls return the same arrays (treat them as read-only). Throws `FormatError` when the file is
 * missing or corrupt.
 */
export function readShippedTabular(name: ShippedTabularName): TabularData {
  const checked = requireShippedTabular('readShippedTabular', name);
  const cached = cache.get(checked);
  if (cached !== undefined) return cached;
  const fileName = SHIPPED_TABULAR[checked].fileName;
  const paths = candidates(fileName);
  const path = paths.find((p) => existsSync(p));
  if (path === undefined)
    throw new FormatError(`readShippedTabular: the shipped file ${fileName} was not found; looked at ${paths.join(', ')}.`);
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(readFileSync(path));
  } catch (error) {
    throw new FormatError(`readShippedTabular: ${path} is not a readable gzip file (${(error as Error).message}).`);
  }
  const data = parseShippedTabular(checked, bytes);
  cache.set(checked, data);
  return data;
}

/** Reads a user CSV file (gzipped when the name ends in `.gz`) with a header line; see `parseTabularCsv`. */
export function readTabularCsv(path: string, options: Omit<ParseTabularOptions, 'name'> & { readonly name?: string }): TabularData {
  let bytes: Uint8Array;
  try {
    const raw = readFileSync(path);
    bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  } catch (error) {
    throw new FormatError(`readTabularCsv: cannot read ${path} (${(error as Error).message}).`);
  }
  return parseTabularCsv(bytes, { ...options, name: options.name ?? path });
}
