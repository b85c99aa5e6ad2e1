/** `loadDigits` (Node only): the shipped digits file, read once, split by `splitDigits`. */
import { readDigitsTable } from './file.js';
import { splitDigits, type DigitsSplit, type LoadDigitsOptions } from './split.js';

/**
 * The UCI optical handwritten digits (Alpaydin & Kaynak 1998) shipped with the package, split by
 * class into train and test with a seeded shuffle. With the defaults: 1,438 train and 359 test images.
 *
 * @returns a `DigitsSplit` owned by the caller (call `dispose()`).
 * @example
 * const digits = loadDigits({seed: 1, layout: 'image'});
 * digits.train.xs.shape; // [1438, 8, 8, 1]
 * digits.dispose();
 */
export function loadDigits(options: LoadDigitsOptions = {}): DigitsSplit {
  return splitDigits(readDigitsTable(), options, 'loadDigits');
}
