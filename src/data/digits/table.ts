/**
 * The UCI optical handwritten digits as shipped with tfjs-bnn (`src/data/digits.csv.gz`):
 * 1,797 images of 8×8 pixels, integer intensities 0…16, labels 0…9. See `README.md` beside this file
 * for the source and licence.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FormatError } from '../../errors.js';

/** Side of one digit image, in pixels. */
export const DIGITS_IMAGE_SIZE = 8;
/** Pixels per image (8 × 8). */
export const DIGITS_NUM_PIXELS = DIGITS_IMAGE_SIZE * DIGITS_IMAGE_SIZE;
/** Number of classes (the digits 0…9). */
export const DIGITS_NUM_CLASSES = 10;
/** Number of images in the shipped file. */
export const DIGITS_NUM_EXAMPLES = 1797;
/** Largest pixel intensity in the file (each pixel counts the "on" pixels of a 4×4 block). */
export const DIGITS_MAX_INTENSITY = 16;
/** File name of the shipped copy. */
export const DIGITS_FILE_NAME = 'digits.csv.gz';

/** The whole file as plain arrays (no tensors). */
export interface DigitsTable {
  /** Row-major pixel intensities 0…16, length `DIGITS_NUM_EXAMPLES × 64`; image i is `[64 i, 64 (i + 1))`. */
  readonly intensities: Uint8Array;
  /** Class of each image, 0…9, length `DIGITS_NUM_EXAMPLES`. */
  readonly labels: Uint8Array;
}

/**
 * Where the shipped file is looked for, in order: next to the compiled `data/` folder
 * (`dist/src/data/digits.csv.gz`, when the build copies it), then the package root's
 * `src/data/digits.csv.gz` (from `dist/src/data/digits/` that is four levels up; from the
 * TypeScript source it is the first candidate already).
 */
export function digitsFileCandidates(): string[] {
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

/**
 * Parses the gunzipped CSV text: one image per line, 64 intensities then the label.
 * Throws `FormatError` naming the line and the problem on any malformed row.
 */
export function parseDigitsCsv(text: string, source = DIGITS_FILE_NAME): DigitsTable {
  if (typeof text !== 'string') throw new FormatError(`parseDigitsCsv: ${source} is ${typeof text}; expected the CSV text.`);
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  if (lines.length === 0) throw new FormatError(`parseDigitsCsv: ${source} has no rows; expected one image per line (64 pixels and a label).`);
  const intensities = new Uint8Array(lines.length * DIGITS_NUM_PIXELS);
  const labels = new Uint8Array(lines.length);
  lines.forEach((line, row) => {
    const cells = line.split(',');
    if (cells.length !== DIGITS_NUM_PIXELS + 1) {
      throw new FormatError(`parseDigitsCsv: ${source} line ${row + 1} has ${cells.length} fields; expected ${DIGITS_NUM_PIXELS + 1} (64 pixels and a label).`);
    }
    cells.forEach((cell, column) => {
      const value = Number(cell);
      const max = column === DIGITS_NUM_PIXELS ? DIGITS_NUM_CLASSES - 1 : DIGITS_MAX_INTENSITY;
      if (!Number.isInteger(value) || value < 0 || value > max || cell.trim() === '') {
        throw new FormatError(`parseDigitsCsv: ${source} line ${row + 1} field ${column + 1} is ${JSON.stringify(cell)}; expected an integer in [0, ${max}].`);
      }
      if (column === DIGITS_NUM_PIXELS) labels[row] = value;
      else intensities[row * DIGITS_NUM_PIXELS + column] = value;
    });
  });
  return { intensities, labels };
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
    text = gunzipSync(readFileSync(path)).toString('utf8');
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
