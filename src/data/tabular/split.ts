/**
 * The UCI protocol of Hernández-Lobato & Adams (2015): random train/test splits (90/10 by default),
 * inputs and regression targets standardised with the training part's mean and standard deviation.
 * Browser-safe, plain arrays.
 */
import seedrandom from 'seedrandom';
import { InvalidArgumentError } from '../../errors.js';
import { requireOpenInterval } from '../../validate.js';
import type { TabularData } from './table.js';

/** Default test fraction of `splitTabular` (10 %). */
export const DEFAULT_TABULAR_TEST_FRACTION = 0.1;

/** One standardised split. */
export interface TabularSplit {
  /** Row-major standardised features of the training rows, [trainRows × features]. */
  readonly trainX: Float32Array;
  /** Training targets: standardised (regression) or class indices (classification). */
  readonly trainY: Float32Array;
  readonly testX: Float32Array;
  /** Test targets in the same units as `trainY`. */
  readonly testY: Float32Array;
  readonly trainRows: number;
  readonly testRows: number;
  readonly features: number;
  /** Training mean and standard deviation of the target (regression; {0, 1} for classification): multiply RMSE by `targetScale` for original units; add log(targetScale) to NLLs. */
  readonly targetMean: number;
  readonly targetScale: number;
  /** Row indices (into the table) of the test part. */
  readonly testIndices: Int32Array;
}

/**
 * Split `split` (0-based) of the protocol: a seeded permutation of the rows (seed `${seed}/${split}`),
 * the first ⌈testFraction · rows⌉ rows are the test part. Features with zero training spread are
 * left centred (scale 1).
 */
export function splitTabular(
  data: TabularData,
  split: number,
  options: { readonly seed?: number | string; readonly testFraction?: number } = {},
): TabularSplit {
  const where = 'splitTabular';
  if (!Number.isInteger(split) || split < 0) throw new InvalidArgumentError(where, 'split', split, 'an integer ≥ 0');
  const testFraction = requireOpenInterval(where, 'options.testFraction', options.testFraction ?? DEFAULT_TABULAR_TEST_FRACTION, 0, 1);
  const rng = seedrandom(`${options.seed ?? 0}/${split}`);
  const order = Int32Array.from({ length: data.rows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const testRows = Math.max(1, Math.ceil(testFraction * data.rows));
  const trainRows = data.rows - testRows;
  if (trainRows < 2) throw new InvalidArgumentError(where, 'data', `${data.rows} rows`, 'at least 3 rows');
  const testIndices = order.slice(0, testRows);
  const trainIndices = order.slice(testRows);
  const d = data.featureNames.length;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const row of trainIndices) for (let f = 0; f < d; f++) mean[f] += data.features[row * d + f] / trainRows;
  for (const row of trainIndices) for (let f = 0; f < d; f++) scale[f] += (data.features[row * d + f] - mean[f]) ** 2 / trainRows;
  for (let f = 0; f < d; f++) scale[f] = scale[f] > 0 ? Math.sqrt(scale[f]) : 1;
  let targetMean = 0;
  let targetScale = 1;
  if (data.task === 'regression') {
    for (const row of trainIndices) targetMean += data.targets[row] / trainRows;
    let variance = 0;
    for (const row of trainIndices) variance += (data.targets[row] - targetMean) ** 2 / trainRows;
    targetScale = variance > 0 ? Math.sqrt(variance) : 1;
  }
  const take = (indices: Int32Array) => {
    const x = new Float32Array(indices.length * d);
    const y = new Float32Array(indices.length);
    indices.forEach((row, i) => {
      for (let f = 0; f < d; f++) x[i * d + f] = (data.features[row * d + f] - mean[f]) / scale[f];
      y[i] = (data.targets[row] - targetMean) / targetScale;
    });
    return { x, y };
  };
  const train = take(trainIndices);
  const test = take(testIndices);
  return {
    trainX: train.x,
    trainY: train.y,
    testX: test.x,
    testY: test.y,
    trainRows,
    testRows,
    features: d,
    targetMean,
    targetScale,
    testIndices,
  };
}
