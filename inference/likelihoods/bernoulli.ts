/** Bernoulli likelihoods for binary targets, from logits: plain and class-weighted. */
import * as tf from '@tensorflow/tfjs';
import { stableSoftplus } from '../../src/tensor/softplus.js';
import { requirePositive } from '../../src/validate.js';
import { type Likelihood, binaryCrossEntropyFromLogits, requireMatchingPair } from './likelihood.js';
import { registerLikelihood } from './serialization.js';

/**
 * Bernoulli likelihood from logits (binary cross-entropy), element-wise and stable:
 * max(z, 0) − z·y + log(1 + e^(−|z|)), finite for logits ±100 and beyond.
 * `yTrue` (targets in [0, 1]) and `modelOutput` (logits) are float32 of equal shape, batch first.
 */
export function bernoulli(): Likelihood {
  return {
    name: 'bernoulli',
    describe: 'Binary cross-entropy from logits z: max(z, 0) − z·y + log(1 + e^(−|z|)) per element.',
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y, z] = requireMatchingPair('bernoulli.perElement', yTrue, modelOutput);
      return binaryCrossEntropyFromLogits(y, z);
    },
    toJSON: () => ({ name: 'bernoulli', config: {} }),
  };
}

/** Options of `weightedBernoulli`. */
export interface WeightedBernoulliOptions {
  /**
   * Weight w of the positive class, > 0 (e.g. negatives / positives of the training set). w = 1 is
   * `bernoulli()`; w > 1 raises recall at the cost of precision.
   */
  readonly positiveWeight: number;
}

/**
 * Class-weighted binary cross-entropy from logits (TensorFlow's `weighted_cross_entropy_with_logits`):
 * −w·y·log σ(z) − (1 − y)·log(1 − σ(z)) = (1 + (w − 1)·y)·softplus(z) − w·y·z, with the stable
 * softplus(z) = max(z, 0) + log(1 + e^(−|z|)). Shapes as `bernoulli`.
 */
export function weightedBernoulli(options: WeightedBernoulliOptions): Likelihood {
  const positiveWeight = requirePositive('weightedBernoulli', 'positiveWeight', options?.positiveWeight);
  return {
    name: 'weightedBernoulli',
    describe: `Class-weighted binary cross-entropy from logits: −${positiveWeight}·y·log σ(z) − (1 − y)·log(1 − σ(z)) per element.`,
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y, z] = requireMatchingPair('weightedBernoulli.perElement', yTrue, modelOutput);
      return tf.tidy(() => {
        const softplus = stableSoftplus(z);
        const softplusWeight = tf.add(1, tf.mul(positiveWeight - 1, y));
        return tf.sub(tf.mul(softplusWeight, softplus), tf.mul(positiveWeight, tf.mul(y, z)));
      });
    },
    toJSON: () => ({ name: 'weightedBernoulli', config: { positiveWeight } }),
  };
}

registerLikelihood('bernoulli', () => bernoulli());
registerLikelihood('weightedBernoulli', (config) => weightedBernoulli(config as unknown as WeightedBernoulliOptions));
