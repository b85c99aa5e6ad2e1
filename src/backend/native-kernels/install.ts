/**
 * Installs tfjs-bnn's fast paths for tfjs-node's `tensorflow` backend, and takes them out again:
 * a lean `Step` kernel (`step.ts`) and a one-op gradient of `relu` (`relu-gradients.ts`).
 * Like the fast cpu kernels, the originals are kept so that `uninstallNativeKernels` restores
 * tfjs's behaviour exactly. Registering kernels for `tensorflow` does not need tfjs-node to be
 * loaded; they only run where it is the active backend.
 */
import * as tf from '@tensorflow/tfjs';
import { environment, switchOn } from '../switch-env.js';
import { FUSED_GRADIENTS, dispatchingGradient, fusedGradientKernel, fusedKernelGradient } from './relu-gradients.js';
import { STEP, leanStep } from './step.js';

/** Environment variable: `0` (or `false`, `off`) keeps tfjs-node's own kernels and gradients. */
export const NATIVE_KERNELS_ENV_VAR = 'TFJS_BNN_NATIVE_KERNELS';

const BACKEND = 'tensorflow';

/** What an install changed, so that it can be undone. */
interface Installed {
  readonly step: tf.KernelConfig | null;
  readonly gradients: ReadonlyMap<string, tf.GradConfig>;
}

let installed: Installed | null = null;

/**
 * Replaces tfjs-node's `Step` kernel (when registered) and the `Relu` gradient by the fast
 * paths. Idempotent. Returns the kernel and gradient names now replaced or added.
 */
export function installNativeKernels(): readonly string[] {
  if (installed === null) {
    const originalStep = tf.getKernel(STEP, BACKEND) ?? null;
    if (originalStep !== null) {
      tf.unregisterKernel(STEP, BACKEND);
      tf.registerKernel({ ...originalStep, kernelFunc: leanStep(originalStep.kernelFunc) });
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
    installed = { step: originalStep, gradients };
  }
  return nativeKernelNames(installed);
}

/** The names an install replaced or added. */
function nativeKernelNames(state: Installed): string[] {
  const names = state.step === null ? [] : [STEP];
  for (const gradient of FUSED_GRADIENTS) if (state.gradients.has(gradient.activation)) names.push(`${gradient.activation} gradient`);
  return names;
}

/** Puts tfjs-node's `Step` kernel and tfjs's gradients back. Idempotent. */
export function uninstallNativeKernels(): void {
  if (installed === null) return;
  if (installed.step !== null) {
    tf.unregisterKernel(STEP, BACKEND);
    tf.registerKernel(installed.step);
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
