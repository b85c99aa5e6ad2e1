/** Focal loss (Lin et al. 2017) for binary targets, from logits. */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireNonNegative } from '../../src/validate.js';
import { type Likelihood, binaryCrossEntropyFromLogits, requireMatchingPair } from './likelihood.js';

/** Default focusing parameter γ (Lin et al. 2017, their best setting). */
export const DEFAULT_FOCAL_GAMMA = 2;
/** Default weight α of the positive class (Lin et al. 2017, paired with γ = 2). */
export const DEFAULT_FOCAL_ALPHA = 0.25;

/** Options of `focal`. */
export interface FocalOptions {
  /** Focusing parameter γ ≥ 0: down-weights easy examples by (1 − p_t)^γ. γ = 0 is cross-entropy. Default 2. */
  readonly gamma?: number;
  /**
   * Weight α ∈ [0, 1] of positives (negatives get 1 − α), or `null` for no class weighting.
   * Default 0.25. With γ = 0 and α = null the focal loss equals `bernoulli()`.
   */
  readonly alpha?: number | null;
}

/** Smallest 1 − p_t fed to the power, so that γ < 1 keeps a finite gradient when p_t rounds to 1. */
const MIN_ONE_MINUS_PT = 1e-30;

/**
 * Binary focal loss from logits (Lin et al. 2017, "Focal loss for dense object detection", eq. 5):
 * FL = −α_t (1 − p_t)^γ log p_t, element-wise, with log p_t = −BCE(z, y) from the stable BCE and
 * α_t = α·y + (1 − α)(1 − y). Shapes as `bernoulli` (targets in [0, 1], equal shapes).
 */
export function focal(options: FocalOptions = {}): Likelihood {
  const where = 'focal';
  const gamma = requireNonNegative(where, 'gamma', options.gamma ?? DEFAULT_FOCAL_GAMMA);
  const alpha = options.alpha === undefined ? DEFAULT_FOCAL_ALPHA : options.alpha;
  if (alpha !== null && (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1))) {
    throw new InvalidArgumentError(where, 'alpha', alpha, 'a number in [0, 1] or null (no class weighting)');
  }
  return {
    name: 'focal',
    describe: `Focal loss −α_t (1 − p_t)^γ log p_t from logits with γ = ${gamma}, α = ${alpha === null ? 'none' : alpha} (Lin et al. 2017).`,
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y, z] = requireMatchingPair('focal.perElement', yTrue, modelOutput);
      return tf.tidy(() => {
        const crossEntropy = binaryCrossEntropyFromLogits(y, z);
        let loss = crossEntropy;
        if (gamma > 0) {
          const oneMinusPt = tf.maximum(tf.sub(1, tf.exp(tf.neg(crossEntropy))), MIN_ONE_MINUS_PT);
          loss = tf.mul(tf.pow(oneMinusPt, gamma), loss);
        }
        if (alpha !== null) loss = tf.mul(tf.add(tf.mul(alpha, y), tf.mul(1 - alpha, tf.sub(1, y))), loss);
        return loss;
      });
    },
  };
}
