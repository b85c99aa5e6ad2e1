/**
 * Registers tfjs-bnn's `wasm` kernels: the conv filter gradient tfjs-backend-wasm lacks, a correct
 * 2D convolution (its XNNPACK one errs on some strided 'same' cases) and faster im2col + SIMD128
 * versions of its direct-loop transposed and 3D convolutions (see conv-kernels.ts), and max-pool
 * kernels where its own are wrong on odd-sized 'same' pooling (pool-kernels.ts), and matrix
 * products that avoid its slow transposed path (matmul-kernels.ts), and a SplitV (concat gradient)
 * by contiguous copies (split-kernel.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError } from '../../errors.js';
import {
  wasmConv2D,
  wasmFusedConv2D,
  wasmConv2DBackpropFilter,
  wasmConv2DBackpropInput,
  wasmConv3D,
  wasmConv3DBackpropFilter,
  wasmConv3DBackpropInput,
} from './conv-kernels.js';
import { wasmMatMulWithoutTransposes } from './matmul-kernels.js';
import { wasmMaxPool3D, wasmMaxPoolGrad } from './pool-kernels.js';
import { wasmSplitV } from './split-kernel.js';
import { compiledConvKernelsInUse, useCompiledConvKernels } from './conv-runner.js';
import { instantiateConvKernels } from './simd-module.js';
import type { WasmBackendLike } from './wasm-heap.js';
import { wasmUnsortedSegmentSum } from './segment-sum-kernel.js';
import { wasmLog1p } from './log1p-kernel.js';

/** The backend whose kernels are added or replaced. */
const BACKEND = 'wasm';

/** Each kernel name with the factory that wraps tfjs-backend-wasm's original (or `undefined` where it has none). */
const FACTORIES: Readonly<Record<string, (original: tf.KernelFunc | undefined) => tf.KernelFunc>> = {
  Conv2D: wasmConv2D,
  FusedConv2D: wasmFusedConv2D,
  Conv2DBackpropFilter: wasmConv2DBackpropFilter,
  Conv2DBackpropInput: wasmConv2DBackpropInput,
  Conv3D: wasmConv3D,
  Conv3DBackpropInputV2: wasmConv3DBackpropInput,
  Conv3DBackpropFilterV2: wasmConv3DBackpropFilter,
  BatchMatMul: wasmMatMulWithoutTransposes,
  _FusedMatMul: wasmMatMulWithoutTransposes,
  SplitV: wasmSplitV,
  MaxPool3D: wasmMaxPool3D,
  MaxPoolGrad: () => wasmMaxPoolGrad(2),
  MaxPool3DGrad: () => wasmMaxPoolGrad(3),
  UnsortedSegmentSum: wasmUnsortedSegmentSum,
  Log1p: wasmLog1p,
};

/** Names of the `wasm` kernels tfjs-bnn registers (added where tfjs-backend-wasm has none, replaced otherwise). */
export const WASM_KERNEL_NAMES: readonly string[] = Object.freeze(Object.keys(FACTORIES));

/** What `installWasmKernels` did. Plain data. */
export interface WasmKernelsInfo {
  /** Kernel names now registered by tfjs-bnn on `wasm`. */
  readonly kernels: readonly string[];
  /** True when the compiled SIMD128 module (conv-kernels.wasm) runs them; false: pure JS on heap views. */
  readonly compiled: boolean;
  /** Why the compiled module is not used, or `null` when it is. */
  readonly fallbackReason: string | null;
}

/** tfjs's original kernel per replaced name (`null` where tfjs-backend-wasm had none). */
const originals = new Map<string, tf.KernelConfig | null>();
let fallbackReason: string | null = null;

/**
 * Instantiates conv-kernels.wasm on the active `wasm` backend's heap (falling back to JS kernels on heap
 * views where it cannot run, e.g. tfjs's threaded build) and registers the kernels. Idempotent.
 * Call after `tf.setBackend('wasm')` resolved.
 *
 * @param simd whether the engine supports WebAssembly SIMD (tfjs's `WASM_HAS_SIMD_SUPPORT`).
 */
export async function installWasmKernels(simd: boolean): Promise<WasmKernelsInfo> {
  if (originals.size === 0) {
    const backend = tf.findBackend(BACKEND) as unknown as WasmBackendLike | null;
    if (backend === null)
      throw new BackendUnavailableError('installWasmKernels: the wasm backend is not initialised; call tf.setBackend("wasm") first.');
    const compiled = await instantiateConvKernels(backend, simd);
    useCompiledConvKernels('exports' in compiled ? compiled.exports : null);
    fallbackReason = 'unavailable' in compiled ? compiled.unavailable : null;
    for (const name of WASM_KERNEL_NAMES) {
      const original = tf.getKernel(name, BACKEND) ?? null;
      if (original !== null) tf.unregisterKernel(name, BACKEND);
      tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: FACTORIES[name](original?.kernelFunc) });
      originals.set(name, original);
    }
  }
  return { kernels: [...originals.keys()], compiled: compiledConvKernelsInUse(), fallbackReason };
}
