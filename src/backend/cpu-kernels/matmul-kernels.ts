/**
 * Replacement `cpu` kernel functions for `BatchMatMul` and `_FusedMatMul` on top of `gemm`.
 * Shapes, transposes and batch broadcasting follow tfjs-backend-cpu exactly (batch index b of the
 * output reads batch b mod batchA of a and b mod batchB of b); non-float32 inputs go to the original.
 */
import * as tf from '@tensorflow/tfjs';
import {
  applyFusedEpilogue,
  fastKernel,
  isSupportedActivation,
  type Float32Input,
  type KernelArgs,
  type KernelOutput,
} from './cpu-backend.js';
import { gemm, type StridedMatrix } from './gemm.js';

/** The output of a batched product and its shape, before any fused epilogue. */
function batchMatMulValues(
  args: KernelArgs,
  aValues: Float32Array,
  bValues: Float32Array,
  aShape: number[],
  bShape: number[],
): KernelOutput {
  const transposeA = args.attrs?.transposeA === true;
  const transposeB = args.attrs?.transposeB === true;
  const aRank = aShape.length;
  const bRank = bShape.length;
  const m = transposeA ? aShape[aRank - 1] : aShape[aRank - 2];
  const k = transposeA ? aShape[aRank - 2] : aShape[aRank - 1];
  const kB = transposeB ? bShape[bRank - 1] : bShape[bRank - 2];
  const n = transposeB ? bShape[bRank - 2] : bShape[bRank - 1];
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} and ` +
        `transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const outerShape = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  const batchA = tf.util.sizeFromShape(aShape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(bShape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const values = new Float32Array(batch * m * n);
  for (let bi = 0; bi < batch; bi++) {
    const aOffset = (bi % batchA) * m * k;
    const bOffset = (bi % batchB) * k * n;
    const a: StridedMatrix = transposeA
      ? { values: aValues, offset: aOffset, rowStride: 1, colStride: m }
      : { values: aValues, offset: aOffset, rowStride: k, colStride: 1 };
    const b: StridedMatrix = transposeB
      ? { values: bValues, offset: bOffset, rowStride: 1, colStride: k }
      : { values: bValues, offset: bOffset, rowStride: n, colStride: 1 };
    gemm(m, n, k, a, b, values, bi * m * n, n);
  }
  return { shape: [...outerShape, m, n], values };
}

const always = (): boolean => true;
const product = (args: KernelArgs, a: Float32Input, b: Float32Input): KernelOutput =>
  batchMatMulValues(args, a.values, b.values, a.info.shape, b.info.shape);

/** `BatchMatMul`: a · b with optional transposes and broadcast batch dimensions. */
export function fastBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['a', 'b'], always, product);
}

/** `_FusedMatMul`: a · b, then bias and activation through tfjs's own kernels (as tfjs-backend-cpu does). */
export function fastFusedMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['a', 'b'], (args) => isSupportedActivation(args.attrs?.activation), product, applyFusedEpilogue);
}
