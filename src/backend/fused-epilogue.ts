/**
 * The epilogue of tfjs's fused kernels (`FusedConv2D`, `_FusedMatMul`), for tfjs-bnn's replacement
 * kernels on any backend: add `bias` (broadcast, through the backend's own `Add` kernel) and apply
 * `activation` (through the backend's own activation kernel), exactly as tfjs's fused kernels do.
 */
import * as tf from '@tensorflow/tfjs';

/** The argument every kernel function receives. */
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

/** True when `applyFusedEpilogueOn` implements this `activation` attribute (absent and 'linear' included). */
export function isSupportedActivation(activation: unknown): boolean {
  return (
    activation === undefined ||
    activation === null ||
    activation === 'linear' ||
    (typeof activation === 'string' && activation in ACTIVATION_KERNELS)
  );
}

function runKernel(backendName: string, name: string, args: KernelArgs): tf.TensorInfo {
  const out = tf.getKernel(name, backendName).kernelFunc(args);
  return Array.isArray(out) ? out[0] : out;
}

/**
 * Adds `bias` and applies `activation` with `backendName`'s own kernels. Takes ownership of `result`:
 * it is returned or freed with `release`; the returned TensorInfo belongs to the engine.
 */
export function applyFusedEpilogueOn(
  backendName: string,
  args: KernelArgs,
  result: tf.TensorInfo,
  release: (info: tf.TensorInfo) => void,
): tf.TensorInfo {
  const { bias, preluActivationWeights } = args.inputs;
  const activation = args.attrs?.activation;
  let current = result;
  if (bias !== undefined && bias !== null) {
    const sum = runKernel(backendName, 'Add', { inputs: { a: current, b: bias }, backend: args.backend });
    release(current);
    current = sum;
  }
  if (typeof activation === 'string' && activation in ACTIVATION_KERNELS) {
    const attrs: tf.NamedAttrMap = {};
    if (activation === 'leakyrelu') attrs.alpha = args.attrs?.leakyreluAlpha ?? 0.2;
    const inputs: tf.NamedTensorInfoMap = activation === 'prelu' ? { x: current, alpha: preluActivationWeights } : { x: current };
    const activated = runKernel(backendName, ACTIVATION_KERNELS[activation], { inputs, backend: args.backend, attrs });
    release(current);
    current = activated;
  }
  return current;
}
