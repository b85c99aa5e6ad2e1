/**
 * The small part of tfjs-backend-cpu's `MathBackendCPU` that the replacement kernels use, typed,
 * plus the cpu form of the fused epilogue (bias, activation) shared by `FusedConv2D` and `_FusedMatMul`.
 */
import * as tf from '@tensorflow/tfjs';
import { applyFusedEpilogueOn } from '../fused-epilogue.js';

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

/** True when the fused epilogue implements this `activation` attribute (absent and 'linear' included). */
export { isSupportedActivation } from '../fused-epilogue.js';

/**
 * Adds `bias` and applies `activation` through tfjs-backend-cpu's own kernels, exactly as its fused
 * kernels do for channels-last data. Takes ownership of `result`: it is returned or disposed.
 */
export function applyFusedEpilogue(args: KernelArgs, result: tf.TensorInfo): tf.TensorInfo {
  const backend = cpuBackendOf(args);
  return applyFusedEpilogueOn('cpu', args, result, (info) => backend.disposeIntermediateTensorInfo(info));
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
    if (first === undefined || second === undefined || firstValues === null || secondValues === null || !accepts(args))
      return original(args);
    const out = compute(args, { info: first, values: firstValues }, { info: second, values: secondValues });
    const result = backend.makeTensorInfo(out.shape, 'float32', out.values);
    return finish === undefined ? result : finish(args, result);
  };
}
