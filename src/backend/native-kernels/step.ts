/**
 * A lean `Step` kernel for the `tensorflow` backend. tfjs-node's own builds two full-size tensors in
 * JavaScript (`ones(x.shape)`, `fill(x.shape, alpha)`) and copies them into TensorFlow on every call:
 * 3.2 ms for a [8, 64, 64, 32] activation, where the four TensorFlow ops below take ~0.4 ms. tfjs's
 * gradients of `relu6`, `abs`, fused activations and (before `relu-gradients.ts`) `relu` call it.
 */
import * as tf from '@tensorflow/tfjs';
import { asNativeBackend, floatTypeAttr } from './native-backend.js';

/** Kernel name replaced on `tensorflow`. */
export const STEP = 'Step';

/**
 * step(x) = 1 where x > 0, `alpha` elsewhere, NaN where x is NaN (tfjs's definition), as
 * SelectV2(IsNan(x), x, SelectV2(Greater(x, 0), 1, alpha)): the same values as tfjs-node's kernel.
 * Non-float32 inputs go to `original`.
 */
export function leanStep(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const backend = asNativeBackend(args.backend);
    if (backend === null || x.dtype !== 'float32') return original(args);
    const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    const T = floatTypeAttr(backend);
    return tf.tidy(() => {
      const zero = tf.scalar(0, 'float32');
      const one = tf.scalar(1, 'float32');
      const low = tf.scalar(alpha, 'float32');
      const positive = backend.executeSingleOutput('Greater', [T], [x, zero]);
      const steps = backend.executeSingleOutput('SelectV2', [T], [positive, one, low]);
      const nans = backend.executeSingleOutput('IsNan', [T], [x]);
      return backend.executeSingleOutput('SelectV2', [T], [nans, x, steps]);
    });
  };
}
