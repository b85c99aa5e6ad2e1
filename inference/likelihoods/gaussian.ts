/**
 * Gaussian likelihoods for regression: homoscedastic noise (fixed or learned σ) and heteroscedastic
 * noise predicted by the network.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../src/errors.js';
import { type Likelihood, type LikelihoodSpec, requireMatchingPair, requireTensor } from './likelihood.js';
import { type LogScalePrior, type NoiseScaleOption, noiseScale } from './noise-scale.js';
import { registerLikelihood } from './serialization.js';
import { HALF_LOG_TWO_PI } from '../../src/distributions/constants.js';

/** ½ log 2π. */

/** Default observation noise σ of `gaussian` (fixed), and the starting σ of a learned one. */
export const DEFAULT_GAUSSIAN_SCALE = 1;

/** Options of `gaussian`. */
export interface GaussianOptions {
  /**
   * Standard deviation σ of the observation noise, in the units of y: a number > 0 (fixed), or
   * `'learned'`: a trainable variable owned by the likelihood, trained by `fit` with the weights.
   * Default `DEFAULT_GAUSSIAN_SCALE` (1, fixed).
   */
  readonly scale?: NoiseScaleOption;
  /** Starting σ of a learned scale, > 1e-6. Default 1 (standardised targets). */
  readonly initialScale?: number;
  /** Normal prior on log σ of a learned scale (MAP); its −log density enters the ELBO's prior term. Default: none (maximum likelihood). */
  readonly logScalePrior?: LogScalePrior;
}

/**
 * Gaussian likelihood with homoscedastic noise: −log N(y; μ, σ²) = ½((y − μ)/σ)² + log σ + ½ log 2π,
 * element-wise. `yTrue` and `modelOutput` (the mean μ) are float32 of equal shape, batch first.
 *
 * With `{scale: 'learned'}` σ = softplus(rawScale) + 1e-6 is a `tf.Variable` in `variables` (the
 * likelihood owns it; `dispose()` frees it); `fit` trains and checkpoints it, `toJSON()` records its
 * current value. This is the homoscedastic noise of Hernández-Lobato & Adams (2015) as a point estimate.
 *
 * @example
 * const likelihood = gaussian({scale: 'learned', initialScale: 0.5});
 * await fit(model, {x, y}, {elbo: {likelihood, klWeighting: klWeighting.perExample()}, optimizer, epochs: 40});
 * const sigma = likelihood.noiseScale(); // trained σ, a scalar you own
 */
export function gaussian(options: GaussianOptions = {}): Likelihood & { noiseScale(): tf.Scalar } {
  const noise = noiseScale(
    'gaussian',
    options.scale ?? DEFAULT_GAUSSIAN_SCALE,
    options.initialScale,
    options.logScalePrior,
    DEFAULT_GAUSSIAN_SCALE,
  );
  const learned = noise.variables.length > 0;
  return {
    name: 'gaussian',
    describe: learned
      ? 'Gaussian NLL with learned σ: ½((y − μ)/σ)² + log σ + ½ log 2π per element.'
      : `Gaussian NLL with fixed σ = ${options.scale ?? DEFAULT_GAUSSIAN_SCALE}: ½((y − μ)/σ)² + log σ + ½ log 2π per element.`,
    variables: noise.variables,
    ...(noise.priorNegativeLogProb === undefined ? {} : { priorNegativeLogProb: noise.priorNegativeLogProb }),
    noiseScale: () => noise.value(),
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y, mean] = requireMatchingPair('gaussian.perElement', yTrue, modelOutput);
      return tf.tidy(() => {
        const sigma = noise.value();
        return tf.add(tf.mul(0.5, tf.square(tf.div(tf.sub(y, mean), sigma))), tf.add(tf.log(sigma), HALF_LOG_TWO_PI));
      });
    },
    toJSON: (): LikelihoodSpec => ({ name: 'gaussian', config: noise.config() }),
    dispose: () => noise.dispose(),
  };
}

/**
 * Heteroscedastic Gaussian likelihood (Kendall & Gal 2017, eq. 5, with the constant kept so it is a
 * true NLL): the model predicts a mean μ and a log-variance s = log σ² per target, and
 * −log N(y; μ, eˢ) = ½ e^(−s) (y − μ)² + ½ s + ½ log 2π, element-wise.
 *
 * `yTrue`: float32 [B, …, D]. `modelOutput`: float32 [B, …, 2D], the means in the first D channels of
 * the last axis and the log-variances in the last D. Returns [B, …, D]; caller owns it. Its
 * predictive is `predictive(model, x, {task: 'regression', heteroscedastic: true})`.
 */
export function gaussianHeteroscedastic(): Likelihood {
  return {
    name: 'gaussianHeteroscedastic',
    describe:
      'Heteroscedastic Gaussian NLL with predicted mean μ and log-variance s: ½ e^(−s)(y − μ)² + ½ s + ½ log 2π per element (Kendall & Gal 2017).',
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const where = 'gaussianHeteroscedastic.perElement';
      const y = requireTensor(where, 'yTrue', yTrue);
      const out = requireTensor(where, 'modelOutput', modelOutput);
      const last = y.rank - 1;
      if (out.rank !== y.rank || out.shape.some((d, i) => (i === last ? d !== 2 * y.shape[last] : d !== y.shape[i]))) {
        throw new ShapeError(
          where,
          'modelOutput',
          out.shape,
          `[${[...y.shape.slice(0, -1), 2 * y.shape[last]].join(', ')}] (means then log-variances on the last axis, for yTrue of shape [${y.shape.join(', ')}])`,
        );
      }
      return tf.tidy(() => {
        const [mean, logVariance] = tf.split(out, 2, -1);
        return tf.add(
          tf.mul(0.5, tf.add(tf.mul(tf.exp(tf.neg(logVariance)), tf.squaredDifference(y, mean)), logVariance)),
          HALF_LOG_TWO_PI,
        );
      });
    },
    toJSON: (): LikelihoodSpec => ({ name: 'gaussianHeteroscedastic', config: {} }),
  };
}

registerLikelihood('gaussian', (config) => gaussian(config as GaussianOptions));
registerLikelihood('gaussianHeteroscedastic', () => gaussianHeteroscedastic());
