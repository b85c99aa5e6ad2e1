/**
 * The UCI optical handwritten digits as shipped with tfjs-bnn (`src/data/digits.csv.gz`):
 * 1,797 images of 8×8 pixels, integer intensities 0…16, labels 0…9. See `README.md` beside this file
 * for the source and licence.
 */
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
 * Parses the gunzipped CSV text: one image per line, 64 intensities then the label.
 * Throws `FormatError` naming the line and the problem on any malformed row.
 */
export function parseDigitsCsv(text: string, source = DIGITS_FILE_NAME): DigitsTable {
  if (typeof text !== 'string') throw new FormatError(`parseDigitsCsv: ${source} is ${typeof text}; expected the CSV text.`);
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  if (lines.length === 0)
    throw new FormatError(`parseDigitsCsv: ${source} has no rows; expected one image per line (64 pixels and a label).`);
  const intensities = new Uint8Array(lines.length * DIGITS_NUM_PIXELS);
  const labels = new Uint8Array(lines.length);
  lines.forEach((line, row) => {
    const cells = line.split(',');
    if (cells.length !== DIGITS_NUM_PIXELS + 1) {
      throw new FormatError(
        `parseDigitsCsv: ${source} line ${row + 1} has ${cells.length} fields; expected ${DIGITS_NUM_PIXELS + 1} (64 pixels and a label).`,
      );
    }
    cells.forEach((cell, column) => {
      const value = Number(cell);
      const max = column === DIGITS_NUM_PIXELS ? DIGITS_NUM_CLASSES - 1 : DIGITS_MAX_INTENSITY;
      if (!Number.isInteger(value) || value < 0 || value > max || cell.trim() === '') {
        throw new FormatError(
          `parseDigitsCsv: ${source} line ${row + 1} field ${column + 1} is ${JSON.stringify(cell)}; expected an integer in [0, ${max}].`,
        );
      }
      if (column === DIGITS_NUM_PIXELS) labels[row] = value;
      else intensities[row * DIGITS_NUM_PIXELS + column] = value;
    });
  });
  return { intensities, labels };
}
