/** Gaussian likelihoods for regression: fixed noise and learned (heteroscedastic) noise. */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../src/errors.js';
import { requirePositive } from '../../src/validate.js';
import { type Likelihood, requireMatchingPair, requireTensor } from './likelihood.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Default observation noise σ of `gaussian`. */
export const DEFAULT_GAUSSIAN_SCALE = 1;

/** Options of `gaussian`. */
export interface GaussianOptions {
  /** Standard deviation σ of the observation noise, in the units of y, > 0. Default `DEFAULT_GAUSSIAN_SCALE` (1). */
  readonly scale?: number;
}

/**
 * Gaussian likelihood with fixed noise: −log N(y; μ, σ²) = ½((y − μ)/σ)² + log σ + ½ log 2π,
 * element-wise. `yTrue` and `modelOutput` (the mean μ) are float32 of equal shape, batch first.
 */
export function gaussian(options: GaussianOptions = {}): Likelihood {
  const scale = requirePositive('gaussian', 'scale', options.scale ?? DEFAULT_GAUSSIAN_SCALE);
  const constant = Math.log(scale) + HALF_LOG_TWO_PI;
  return {
    name: 'gaussian',
    describe: `Gaussian NLL with fixed σ = ${scale}: ½((y − μ)/σ)² + log σ + ½ log 2π per element.`,
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y, mean] = requireMatchingPair('gaussian.perElement', yTrue, modelOutput);
      return tf.tidy(() => tf.add(tf.mul(0.5 / (scale * scale), tf.squaredDifference(y, mean)), constant));
    },
  };
}

/**
 * Heteroscedastic Gaussian likelihood (Kendall & Gal 2017, eq. 5, with the constant kept so it is a
 * true NLL): the model predicts a mean μ and a log-variance s = log σ² per target, and
 * −log N(y; μ, eˢ) = ½ e^(−s) (y − μ)² + ½ s + ½ log 2π, element-wise.
 *
 * `yTrue`: float32 [B, …, D]. `modelOutput`: float32 [B, …, 2D], the means in the first D channels of
 * the last axis and the log-variances in the last D. Returns [B, …, D]; caller owns it.
 */
export function gaussianHeteroscedastic(): Likelihood {
  return {
    name: 'gaussianHeteroscedastic',
    describe: 'Heteroscedastic Gaussian NLL with predicted mean μ and log-variance s: ½ e^(−s)(y − μ)² + ½ s + ½ log 2π per element (Kendall & Gal 2017).',
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const where = 'gaussianHeteroscedastic.perElement';
      const y = requireTensor(where, 'yTrue', yTrue);
      const out = requireTensor(where, 'modelOutput', modelOutput);
      const last = y.rank - 1;
      if (out.rank !== y.rank || out.shape.some((d, i) => (i === last ? d !== 2 * y.shape[last] : d !== y.shape[i]))) {
        throw new ShapeError(where, 'modelOutput', out.shape, `[${[...y.shape.slice(0, -1), 2 * y.shape[last]].join(', ')}] (means then log-variances on the last axis, for yTrue of shape [${y.shape.join(', ')}])`);
      }
      return tf.tidy(() => {
        const [mean, logVariance] = tf.split(out, 2, -1);
        return tf.add(tf.mul(0.5, tf.add(tf.mul(tf.exp(tf.neg(logVariance)), tf.squaredDifference(y, mean)), logVariance)), HALF_LOG_TWO_PI);
      });
    },
  };
}
