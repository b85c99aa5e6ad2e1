/** The shipped digits file (Node only): where it lies and reading it once per process. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { FormatError } from '../../errors.js';
import { DIGITS_FILE_NAME, DIGITS_NUM_EXAMPLES, parseDigitsCsv, type DigitsTable } from './table.js';

/**
 * Where the shipped file is looked for, in order: next to the compiled `data/` folder
 * (`dist/src/data/digits.csv.gz`, when the build copies it), then the package root's
 * `src/data/digits.csv.gz` (from `dist/src/data/digits/` that is four levels up; from the
 * TypeScript source it is the first candidate already).
 */
function digitsFileCandidates(): string[] {
  return [
    fileURLToPath(new URL(`../${DIGITS_FILE_NAME}`, import.meta.url)),
    fileURLToPath(new URL(`../../../../src/data/${DIGITS_FILE_NAME}`, import.meta.url)),
  ];
}

/** The path of the shipped file. Throws `FormatError` naming every place looked at when none exists. */
export function digitsFilePath(): string {
  const candidates = digitsFileCandidates();
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new FormatError(`readDigitsTable: the shipped file ${DIGITS_FILE_NAME} was not found; looked at ${candidates.join(', ')}.`);
  }
  return found;
}

let cached: DigitsTable | null = null;

/**
 * Reads and parses the shipped file once per process (later calls return the same arrays;
 * treat them as read-only). Throws `FormatError` if the file is missing, corrupt, or does not
 * hold exactly `DIGITS_NUM_EXAMPLES` rows.
 */
export function readDigitsTable(): DigitsTable {
  if (cached !== null) return cached;
  const path = digitsFilePath();
  let text: string;
  try {
    text = new TextDecoder().decode(gunzipSync(readFileSync(path)));
  } catch (error) {
    throw new FormatError(`readDigitsTable: ${path} is not a readable gzip file (${(error as Error).message}).`);
  }
  const table = parseDigitsCsv(text, path);
  if (table.labels.length !== DIGITS_NUM_EXAMPLES) {
    throw new FormatError(`readDigitsTable: ${path} has ${table.labels.length} rows; expected ${DIGITS_NUM_EXAMPLES}.`);
  }
  cached = table;
  return table;
}
