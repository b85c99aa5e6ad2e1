/**
 * Installs tfjs-bnn's fast paths for tfjs-node's `tensorflow` backend, and takes them out again:
 * a lean `Step` kernel (`step.ts`), `MaxPool3D` and its gradient for tiling windows (`tiled-max-pool-3d.ts`) and a one-op
 * gradient of `relu` (`relu-gradients.ts`).
 * Like the fast cpu kernels, the originals are kept so that `uninstallNativeKernels` restores
 * tfjs's behaviour exactly. Registering kernels for `tensorflow` does not need tfjs-node to be
 * loaded; they only run where it is the active backend.
 */
import * as tf from '@tensorflow/tfjs';
import { environment, switchOn } from '../switch-env.js';
import { FUSED_GRADIENTS, dispatchingGradient, fusedGradientKernel, fusedKernelGradient } from './relu-gradients.js';
import { MAX_POOL_3D, MAX_POOL_3D_GRAD, tiledMaxPool3D, tiledMaxPool3DGrad } from './tiled-max-pool-3d.js';
import { STEP, leanStep } from './step.js';

/** Environment variable: `0` (or `false`, `off`) keeps tfjs-node's own kernels and gradients. */
export const NATIVE_KERNELS_ENV_VAR = 'TFJS_BNN_NATIVE_KERNELS';

const BACKEND = 'tensorflow';

/** Each replaced tfjs-node kernel with the factory that wraps its original kernel function. */
const FACTORIES: Readonly<Record<string, (original: tf.KernelFunc) => tf.KernelFunc>> = {
  [STEP]: leanStep,
  [MAX_POOL_3D]: tiledMaxPool3D,
  [MAX_POOL_3D_GRAD]: tiledMaxPool3DGrad,
};

/** What an install changed, so that it can be undone. */
interface Installed {
  readonly kernels: ReadonlyMap<string, tf.KernelConfig>;
  readonly gradients: ReadonlyMap<string, tf.GradConfig>;
}

let installed: Installed | null = null;

/**
 * Replaces tfjs-node's `Step`, `MaxPool3D` and `MaxPool3DGrad` kernels (when registered) and the `Relu` gradient by the fast
 * paths. Idempotent. Returns the kernel and gradient names now replaced or added.
 */
export function installNativeKernels(): readonly string[] {
  if (installed === null) {
    const kernels = new Map<string, tf.KernelConfig>();
    for (const [name, factory] of Object.entries(FACTORIES)) {
      const original = tf.getKernel(name, BACKEND);
      if (original === undefined) continue;
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel({ ...original, kernelFunc: factory(original.kernelFunc) });
      kernels.set(name, original);
    }
    const gradients = new Map<string, tf.GradConfig>();
    for (const gradient of FUSED_GRADIENTS) {
      const original = tf.getGradient(gradient.activation);
      if (original === undefined) continue;
      tf.registerKernel(fusedGradientKernel(gradient));
      tf.registerGradient(fusedKernelGradient(gradient));
      tf.registerGradient(dispatchingGradient(gradient, original));
      gradients.set(gradient.activation, original);
    }
    installed = { kernels, gradients };
  }
  return nativeKernelNames(installed);
}

/** The names an install replaced or added. */
function nativeKernelNames(state: Installed): string[] {
  const names = [...state.kernels.keys()];
  for (const gradient of FUSED_GRADIENTS) if (state.gradients.has(gradient.activation)) names.push(`${gradient.activation} gradient`);
  return names;
}

/** Puts tfjs-node's kernels and tfjs's gradient back. Idempotent. */
export function uninstallNativeKernels(): void {
  if (installed === null) return;
  for (const [name, original] of installed.kernels) {
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(original);
  }
  for (const gradient of FUSED_GRADIENTS) {
    const original = installed.gradients.get(gradient.activation);
    if (original === undefined) continue;
    tf.registerGradient(original);
    tf.unregisterKernel(gradient.kernel, BACKEND);
    tf.unregisterGradient(gradient.kernel);
  }
  installed = null;
}

/** True while the fast paths are installed. */
export function nativeKernelsInstalled(): boolean {
  return installed !== null;
}

/**
 * Whether `TFJS_BNN_NATIVE_KERNELS` asks for the fast paths (unset, `1`, `true`, `on`: yes; `0`, `false`, `off`: no).
 * Throws `InvalidArgumentError` for any other value.
 */
export function nativeKernelsRequested(env: Readonly<Record<string, string | undefined>> = environment()): boolean {
  return switchOn(
    env,
    NATIVE_KERNELS_ENV_VAR,
    'initBackend',
    "'1' (default: tfjs-bnn's native fast paths) or '0' (tfjs-node's own kernels)",
  );
}
