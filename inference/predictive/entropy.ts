/**
 * Entropies of predictive distributions, in nats, per voxel. Probabilities are clamped to
 * [ε, 1 − ε] so that 0 · ln 0 contributes 0 without NaN.
 */
import * as tf from '@tensorflow/tfjs';

/** Clamp of probabilities inside entropies: p ∈ [1e-7, 1 − 1e-7]. */
export const ENTROPY_EPSILON = 1e-7;

/**
 * Entropy of a Bernoulli(p), −p ln p − (1 − p) ln(1 − p), elementwise; same shape as `p`.
 * Maximum ln 2 ≈ 0.6931 at p = ½. The caller owns the result.
 */
export function bernoulliEntropy(p: tf.Tensor, epsilon = ENTROPY_EPSILON): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.clipByValue(p, epsilon, 1 - epsilon);
    const complement = tf.sub(1, q);
    return tf.neg(tf.add(tf.mul(q, tf.log(q)), tf.mul(complement, tf.log(complement))));
  });
}

/**
 * Entropy of a categorical distribution over the last axis, −Σ_k p_k ln p_k; shape of `p`
 * without its last axis. Maximum ln K. The caller owns the result.
 */
export function categoricalEntropy(p: tf.Tensor, epsilon = ENTROPY_EPSILON): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.clipByValue(p, epsilon, 1);
    return tf.neg(tf.sum(tf.mul(q, tf.log(q)), -1));
  });
}
