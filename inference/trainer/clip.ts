/**
 * Gradient clipping as small pure functions over a map of named gradients (the shape
 * `optimizer.computeGradients` returns). Inputs are never disposed; every returned tensor is new
 * and owned by the caller.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requirePositive } from '../../src/validate.js';

/** Result of `clipByGlobalNorm`. */
export interface GlobalNormClipResult {
  /** The gradients scaled by maxNorm / max(globalNorm, maxNorm); same names and shapes as the input. Caller owns them. */
  readonly grads: tf.NamedTensorMap;
  /** The global norm √(Σ_i ‖g_i‖²) before clipping (a plain number; NaN or Infinity when a gradient is not finite). */
  readonly globalNorm: number;
}

function requireGradMap(where: string, grads: unknown): tf.NamedTensorMap {
  if (typeof grads !== 'object' || grads === null || Array.isArray(grads)) {
    throw new InvalidArgumentError(where, 'grads', grads, 'an object mapping names to tf.Tensor gradients');
  }
  for (const [name, value] of Object.entries(grads)) {
    if (!(value instanceof tf.Tensor)) {
      throw new InvalidArgumentError(where, `grads['${name}']`, value, 'a tf.Tensor');
    }
  }
  return grads as tf.NamedTensorMap;
}

/**
 * The global L2 norm √(Σ_i ‖g_i‖²) of several gradient tensors, as a scalar tensor owned by the
 * caller (0 for an empty map).
 */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  const checked = requireGradMap('globalNorm', grads);
  return tf.tidy(() => {
    const squares = Object.values(checked).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar;
  });
}

/**
 * Clips gradients by their global norm (Pascanu et al. 2013; TensorFlow's `clip_by_global_norm`):
 * every gradient is multiplied by maxNorm / max(globalNorm, maxNorm), so the clipped set has global
 * norm min(globalNorm, maxNorm) and keeps its direction. When the norm is NaN or ±Inf the result
 * is NaN everywhere, as in TensorFlow; the trainer skips such steps before clipping.
 *
 * @param grads named gradients (any shapes); not disposed.
 * @param maxNorm the largest global norm allowed, a finite number > 0.
 * @returns the clipped gradients (new tensors, owned by the caller) and the pre-clip global norm.
 * @example
 * const {grads: clipped, globalNorm} = clipByGlobalNorm(grads, 5);
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): GlobalNormClipResult {
  requireGradMap('clipByGlobalNorm', grads);
  requirePositive('clipByGlobalNorm', 'maxNorm', maxNorm);
  const norm = globalNorm(grads);
  const clipped = scaleToGlobalNorm(grads, maxNorm, norm);
  const normValue = norm.dataSync()[0];
  norm.dispose();
  return { grads: clipped, globalNorm: normValue };
}

/**
 * `clipByGlobalNorm` without reading anything back: every gradient times
 * maxNorm / max(norm, maxNorm), with `norm` their global norm already computed (a scalar tensor,
 * e.g. from the trainer's fused gradient check). When norm ≤ maxNorm the factor is exactly 1
 * (x / x in IEEE arithmetic), so the result equals the input bit for bit; a NaN/±Inf norm gives NaN
 * everywhere, as `clipByGlobalNorm` does. Inputs are not disposed; the caller owns the new tensors.
 */
export function scaleToGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number, norm: tf.Scalar): tf.NamedTensorMap {
  requirePositive('scaleToGlobalNorm', 'maxNorm', maxNorm);
  return tf.tidy(() => {
    const factor = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const result: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) result[name] = tf.mul(g, factor);
    return result;
  });
}

/**
 * Clips every gradient element to [−clipValue, clipValue] (Keras' `clipvalue`). Changes the
 * direction of the update; prefer `clipByGlobalNorm` unless single outliers are the problem.
 *
 * @param grads named gradients; not disposed.
 * @param clipValue bound, a finite number > 0.
 * @returns new tensors with the same names, owned by the caller.
 */
export function clipByValue(grads: tf.NamedTensorMap, clipValue: number): tf.NamedTensorMap {
  requireGradMap('clipByValue', grads);
  requirePositive('clipByValue', 'clipValue', clipValue);
  return tf.tidy(() => {
    const result: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) result[name] = tf.clipByValue(g, -clipValue, clipValue);
    return result;
  });
}
