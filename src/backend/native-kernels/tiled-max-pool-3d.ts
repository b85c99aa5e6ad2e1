/**
 * `MaxPool3D` and `MaxPool3DGrad` for the common case of non-overlapping windows that tile the input
 * (filter size = stride, no padding: the 2×2×2 pooling of a U-Net) as a few whole-tensor TensorFlow
 * ops. TensorFlow's own CPU kernels are slow on volumes: the gradient loops over output positions
 * with a small Eigen expression each (20 ms per call on a [1, 64, 64, 64, 8] volume, a quarter of a
 * 3D U-Net training step), the forward pass takes 2–7 ms where three `Max` reductions take < 1 ms.
 *
 * - forward: max over the window's width, then height, then depth (one reduction of a 3-D view
 *   each); max is exact, so the values are TensorFlow's.
 * - gradient: dx = where(input = up(output), up(dy), 0), with up() repeating each window's value over
 *   the window (three `Tile`s, one axis at a time, so that no op needs more than three dimensions).
 *   Every element equal to its window's maximum receives that window's dy, as TensorFlow's kernel
 *   does (ties included); everything else is +0.
 *
 * Other geometries, dtypes and NaN-free guarantees: inputs holding NaN may pool differently; other
 * geometries and dtypes go to tfjs-node's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { asNativeBackend, floatTypeAttr } from './native-backend.js';

/** Kernel names replaced on `tensorflow`. */
export const MAX_POOL_3D = 'MaxPool3D';
export const MAX_POOL_3D_GRAD = 'MaxPool3DGrad';

interface Pool3DAttrs {
  readonly filterSize: [number, number, number] | number;
  readonly strides: [number, number, number] | number;
  readonly pad: 'valid' | 'same' | number;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  readonly dataFormat?: 'NDHWC' | 'NCDHW';
}

/** The window sizes [depth, height, width] when the windows tile the input exactly, else null. */
function tilingWindows(input: tf.TensorInfo, attrs: Pool3DAttrs): [number, number, number] | null {
  if (input.shape.length !== 5) return null;
  const info = tf.backend_util.computePool3DInfo(
    input.shape as [number, number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    attrs.dataFormat ?? 'NDHWC',
  );
  const windows: [number, number, number] = [info.filterDepth, info.filterHeight, info.filterWidth];
  const strides = [info.strideDepth, info.strideHeight, info.strideWidth];
  const inSizes = [info.inDepth, info.inHeight, info.inWidth];
  const outSizes = [info.outDepth, info.outHeight, info.outWidth];
  const { front, back, top, bottom, left, right } = info.padInfo;
  const unpadded = [front, back, top, bottom, left, right].every((p) => p === 0);
  const tiles = windows.every((w, i) => w === strides[i] && inSizes[i] === outSizes[i] * w);
  return info.dataFormat === 'channelsLast' && unpadded && tiles ? windows : null;
}

/** `pooled` ([b, D/d, H/h, W/w, c]) with every value repeated over its d×h×w window: [b, D, H, W, c]. */
function repeatOverWindows(pooled: tf.Tensor, input: readonly number[], [d, h, w]: [number, number, number]): tf.Tensor {
  const [batch, depth, height, width, channels] = input;
  const alongWidth = tf.tile(tf.reshape(pooled, [-1, 1, channels]), [1, w, 1]);
  const alongHeight = tf.tile(tf.reshape(alongWidth, [-1, 1, width * channels]), [1, h, 1]);
  const alongDepth = tf.tile(tf.reshape(alongHeight, [-1, 1, height * width * channels]), [1, d, 1]);
  return tf.reshape(alongDepth, [batch, depth, height, width, channels]);
}

/** The maximum of each d×h×w window of `x` ([b, D, H, W, c]): [b, D/d, H/h, W/w, c]. */
function maxOverWindows(x: tf.Tensor, [d, h, w]: [number, number, number]): tf.Tensor {
  const [batch, depth, height, width, channels] = x.shape;
  const [outDepth, outHeight, outWidth] = [depth / d, height / h, width / w];
  const overWidth = tf.max(tf.reshape(x, [-1, w, channels]), 1);
  const overHeight = tf.max(tf.reshape(overWidth, [-1, h, outWidth * channels]), 1);
  const overDepth = tf.max(tf.reshape(overHeight, [-1, d, outHeight * outWidth * channels]), 1);
  return tf.reshape(overDepth, [batch, outDepth, outHeight, outWidth, channels]);
}

/** Wraps tfjs-node's `MaxPool3D` kernel function `original` with the tiled fast path. */
export function tiledMaxPool3D(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as Partial<Record<'x', tf.TensorInfo>>;
    if (asNativeBackend(args.backend) === null || !(x instanceof tf.Tensor) || x.dtype !== 'float32') return original(args);
    const windows = tilingWindows(x, args.attrs as unknown as Pool3DAttrs);
    return windows === null ? original(args) : tf.tidy(() => maxOverWindows(x, windows));
  };
}

/** Wraps tfjs-node's `MaxPool3DGrad` kernel function `original` with the tiled fast path. */
export function tiledMaxPool3DGrad(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, input, output } = args.inputs as Partial<Record<'dy' | 'input' | 'output', tf.TensorInfo>>;
    const backend = asNativeBackend(args.backend);
    // tfjs hands a gradient's kernel the tensors themselves; anything else goes to the original.
    if (backend === null || !(dy instanceof tf.Tensor && input instanceof tf.Tensor && output instanceof tf.Tensor)) return original(args);
    const windows = input.dtype === 'float32' ? tilingWindows(input, args.attrs as unknown as Pool3DAttrs) : null;
    if (windows === null) return original(args);
    return tf.tidy(() => {
      const T = floatTypeAttr(backend);
      const maxima = repeatOverWindows(output, input.shape, windows);
      const gradients = repeatOverWindows(dy, input.shape, windows);
      const isMaximum = backend.executeSingleOutput('Equal', [T], [input, maxima]);
      return backend.executeSingleOutput('SelectV2', [T], [isMaximum, gradients, tf.scalar(0, 'float32')]);
    });
  };
}
