/**
 * Aleatoric (data) uncertainty head for binary segmentation (Kendall & Gal 2017, §3.3): the
 * network outputs, per voxel, a logit mean μ and a log-variance log σ²; logits are sampled as
 * x_t = μ + σ ε_t, ε_t ~ N(0, 1), and the class probability is the average of sigmoid(x_t) over T
 * draws. The loss is the negative log of that Monte Carlo likelihood, so σ grows where labels are
 * noisy (lesion borders) instead of forcing the logits there.
 *
 * Layout: a head with C output channels has 2C channels on its last axis: μ first, log σ² second.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../src/errors.js';
import { requireNoiseScope, type RandomDraws } from '../../src/random/index.js';
import { requireFloatTensor, requireInteger, requireSameShape } from '../../src/validate.js';

/** Default number of logit draws T per voxel. */
export const DEFAULT_ALEATORIC_SAMPLES = 10;

/** log σ² is clamped to [−LOG_VARIANCE_LIMIT, LOG_VARIANCE_LIMIT] so σ stays finite in float32. */
export const LOG_VARIANCE_LIMIT = 20;

/** Noise path of the logit draws inside a noise scope. */
export const ALEATORIC_NOISE_PATH = 'aleatoric-logits';

/** The two halves of a heteroscedastic output. Tensors owned by the caller. */
export interface HeteroscedasticLogits {
  /** Logit means μ, shape `[..., C]`. */
  readonly logitMean: tf.Tensor;
  /** Logit log-variances log σ², shape `[..., C]`. */
  readonly logVariance: tf.Tensor;
}

/** Splits a `[..., 2C]` output into μ `[..., C]` and log σ² `[..., C]`. The caller owns both. */
export function splitHeteroscedastic(output: tf.Tensor): HeteroscedasticLogits {
  requireFloatTensor('splitHeteroscedastic', 'output', output);
  const channels = output.shape[output.rank - 1];
  if (output.rank < 2 || channels % 2 !== 0) {
    throw new ShapeError(
      'splitHeteroscedastic',
      'output',
      output.shape,
      'rank ≥ 2 with an even last axis [..., 2C] (logit means, then log-variances)',
    );
  }
  const [logitMean, logVariance] = tf.split(output, 2, -1);
  return { logitMean, logVariance };
}

function sampledLogits(where: string, logitMean: tf.Tensor, logVariance: tf.Tensor, samples: number, draws: RandomDraws): tf.Tensor {
  requireFloatTensor(where, 'logitMean', logitMean);
  requireFloatTensor(where, 'logVariance', logVariance);
  requireSameShape(where, ['logitMean', 'logVariance'], logitMean.shape, logVariance.shape);
  requireInteger(where, 'options.samples', samples);
  const epsilon = draws.normal([samples, ...logitMean.shape]);
  const scale = tf.exp(tf.mul(0.5, tf.clipByValue(logVariance, -LOG_VARIANCE_LIMIT, LOG_VARIANCE_LIMIT)));
  return tf.add(logitMean, tf.mul(scale, epsilon)); // broadcasts to [T, ...shape]
}

/** Options of the heteroscedastic functions. */
export interface HeteroscedasticOptions {
  /** Logit draws T per voxel. Default `DEFAULT_ALEATORIC_SAMPLES` (10). */
  readonly samples?: number;
  /** Source of ε. Default: the active noise scope (`withNoise`), path `'aleatoric-logits'`. */
  readonly draws?: RandomDraws;
}

/**
 * Foreground probability (1/T) Σ_t sigmoid(μ + σ ε_t), same shape as `logitMean`. The caller owns
 * the result. Without `options.draws` it must run inside `withNoise`.
 */
export function heteroscedasticProbability(logitMean: tf.Tensor, logVariance: tf.Tensor, options: HeteroscedasticOptions = {}): tf.Tensor {
  const where = 'heteroscedasticProbability';
  const draws = options.draws ?? requireNoiseScope(where).draws(ALEATORIC_NOISE_PATH);
  return tf.tidy(() =>
    tf.mean(tf.sigmoid(sampledLogits(where, logitMean, logVariance, options.samples ?? DEFAULT_ALEATORIC_SAMPLES, draws)), 0),
  );
}

/**
 * Per-voxel loss of Kendall & Gal (2017, eq. 12) for sigmoid outputs:
 * −log (1/T) Σ_t Bernoulli(y | sigmoid(x_t)), computed stably as
 * −(logsumexp_t(−softplus(−(2y − 1) x_t)) − log T). Same shape as `labels` (values 0/1); reduce
 * it (sum, or an imbalance-aware reduction) in the likelihood. The caller owns the result.
 * Differentiable in μ and log σ². Without `options.draws` it must run inside `withNoise`.
 */
export function heteroscedasticLoss(
  logitMean: tf.Tensor,
  logVariance: tf.Tensor,
  labels: tf.Tensor,
  options: HeteroscedasticOptions = {},
): tf.Tensor {
  const where = 'heteroscedasticLoss';
  requireFloatTensor(where, 'labels', labels);
  requireSameShape(where, ['logitMean', 'labels'], logitMean.shape, labels.shape);
  const samples = options.samples ?? DEFAULT_ALEATORIC_SAMPLES;
  const draws = options.draws ?? requireNoiseScope(where).draws(ALEATORIC_NOISE_PATH);
  return tf.tidy(() => {
    const logits = sampledLogits(where, logitMean, logVariance, samples, draws);
    const signs = tf.sub(tf.mul(2, labels), 1);
    const logLikelihoods = tf.neg(tf.softplus(tf.neg(tf.mul(signs, logits))));
    return tf.neg(tf.sub(tf.logSumExp(logLikelihoods, 0), Math.log(samples)));
  });
}
