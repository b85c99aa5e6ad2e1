/**
 * Inputs of the segmentation metrics: a tf.Tensor (read synchronously with `dataSync`, not
 * disposed) or any array-like of numbers (typed arrays are used without copying).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';

/** Voxel values for a metric: a tensor of any shape (flattened in row-major order) or a flat array. */
export type VoxelValues = tf.Tensor | ArrayLike<number>;

/** Default probability threshold that turns a probability map into a mask: p ≥ 0.5 is foreground. */
export const DEFAULT_THRESHOLD = 0.5;

/** Reads `values` as a flat array-like without copying typed arrays. The caller keeps ownership of tensors. */
export function readValues(where: string, argument: string, values: VoxelValues): ArrayLike<number> {
  if (values instanceof tf.Tensor) {
    if (values.dtype !== 'float32' && values.dtype !== 'int32' && values.dtype !== 'bool') {
      throw new InvalidArgumentError(where, argument, `a ${values.dtype} tensor`, 'a float32, int32 or bool tensor');
    }
    return values.dataSync() as ArrayLike<number>;
  }
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError(where, argument, values, 'a tf.Tensor or an array-like of numbers');
  }
  return values;
}

/** The shape of `values` when it is a tensor, else `null`. */
export function shapeOf(values: VoxelValues): number[] | null {
  return values instanceof tf.Tensor ? values.shape.slice() : null;
}

/** Requires equal lengths of two flattened inputs; throws `ShapeError` naming both. */
export function requireSameLength(where: string, names: [string, string], a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new ShapeError(where, names[1], [b.length], `${a.length} voxels, as many as '${names[0]}'`);
  }
}

/** Requires every value to lie in [0, 1] (probabilities). */
export function requireProbabilities(where: string, argument: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const p = values[i];
    if (!(p >= 0 && p <= 1)) {
      throw new InvalidArgumentError(where, `${argument}[${i}]`, p, 'a probability in [0, 1]');
    }
  }
}

/** Requires every value to be finite. */
export function requireFiniteValues(where: string, argument: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InvalidArgumentError(where, `${argument}[${i}]`, values[i], 'a finite number');
    }
  }
}

/**
 * Binary mask of `values`: 1 where value ≥ `threshold`, else 0. With the default 0.5 this reads
 * both probability maps and 0/1 masks.
 */
export function binarize(values: ArrayLike<number>, threshold = DEFAULT_THRESHOLD): Uint8Array {
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) mask[i] = values[i] >= threshold ? 1 : 0;
  return mask;
}

/** Reads, checks and binarizes a mask or probability map in one step. */
export function readMask(where: string, argument: string, values: VoxelValues, threshold = DEFAULT_THRESHOLD): Uint8Array {
  const data = readValues(where, argument, values);
  requireFiniteValues(where, argument, data);
  return binarize(data, threshold);
}
