/**
 * The small part of tfjs-backend-cpu's `MathBackendCPU` that the replacement kernels use, typed,
 * plus the fused epilogue (bias, activation) shared by `FusedConv2D` and `_FusedMatMul`.
 */
import * as tf from '@tensorflow/tfjs';

/** What a kernel function may call on the `cpu` backend it receives. */
export interface CpuBackendLike {
  readonly data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

/** The argument every kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The `cpu` backend passed to a kernel function. */
export function cpuBackendOf(args: KernelArgs): CpuBackendLike {
  return args.backend as CpuBackendLike;
}

/**
 * The float32 values behind a tensor, or `null` when the tensor is absent, not float32, or not stored
 * as a Float32Array (complex tensors, strings): the caller then falls back to tfjs's own kernel.
 * The array is the backend's storage: read it, never write it.
 */
export function float32Values(backend: CpuBackendLike, info: tf.TensorInfo | undefined): Float32Array | null {
  if (info === undefined || info.dtype !== 'float32') return null;
  const values = backend.data.get(info.dataId).values;
  return values instanceof Float32Array ? values : null;
}

/** Kernel names of the fused activations tfjs supports, by the `activation` attribute. */
const ACTIVATION_KERNELS: Readonly<Record<string, string>> = {
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

/** True when `applyFusedEpilogue` implements this `activation` attribute (absent and 'linear' included). */
export function isSupportedActivation(activation: unknown): boolean {
  return activation === undefined || activation === null || activation === 'linear' || (typeof activation === 'string' && activation in ACTIVATION_KERNELS);
}

function runCpuKernel(name: string, args: KernelArgs): tf.TensorInfo {
  const out = tf.getKernel(name, 'cpu').kernelFunc(args);
  return Array.isArray(out) ? out[0] : out;
}

/**
 * Adds `bias` (broadcast, through tfjs's own `Add` kernel) and applies `activation` (through tfjs's own
 * activation kernel), exactly as tfjs-backend-cpu's fused kernels do for channels-last data.
 * Takes ownership of `result`: it is returned or disposed; the returned TensorInfo belongs to the engine.
 */
export function applyFusedEpilogue(args: KernelArgs, result: tf.TensorInfo): tf.TensorInfo {
  const backend = cpuBackendOf(args);
  const { bias, preluActivationWeights } = args.inputs;
  const activation = args.attrs?.activation;
  let current = result;
  if (bias !== undefined && bias !== null) {
    const sum = runCpuKernel('Add', { inputs: { a: current, b: bias }, backend: args.backend });
    backend.disposeIntermediateTensorInfo(current);
    current = sum;
  }
  if (typeof activation === 'string' && activation in ACTIVATION_KERNELS) {
    const attrs: tf.NamedAttrMap = {};
    if (activation === 'leakyrelu') attrs.alpha = args.attrs?.leakyreluAlpha ?? 0.2;
    const inputs: tf.NamedTensorInfoMap = activation === 'prelu' ? { x: current, alpha: preluActivationWeights } : { x: current };
    const activated = runCpuKernel(ACTIVATION_KERNELS[activation], { inputs, backend: args.backend, attrs });
    backend.disposeIntermediateTensorInfo(current);
    current = activated;
  }
  return current;
}

/** A float32 input of a fast kernel: its tfjs TensorInfo and the backend's values (read-only). */
export interface Float32Input {
  readonly info: tf.TensorInfo;
  readonly values: Float32Array;
}

/** What a fast kernel computes: the output's shape and values (float32). */
export interface KernelOutput {
  readonly shape: number[];
  readonly values: Float32Array;
}

/**
 * The one shape of every replacement kernel: read the two named inputs as float32, fall back to
 * tfjs's `original` kernel when either is absent or not float32 or when `accepts(args)` is false
 * (e.g. channels-first data), else `compute` the output and hand it to the backend — through
 * `finish` when given (the fused bias/activation epilogue).
 */
export function fastKernel(
  original: tf.KernelFunc,
  inputNames: readonly [string, string],
  accepts: (args: KernelArgs) => boolean,
  compute: (args: KernelArgs, first: Float32Input, second: Float32Input) => KernelOutput,
  finish?: (args: KernelArgs, output: tf.TensorInfo) => tf.TensorInfo,
): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const [first, second] = inputNames.map((name) => args.inputs[name]);
    const firstValues = float32Values(backend, first);
    const secondValues = float32Values(backend, second);
    if (first === undefined || second === undefined || firstValues === null || secondValues === null || !accepts(args)) return original(args);
    const out = compute(args, { info: first, values: firstValues }, { info: second, values: secondValues });
    const result = backend.makeTensorInfo(out.shape, 'float32', out.values);
    return finish === undefined ? result : finish(args, result);
  };
}
