/**
 * Bias and activation after a convolution on `wasm`, through tfjs-backend-wasm's own `Add` and
 * activation kernels: what `FusedConv2D` adds to `Conv2D`, with tfjs's semantics.
 */
import * as tf from '@tensorflow/tfjs';
import { type WasmBackendLike } from './wasm-heap.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Kernel names of the fused activations tfjs supports, by the `activation` attribute. */
const ACTIVATION_KERNELS: Readonly<Record<string, string>> = {
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

/** True when `applyWasmEpilogue` implements this `activation` attribute (absent and 'linear' included). */
export function isSupportedWasmActivation(activation: unknown): boolean {
  return activation === undefined || activation === null || activation === 'linear' || (typeof activation === 'string' && activation in ACTIVATION_KERNELS);
}

function runWasmKernel(name: string, args: KernelArgs): tf.TensorInfo {
  const out = tf.getKernel(name, 'wasm').kernelFunc(args);
  return Array.isArray(out) ? out[0] : out;
}

/**
 * Adds `bias` (broadcast) and applies `activation`. Takes ownership of `result`: it is returned or
 * disposed; the returned TensorInfo belongs to the engine.
 */
export function applyWasmEpilogue(args: KernelArgs, backend: WasmBackendLike, result: tf.TensorInfo): tf.TensorInfo {
  const { bias, preluActivationWeights } = args.inputs;
  const activation = args.attrs?.activation;
  let current = result;
  if (bias !== undefined && bias !== null) {
    const sum = runWasmKernel('Add', { inputs: { a: current, b: bias }, backend: args.backend });
    backend.disposeData(current.dataId);
    current = sum;
  }
  if (typeof activation === 'string' && activation in ACTIVATION_KERNELS) {
    const attrs: tf.NamedAttrMap = {};
    if (activation === 'leakyrelu') attrs.alpha = args.attrs?.leakyreluAlpha ?? 0.2;
    const inputs: tf.NamedTensorInfoMap = activation === 'prelu' ? { x: current, alpha: preluActivationWeights } : { x: current };
    const activated = runWasmKernel(ACTIVATION_KERNELS[activation], { inputs, backend: args.backend, attrs });
    backend.disposeData(current.dataId);
    current = activated;
  }
  return current;
}
