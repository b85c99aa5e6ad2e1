/**
 * The gradient of `relu` as one TensorFlow op (`ReluGrad`) on the `tensorflow` backend. tfjs writes
 * it as dy · step(x): a `Step`, a `Cast` and a `Mul` per activation, ~20× the time of the fused op
 * on a conv activation. The values are the same (dy where x > 0, 0 elsewhere, x = 0 included),
 * except that a zero gradient is always +0 (tfjs gives −0 where dy < 0) and a NaN or infinite dy of
 * an inactive unit gives 0. (`relu6` keeps tfjs's gradient: TensorFlow's `Relu6Grad` is 0 at x = 6
 * where tfjs's is dy.)
 *
 * tfjs keeps one gradient per kernel name for all backends, so the gradients registered here look
 * at the active backend when they run and hand every other backend to tfjs's own gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { asNativeBackend, floatTypeAttr } from './native-backend.js';

/** One activation whose gradient has a fused TensorFlow op. */
interface FusedGradient {
  /** tfjs kernel name of the activation. */
  readonly activation: string;
  /** tfjs-bnn's kernel name for the fused gradient op (registered for `tensorflow` only). */
  readonly kernel: string;
  /** The TensorFlow op: (gradients, features) → backprops. */
  readonly op: string;
}

/** The activations whose gradients run as one TensorFlow op. */
export const FUSED_GRADIENTS: readonly FusedGradient[] = [{ activation: 'Relu', kernel: 'TfjsBnnReluGrad', op: 'ReluGrad' }];

/** The `tensorflow` kernel of one fused gradient op: inputs `dy` and `x` (the activation's input). */
export function fusedGradientKernel(gradient: FusedGradient): tf.KernelConfig {
  return {
    kernelName: gradient.kernel,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const native = asNativeBackend(backend);
      if (native === null) throw new Error(`${gradient.kernel}: runs on tfjs-node's 'tensorflow' backend only.`);
      return native.executeSingleOutput(gradient.op, [floatTypeAttr(native)], [inputs.dy as tf.TensorInfo, inputs.x as tf.TensorInfo]);
    },
  };
}

/** dy masked by the activation's derivative at x, through the fused kernel. */
function fusedBackprop(gradient: FusedGradient, dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(gradient.kernel, { dy, x }) as tf.Tensor;
}

/**
 * The gradient of the fused kernel itself (for second derivatives): linear in dy with the same
 * mask, constant (zero derivative) in x.
 */
export function fusedKernelGradient(gradient: FusedGradient): tf.GradConfig {
  return {
    kernelName: gradient.kernel,
    inputsToSave: ['x'],
    gradFunc: (ddx, saved) => {
      const [x] = saved;
      const upstream = Array.isArray(ddx) ? ddx[0] : ddx;
      return { dy: () => fusedBackprop(gradient, upstream, x), x: () => tf.zerosLike(x) };
    },
  };
}

/**
 * The activation's gradient: the fused op while the `tensorflow` backend is active and the fused
 * kernel is registered, tfjs's `original` gradient otherwise (other backends, other dtypes).
 */
export function dispatchingGradient(gradient: FusedGradient, original: tf.GradConfig): tf.GradConfig {
  return {
    ...original,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const upstream = Array.isArray(dy) ? dy[0] : dy;
      const fused =
        tf.getBackend() === 'tensorflow' &&
        x.dtype === 'float32' &&
        upstream.dtype === 'float32' &&
        tf.getKernel(gradient.kernel, 'tensorflow') !== undefined;
      if (!fused) return original.gradFunc(dy, saved, attrs);
      return { x: () => fusedBackprop(gradient, upstream, x) };
    },
  };
}
