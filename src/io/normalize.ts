/**
 * Intensity normalisation of MR images, whose intensities have no absolute scale: percentile
 * clipping (robust to a few very bright voxels) and z-scoring within a foreground mask (so the
 * background, often half the volume, does not set the statistics).
 */
import { InvalidArgumentError, ShapeError } from '../errors.js';

/** Default lower and upper percentiles of `percentileClip`. */
export const DEFAULT_CLIP_PERCENTILES: readonly [number, number] = [0.5, 99.5];

function selected(where: string, values: ArrayLike<number>, mask: ArrayLike<number> | undefined): Float64Array {
  if (mask !== undefined && mask.length !== values.length) {
    throw new ShapeError(where, 'options.mask', [mask.length], `${values.length} values, as many as the image`);
  }
  const picked: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (mask !== undefined && !(mask[i] >= 0.5)) continue;
    if (!Number.isFinite(values[i])) throw new InvalidArgumentError(where, `values[${i}]`, values[i], 'a finite number');
    picked.push(values[i]);
  }
  if (picked.length === 0)
    throw new InvalidArgumentError(where, 'options.mask', 'an empty mask (or no values)', 'at least one foreground voxel');
  return Float64Array.from(picked);
}

/**
 * The q-th percentile (q ∈ [0, 100]) of `values` with linear interpolation between order
 * statistics (NumPy's default), optionally only over voxels where `mask` ≥ 0.5.
 */
export function percentile(values: ArrayLike<number>, q: number, mask?: ArrayLike<number>): number {
  if (typeof q !== 'number' || !(q >= 0 && q <= 100)) throw new InvalidArgumentError('percentile', 'q', q, 'a number in [0, 100]');
  const sorted = selected('percentile', values, mask).sort();
  const position = (q / 100) * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
}

/** Options of the normalisation functions. */
export interface NormalizeOptions {
  /** Foreground mask (value ≥ 0.5 counts); statistics are taken inside it. Default: all voxels. */
  readonly mask?: ArrayLike<number>;
}

/** Result of `percentileClip`. */
export interface ClippedValues {
  /** A new array, clipped to [low, high]. */
  readonly values: Float32Array;
  readonly low: number;
  readonly high: number;
}

/** Clips `values` to their [lower, upper] percentiles (default [0.5, 99.5]), computed inside `options.mask`. Returns a new array. */
export function percentileClip(
  values: ArrayLike<number>,
  percentiles: readonly [number, number] = DEFAULT_CLIP_PERCENTILES,
  options: NormalizeOptions = {},
): ClippedValues {
  if (
    !Array.isArray(percentiles) ||
    percentiles.length !== 2 ||
    !percentiles.every((q) => typeof q === 'number') ||
    !(percentiles[0] >= 0 && percentiles[0] <= percentiles[1] && percentiles[1] <= 100)
  ) {
    throw new InvalidArgumentError('percentileClip', 'percentiles', percentiles, '[lower, upper] with 0 ≤ lower ≤ upper ≤ 100');
  }
  const sorted = selected('percentileClip', values, options.mask).sort();
  const at = (q: number) => {
    const position = (q / 100) * (sorted.length - 1);
    const low = Math.floor(position);
    const high = Math.min(sorted.length - 1, low + 1);
    return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
  };
  const low = at(percentiles[0]);
  const high = at(percentiles[1]);
  const clipped = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) clipped[i] = Math.min(high, Math.max(low, values[i]));
  return { values: clipped, low, high };
}

/** Result of `zScoreNormalize`. */
export interface ZScoredValues {
  /** A new array: (value − mean) / std. */
  readonly values: Float32Array;
  readonly mean: number;
  /** Population standard deviation inside the mask (1 when it is 0, so values stay finite). */
  readonly std: number;
}

/**
 * Z-scores `values` with the mean and standard deviation of the voxels inside `options.mask`
 * (e.g. the brain), applied to every voxel. Returns a new array. Throws `InvalidArgumentError`
 * for an empty mask.
 */
export function zScoreNormalize(values: ArrayLike<number>, options: NormalizeOptions = {}): ZScoredValues {
  const picked = selected('zScoreNormalize', values, options.mask);
  let mean = 0;
  for (const v of picked) mean += v;
  mean /= picked.length;
  let variance = 0;
  for (const v of picked) variance += (v - mean) ** 2;
  variance /= picked.length;
  const std = variance > 0 ? Math.sqrt(variance) : 1;
  const normalized = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) normalized[i] = (values[i] - mean) / std;
  return { values: normalized, mean, std };
}

/** A foreground mask by threshold: 1 where value > `threshold` (e.g. a little above the background noise). */
export function thresholdMask(values: ArrayLike<number>, threshold: number): Uint8Array {
  if (!Number.isFinite(threshold)) throw new InvalidArgumentError('thresholdMask', 'threshold', threshold, 'a finite number');
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) mask[i] = values[i] > threshold ? 1 : 0;
  return mask;
}

/** Default of `normalizeSlices`: the foreground is every voxel above this fraction of the slice's 99th percentile. */
export const DEFAULT_FOREGROUND_FRACTION = 0.1;

/**
 * Z-scores each slice of a stack inside its own foreground (the head): voxels brighter than
 * `foregroundFraction` × the slice's 99th percentile, which leaves out the air and its noise.
 * Scanner intensity scales and bias differ between slices and subjects; this puts every slice on
 * the same scale. `values` holds `count` slices of `sliceSize` voxels back to back; returns a new
 * array of the same length. An empty slice (all voxels ≤ 0) is returned unchanged.
 */
export function normalizeSlices(
  values: Float32Array,
  count: number,
  sliceSize: number,
  foregroundFraction = DEFAULT_FOREGROUND_FRACTION,
): Float32Array {
  if (!Number.isInteger(count) || !Number.isInteger(sliceSize) || count * sliceSize !== values.length) {
    throw new InvalidArgumentError('normalizeSlices', 'count', count, `count × sliceSize = ${values.length} (the number of values)`);
  }
  if (!(foregroundFraction >= 0 && foregroundFraction < 1)) {
    throw new InvalidArgumentError('normalizeSlices', 'foregroundFraction', foregroundFraction, 'a number in [0, 1)');
  }
  const out = new Float32Array(values.length);
  for (let n = 0; n < count; n++) {
    const slice = values.subarray(n * sliceSize, (n + 1) * sliceSize);
    const high = percentile(slice, 99);
    if (!(high > 0)) {
      out.set(slice, n * sliceSize);
      continue;
    }
    out.set(zScoreNormalize(slice, { mask: thresholdMask(slice, foregroundFraction * high) }).values, n * sliceSize);
  }
  return out;
}
