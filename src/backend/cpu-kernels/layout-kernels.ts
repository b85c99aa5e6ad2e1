/**
 * Replacement `cpu` kernels for two ops that dominate a U-Net training step on tfjs-backend-cpu:
 * `SplitV` (the gradient of every skip concatenation) and `MaxPoolGrad` (the gradient of pooling).
 * tfjs's versions read and write element by element through `TensorBuffer.get/set` (a split of a
 * channels-last [8, 48, 48, 16] tensor took ≈ 0.6 s); these copy contiguous runs and index flat
 * arrays. Both take tfjs's original kernel and call it for what they do not handle (non-float32
 * data), so behaviour outside the fast path is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { cpuBackendOf, fastKernel, float32Values, type KernelArgs } from './cpu-backend.js';

/**
 * `SplitV`: splits x along `axis` into pieces of the given sizes. Each piece is `outer` runs of
 * `size · inner` contiguous values, with outer = Π shape[:axis] and inner = Π shape[axis+1:].
 */
export function fastSplitV(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const { x } = args.inputs;
    const values = float32Values(backend, x);
    if (x === undefined || values === null) return original(args);
    const attrs = args.attrs ?? {};
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = splitSizes(x.shape[axis], attrs.numOrSizeSplits as number | number[]);
    return splitContiguous(backend, values, x.shape, axis, sizes);
  };
}

/** Piece sizes as tfjs's `prepareSplitSize`: n equal pieces, or the sizes given with one −1 inferred. */
function splitSizes(length: number, numOrSizeSplits: number | number[]): number[] {
  if (typeof numOrSizeSplits === 'number') return new Array<number>(numOrSizeSplits).fill(length / numOrSizeSplits);
  const known = numOrSizeSplits.reduce((sum, size) => (size === -1 ? sum : sum + size), 0);
  return numOrSizeSplits.map((size) => (size === -1 ? length - known : size));
}

function splitContiguous(
  backend: ReturnType<typeof cpuBackendOf>,
  values: Float32Array,
  shape: number[],
  axis: number,
  sizes: number[],
): tf.TensorInfo[] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const rowLength = shape[axis] * inner;
  let offset = 0;
  return sizes.map((size) => {
    const run = size * inner;
    const out = new Float32Array(outer * run);
    for (let o = 0; o < outer; o++) out.set(values.subarray(o * rowLength + offset, o * rowLength + offset + run), o * run);
    offset += run;
    const pieceShape = shape.slice();
    pieceShape[axis] = size;
    return backend.makeTensorInfo(pieceShape, 'float32', out);
  });
}

/**
 * `MaxPoolGrad` (2D, channels last): dx routes each dy value to the first strict maximum of its
 * pooling window in row-major window order, exactly as tfjs-backend-cpu's `maxPoolPositions` picks
 * it (ties go to the first; a window of NaN/−∞ only passes nothing).
 */
export function fastMaxPoolGrad(original: tf.KernelFunc): tf.KernelFunc {
  const undilated = (args: KernelArgs): boolean => {
    const info = poolInfo(args, args.inputs.input as tf.TensorInfo);
    return info.dilationHeight === 1 && info.dilationWidth === 1;
  };
  return fastKernel(original, ['input', 'dy'], undilated, (args, input, dy) => ({
    shape: input.info.shape.slice(),
    values: maxPoolBackprop(poolInfo(args, input.info), input.values, dy.values),
  }));
}

function poolInfo(args: KernelArgs, input: tf.TensorInfo): tf.backend_util.Conv2DInfo {
  const attrs = args.attrs ?? {};
  return tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
}

function maxPoolBackprop(info: tf.backend_util.Conv2DInfo, x: Float32Array, dy: Float32Array): Float32Array {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
  } = info;
  const dx = new Float32Array(batchSize * inHeight * inWidth * channels);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    const base = b * inHeight * inWidth * channels;
    for (let yR = 0; yR < outHeight; yR++) {
      const rowCorner = yR * strideHeight - top;
      const rowStart = Math.max(0, rowCorner);
      const rowEnd = Math.min(inHeight, rowCorner + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const colCorner = yC * strideWidth - left;
        const colStart = Math.max(0, colCorner);
        const colEnd = Math.min(inWidth, colCorner + filterWidth);
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          let maxValue = Number.NEGATIVE_INFINITY;
          let maxIndex = -1;
          for (let xR = rowStart; xR < rowEnd; xR++) {
            for (let xC = colStart; xC < colEnd; xC++) {
              const index = base + (xR * inWidth + xC) * channels + d;
              if (x[index] > maxValue) {
                maxValue = x[index];
                maxIndex = index;
              }
            }
          }
          if (maxIndex >= 0) dx[maxIndex] += dy[dyBase + d];
        }
      }
    }
  }
  return dx;
}
