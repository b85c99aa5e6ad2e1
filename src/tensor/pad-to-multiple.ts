/**
 * Padding images of any size to the multiple a network needs (a U-Net that pools k times needs
 * every spatial size divisible by 2^k) and cropping its output maps back, so that real scans of
 * arbitrary size (e.g. 197×233×189 voxels) go through unchanged from the user's point of view.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';
import { requireFinite, requireFloatTensor, requireInteger } from '../validate.js';

/** Padding of one spatial axis: voxels added before and after. */
export type AxisPadding = readonly [before: number, after: number];

/** The padding applied by `padToMultiple`, enough to undo it on any map of the same grid. */
export interface MultiplePadding {
  /** Spatial sizes before padding (`[H, W]` or `[D, H, W]`, or `[L]` for sequences). */
  readonly originalSize: readonly number[];
  /** Spatial sizes after padding, each a multiple of `multiple`. */
  readonly paddedSize: readonly number[];
  /** Per spatial axis `[before, after]`: half the padding before (rounded down), the rest after. */
  readonly axes: readonly AxisPadding[];
  /** The multiple every padded size has. */
  readonly multiple: number;
}

/** Smallest multiple of `multiple` that is ≥ `size`. */
export function roundUpToMultiple(size: number, multiple: number): number {
  return Math.ceil(size / multiple) * multiple;
}

/**
 * The padding that brings the spatial sizes `size` to multiples of `multiple`, split evenly (the
 * extra voxel after), so the image stays centred. Pure numbers; no tensors.
 */
export function paddingToMultiple(size: readonly number[], multiple: number): MultiplePadding {
  const where = 'paddingToMultiple';
  requireInteger(where, 'multiple', multiple);
  if (!Array.isArray(size) || size.length < 1 || size.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeError(where, 'size', Array.isArray(size) ? size : [], 'positive integer spatial sizes');
  }
  const paddedSize = size.map((d) => roundUpToMultiple(d, multiple));
  const axes = size.map((d, i): AxisPadding => {
    const total = paddedSize[i] - d;
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  return { originalSize: [...size], paddedSize, axes, multiple };
}

/**
 * Pads the spatial axes of `x` (`[N, ...spatial, C]`, float) with `value` so every spatial size is
 * a multiple of `multiple`. Returns the padded tensor (**owned by the caller**; a new tensor even
 * when no padding is needed) and the padding, for `cropPadding`.
 *
 * @example
 * const {padded, padding} = padToMultiple(slices, 4); // [5, 233, 197, 1] → [5, 236, 200, 1]
 * const probability = cropPadding(model.predict(padded) as tf.Tensor, padding); // [5, 233, 197, 1]
 */
export function padToMultiple(x: tf.Tensor, multiple: number, value = 0): { padded: tf.Tensor; padding: MultiplePadding } {
  const where = 'padToMultiple';
  requireFloatTensor(where, 'x', x);
  if (x.rank < 3) throw new ShapeError(where, 'x', x.shape, '[N, ...spatial, C] with at least one spatial axis');
  requireFinite(where, 'value', value);
  const padding = paddingToMultiple(x.shape.slice(1, -1), multiple);
  const padded = tf.tidy(() => tf.pad(x, [[0, 0], ...padding.axes.map((a): [number, number] => [a[0], a[1]]), [0, 0]], value));
  return { padded, padding };
}

/**
 * Crops a map `[N, ...paddedSize, C']` (any channel count) back to `[N, ...originalSize, C']`.
 * The input is not disposed; the result is **owned by the caller**. Throws `ShapeError` when the
 * map's spatial sizes are not the padded ones.
 */
export function cropPadding(map: tf.Tensor, padding: MultiplePadding): tf.Tensor {
  const where = 'cropPadding';
  const spatial = map.shape.slice(1, -1);
  if (spatial.length !== padding.paddedSize.length || spatial.some((d, i) => d !== padding.paddedSize[i])) {
    throw new ShapeError(where, 'map', map.shape, `[N, ${padding.paddedSize.join(', ')}, C] (the padded grid)`);
  }
  const begin = [0, ...padding.axes.map((a) => a[0]), 0];
  const size = [map.shape[0], ...padding.originalSize, map.shape[map.rank - 1]];
  return tf.slice(map, begin, size);
}

/**
 * Crops a map stored as a flat array (`N · ∏paddedSize · channels` values, row-major with the
 * channel last) back to the original grid. For maps already read from the device.
 */
export function cropPaddingArray(values: Float32Array, padding: MultiplePadding, examples: number, channels = 1): Float32Array {
  const where = 'cropPaddingArray';
  const padded = padding.paddedSize;
  const original = padding.originalSize;
  const paddedVoxels = padded.reduce((a, b) => a * b, 1);
  if (values.length !== examples * paddedVoxels * channels) {
    throw new ShapeError(
      where,
      'values',
      [values.length],
      `${examples * paddedVoxels * channels} values ([${examples}, ${padded.join(', ')}, ${channels}])`,
    );
  }
  const originalVoxels = original.reduce((a, b) => a * b, 1);
  const out = new Float32Array(examples * originalVoxels * channels);
  const rank = original.length;
  const index = new Array<number>(rank).fill(0);
  for (let n = 0; n < examples; n++) {
    for (let v = 0; v < originalVoxels; v++) {
      let rest = v;
      for (let axis = rank - 1; axis >= 0; axis--) {
        index[axis] = rest % original[axis];
        rest = Math.floor(rest / original[axis]);
      }
      let source = 0;
      for (let axis = 0; axis < rank; axis++) source = source * padded[axis] + index[axis] + padding.axes[axis][0];
      for (let c = 0; c < channels; c++) out[(n * originalVoxels + v) * channels + c] = values[(n * paddedVoxels + source) * channels + c];
    }
  }
  return out;
}
