/**
 * Seeded, stratified train/test splits of the shipped UCI digits as tensors.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { requireOneOf, requireOpenInterval, requireSeed } from '../../validate.js';
import { DIGITS_IMAGE_SIZE, DIGITS_MAX_INTENSITY, DIGITS_NUM_CLASSES, DIGITS_NUM_PIXELS, type DigitsTable } from './table.js';

/** Default fraction of each class held out for testing. */
export const DEFAULT_DIGITS_TEST_FRACTION = 0.2;
/** Default seed of the split. */
export const DEFAULT_DIGITS_SEED = 0;
/** Default tensor layout of the images. */
export const DEFAULT_DIGITS_LAYOUT: DigitsLayout = 'flat';

/** `'flat'`: images as rows of 64 pixels, `[n, 64]`; `'image'`: `[n, 8, 8, 1]` (NHWC). */
export type DigitsLayout = 'flat' | 'image';

/** Options of `loadDigits`. */
export interface LoadDigitsOptions {
  /** Seed of the shuffle; equal seeds give equal splits. Finite number or non-empty string. Default `DEFAULT_DIGITS_SEED`. */
  readonly seed?: number | string;
  /** Fraction of every class put in the test set, in (0, 1). Default `DEFAULT_DIGITS_TEST_FRACTION`. */
  readonly testFraction?: number;
  /** Tensor layout of `xs`. Default `DEFAULT_DIGITS_LAYOUT`. */
  readonly layout?: DigitsLayout;
}

/** One part of a split. The tensors are owned by the `DigitsSplit` that holds them. */
export interface DigitsPart {
  /** float32 intensities scaled to [0, 1] (divided by 16): `[n, 64]` or `[n, 8, 8, 1]`. */
  readonly xs: tf.Tensor;
  /** int32 class labels 0…9, `[n]`. */
  readonly labels: tf.Tensor1D;
  /** float32 one-hot labels, `[n, 10]`. */
  readonly oneHot: tf.Tensor2D;
  /** Row indices into the shipped file, in the order of the tensors (for reproducibility checks). */
  readonly indices: readonly number[];
}

/** A train/test split. The caller owns it and must call `dispose()` once done. */
export interface DigitsSplit {
  readonly train: DigitsPart;
  readonly test: DigitsPart;
  /** Disposes the six tensors. */
  dispose(): void;
}

/** Stratified split of row indices: within each class, a seeded shuffle, then the first ⌈f·n_c⌉ rows go to test. */
export function splitDigitsIndices(
  labels: ArrayLike<number>,
  seed: number | string,
  testFraction: number,
): { train: number[]; test: number[] } {
  const random = seedrandom.alea(`tfjs-bnn/digits-split|${seed}`);
  const byClass: number[][] = Array.from({ length: DIGITS_NUM_CLASSES }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byClass) {
    shuffleInPlace(rows, random);
    const testCount = Math.round(testFraction * rows.length);
    test.push(...rows.slice(0, testCount));
    train.push(...rows.slice(testCount));
  }
  // Interleave classes so that consecutive mini-batches are not single-class.
  shuffleInPlace(train, random);
  shuffleInPlace(test, random);
  return { train, test };
}

function shuffleInPlace(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}

function makePart(table: DigitsTable, indices: number[], layout: DigitsLayout): DigitsPart {
  const n = indices.length;
  const pixels = new Float32Array(n * DIGITS_NUM_PIXELS);
  const labels = new Int32Array(n);
  indices.forEach((row, i) => {
    for (let p = 0; p < DIGITS_NUM_PIXELS; p++)
      pixels[i * DIGITS_NUM_PIXELS + p] = table.intensities[row * DIGITS_NUM_PIXELS + p] / DIGITS_MAX_INTENSITY;
    labels[i] = table.labels[row];
  });
  const shape = layout === 'flat' ? [n, DIGITS_NUM_PIXELS] : [n, DIGITS_IMAGE_SIZE, DIGITS_IMAGE_SIZE, 1];
  const labelTensor = tf.tensor1d(labels, 'int32');
  return {
    xs: tf.tensor(pixels, shape, 'float32'),
    labels: labelTensor,
    oneHot: tf.tidy(() => tf.oneHot(labelTensor, DIGITS_NUM_CLASSES).toFloat() as tf.Tensor2D),
    indices,
  };
}

/**
 * A digits table (e.g. `parseDigitsCsv(text)` of the shipped file, fetched in a browser) split by
 * class into train and test with a seeded shuffle. With the defaults and the full table: 1,438
 * train and 359 test images. In Node `loadDigits(options)` does this with the shipped file.
 *
 * @param where the function named in error messages.
 * @returns a `DigitsSplit` owned by the caller (call `dispose()`).
 */
export function splitDigits(table: DigitsTable, options: LoadDigitsOptions = {}, where = 'splitDigits'): DigitsSplit {
  const seed = requireSeed(where, 'seed', options.seed ?? DEFAULT_DIGITS_SEED);
  const testFraction = requireOpenInterval(where, 'testFraction', options.testFraction ?? DEFAULT_DIGITS_TEST_FRACTION, 0, 1);
  const layout = requireOneOf(where, 'layout', options.layout ?? DEFAULT_DIGITS_LAYOUT, ['flat', 'image'] as const);
  const { train, test } = splitDigitsIndices(table.labels, seed, testFraction);
  const trainPart = makePart(table, train, layout);
  const testPart = makePart(table, test, layout);
  return {
    train: trainPart,
    test: testPart,
    dispose() {
      for (const part of [trainPart, testPart]) tf.dispose([part.xs, part.labels, part.oneHot]);
    },
  };
}
