/**
 * Swaps tfjs-backend-cpu's convolution and matmul kernels for the faster ones in this folder, and back.
 *
 * tfjs looks a kernel up by (name, backend) on every op call, so replacing the registry entry with
 * `tf.unregisterKernel` + `tf.registerKernel` takes effect at once for every later op, including
 * gradients. The original configs are kept, so each fast kernel can delegate what it does not handle
 * and `uninstallFastCpuKernels` restores tfjs's behaviour exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../errors.js';
import { environment, switchOn } from '../switch-env.js';
import {
  fastConv2D,
  fastConv2DBackpropFilter,
  fastConv2DBackpropInput,
  fastConv3D,
  fastConv3DBackpropFilter,
  fastConv3DBackpropInput,
  fastFusedConv2D,
} from './conv-kernels.js';
import { fastBatchMatMul, fastFusedMatMul } from './matmul-kernels.js';
import { fastMaxPoolGrad, fastSplitV } from './layout-kernels.js';

/** Environment variable: `0` (or `false`, `off`) keeps tfjs's own cpu kernels; unset or `1` installs the fast ones. */
export const FAST_CPU_KERNELS_ENV_VAR = 'TFJS_BNN_FAST_CPU_KERNELS';

/** The backend whose kernels are replaced. */
const BACKEND = 'cpu';

/** Each replaced kernel name with the factory that wraps tfjs's original kernel function. */
const FACTORIES: Readonly<Record<string, (original: tf.KernelFunc) => tf.KernelFunc>> = {
  Conv2D: fastConv2D,
  FusedConv2D: fastFusedConv2D,
  Conv2DBackpropInput: fastConv2DBackpropInput,
  Conv2DBackpropFilter: fastConv2DBackpropFilter,
  Conv3D: fastConv3D,
  Conv3DBackpropInputV2: fastConv3DBackpropInput,
  Conv3DBackpropFilterV2: fastConv3DBackpropFilter,
  BatchMatMul: fastBatchMatMul,
  _FusedMatMul: fastFusedMatMul,
  SplitV: fastSplitV,
  MaxPoolGrad: fastMaxPoolGrad,
};

/** Names of the `cpu` kernels that `installFastCpuKernels` replaces. */
export const FAST_CPU_KERNEL_NAMES: readonly string[] = Object.freeze(Object.keys(FACTORIES));

const originals = new Map<string, tf.KernelConfig>();

/**
 * Replaces the `cpu` kernels named in `FAST_CPU_KERNEL_NAMES` (those the cpu backend registers) by the
 * im2col + blocked-matmul versions. Idempotent. Returns the names now replaced.
 */
export function installFastCpuKernels(): readonly string[] {
  for (const name of FAST_CPU_KERNEL_NAMES) {
    if (originals.has(name)) continue;
    const original = tf.getKernel(name, BACKEND);
    if (original === undefined) continue;
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ ...original, kernelFunc: FACTORIES[name](original.kernelFunc) });
    originals.set(name, original);
  }
  return [...originals.keys()];
}

/** Puts tfjs's original `cpu` kernels back. Idempotent. */
export function uninstallFastCpuKernels(): void {
  for (const [name, original] of originals) {
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(original);
  }
  originals.clear();
}

/** True while the fast `cpu` kernels are registered. */
export function fastCpuKernelsInstalled(): boolean {
  return originals.size > 0;
}

/**
 * tfjs's own kernel function for `name` on `cpu` (the one a fast kernel replaced, or the registered one
 * when none is installed). Throws `InvalidArgumentError` when the cpu backend has no such kernel.
 */
export function originalCpuKernel(name: string): tf.KernelFunc {
  const config = originals.get(name) ?? tf.getKernel(name, BACKEND);
  if (config === undefined) {
    throw new InvalidArgumentError(
      'originalCpuKernel',
      'name',
      name,
      `a kernel registered for the cpu backend, e.g. one of ${FAST_CPU_KERNEL_NAMES.join(', ')}`,
    );
  }
  return config.kernelFunc;
}

/**
 * Runs `fn` with tfjs's original `cpu` kernels, then restores the fast ones if they were installed.
 * For comparisons and benchmarks; `fn` must be synchronous (returns its result).
 */
export function withOriginalCpuKernels<T>(fn: () => T): T {
  const wasInstalled = fastCpuKernelsInstalled();
  uninstallFastCpuKernels();
  try {
    return fn();
  } finally {
    if (wasInstalled) installFastCpuKernels();
  }
}

/**
 * Whether `TFJS_BNN_FAST_CPU_KERNELS` asks for the fast kernels (unset, `1`, `true`, `on`: yes; `0`, `false`, `off`: no).
 * Throws `InvalidArgumentError` for any other value.
 */
export function fastCpuKernelsRequested(env: Readonly<Record<string, string | undefined>> = environment()): boolean {
  return switchOn(env, FAST_CPU_KERNELS_ENV_VAR, 'initBackend', "'1' (default: fast cpu kernels) or '0' (tfjs's own cpu kernels)");
}
