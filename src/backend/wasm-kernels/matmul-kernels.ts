/**
 * `BatchMatMul` and `_FusedMatMul` on `wasm` with transposed operands. tfjs-backend-wasm 4.22 runs
 * a·b through XNNPACK quickly, but its transposed cases (aᵀ·b, a·bᵀ: every dense layer's weight and
 * input gradients) take ~35× longer: [128, 784]ᵀ·[128, 400] took ≈ 240 ms against ≈ 6–15 ms for an
 * untransposed product of the same size (measured on a loaded 2-core machine, same process). These
 * wrappers transpose the operand first with tfjs-backend-wasm's own `Transpose` kernel (XNNPACK,
 * a fraction of a millisecond) and call the original kernel without transposes. Results are the same
 * products, summed in XNNPACK's order.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError } from '../../errors.js';
import { wasmBackendOf } from './wasm-heap.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** x with its last two axes swapped, through tfjs-backend-wasm's `Transpose` (a new TensorInfo the caller disposes). */
function swapLastAxes(args: KernelArgs, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const out = tf.getKernel('Transpose', 'wasm').kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } });
  return Array.isArray(out) ? out[0] : out;
}

/** Wraps tfjs-backend-wasm's `BatchMatMul` or `_FusedMatMul`: transposed float32 operands are transposed explicitly first. */
export function wasmMatMulWithoutTransposes(original: tf.KernelFunc | undefined): tf.KernelFunc {
  if (original === undefined)
    throw new BackendUnavailableError(
      'wasmMatMulWithoutTransposes: tfjs-backend-wasm registers BatchMatMul and _FusedMatMul; this wrapper needs its kernel.',
    );
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transposeA = args.attrs?.transposeA === true;
    const transposeB = args.attrs?.transposeB === true;
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2)
      return original(args);
    const backend = wasmBackendOf(args);
    const aPlain = transposeA ? swapLastAxes(args, a) : a;
    const bPlain = transposeB ? swapLastAxes(args, b) : b;
    try {
      return original({
        inputs: { ...args.inputs, a: aPlain, b: bPlain },
        backend: args.backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      if (aPlain !== a) backend.disposeData(aPlain.dataId);
      if (bPlain !== b) backend.disposeData(bPlain.dataId);
    }
  };
}
