export {
  DIGITS_FILE_NAME,
  DIGITS_IMAGE_SIZE,
  DIGITS_MAX_INTENSITY,
  DIGITS_NUM_CLASSES,
  DIGITS_NUM_EXAMPLES,
  DIGITS_NUM_PIXELS,
  parseDigitsCsv,
  type DigitsTable,
} from './table.js';
export {
  DEFAULT_DIGITS_LAYOUT,
  DEFAULT_DIGITS_SEED,
  DEFAULT_DIGITS_TEST_FRACTION,
  splitDigits,
  splitDigitsIndices,
  type DigitsLayout,
  type DigitsPart,
  type DigitsSplit,
  type LoadDigitsOptions,
} from './split.js';
