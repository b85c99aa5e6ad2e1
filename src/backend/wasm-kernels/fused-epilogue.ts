/**
 * Bias and activation after a convolution on `wasm`, through tfjs-backend-wasm's own `Add` and
 * activation kernels: what `FusedConv2D` adds to `Conv2D`, with tfjs's semantics.
 */
import * as tf from '@tensorflow/tfjs';
import { applyFusedEpilogueOn, isSupportedActivation } from '../fused-epilogue.js';
import { type WasmBackendLike } from './wasm-heap.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** True when `applyWasmEpilogue` implements this `activation` attribute (absent and 'linear' included). */
export const isSupportedWasmActivation = isSupportedActivation;

/**
 * Adds `bias` (broadcast) and applies `activation`. Takes ownership of `result`: it is returned or
 * disposed; the returned TensorInfo belongs to the engine.
 */
export function applyWasmEpilogue(args: KernelArgs, backend: WasmBackendLike, result: tf.TensorInfo): tf.TensorInfo {
  return applyFusedEpilogueOn('wasm', args, result, (info) => backend.disposeData(info.dataId));
}
