/**
 * The one place where the positive-scale transform lives: scale = softplus(rawScale).
 */
import * as tf from '@tensorflow/tfjs';
import { requirePositive, requireFinite } from '../validate.js';

/** softplus(x) = log(1 + eˣ), computed stably for numbers. softplus(−3) = 0.048587. */
export function softplus(x: number): number {
  requireFinite('softplus', 'x', x);
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Inverse of softplus for y > 0: x = y + log(1 − e^(−y)). inverseSoftplus(0.048587) ≈ −3. */
export function inverseSoftplus(y: number): number {
  requirePositive('inverseSoftplus', 'y', y);
  return y + Math.log(-Math.expm1(-y));
}

/** Element-wise scale from a raw (pre-softplus) tensor. The caller owns the result. */
export function scaleFromRaw(rawScale: tf.Tensor): tf.Tensor {
  return tf.softplus(rawScale);
}

/**
 * softplus(x) = log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)), element-wise: exact and finite for
 * every finite x, and differentiable everywhere (tfjs's own softplus kernel switches between
 * approximations at thresholds). The caller owns the result.
 */
export function stableSoftplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}
