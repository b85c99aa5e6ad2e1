/**
 * Monte Carlo predictive of a Bayesian regression network: S stochastic forward passes, each a
 * Gaussian N(μ_s, v_s) (v_s = σ² for homoscedastic noise, or the predicted variance of a
 * heteroscedastic head), accumulated in streaming form so memory does not grow with S.
 *
 * The predictive is the equal mixture (1/S) Σ_s N(μ_s, v_s). Its mean is μ̄ = (1/S) Σ μ_s and its
 * variance splits (law of total variance; Kendall & Gal 2017, eq. 9; Depeweg et al. 2018) into
 * aleatoric (1/S) Σ v_s + epistemic (1/S) Σ (μ_s − μ̄)².
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { requireFloatTensor, requireInteger, requireOpenInterval, requirePositive } from '../../src/validate.js';
import { LOG_VARIANCE_LIMIT } from './heteroscedastic.js';
import { DEFAULT_PREDICTIVE_SAMPLES, type PredictiveModel } from './predictive.js';
import { HALF_LOG_TWO_PI } from '../../src/distributions/constants.js';

/** Default central-interval levels whose coverage `regressionPredictive` reports. */
export const DEFAULT_COVERAGE_LEVELS: readonly number[] = [0.5, 0.9, 0.95];

/** Options of `regressionPredictive`. Give `noise` or `seed`, and `noiseScale` or `heteroscedastic`. */
export interface RegressionPredictiveOptions {
  /** Stochastic forward passes S. Default 20. */
  readonly samples?: number;
  /** Noise source of the passes; pass s runs at `{step, particle: s}`. */
  readonly noise?: NoiseSource;
  /** Seed of a new `NoiseSource`, when `noise` is not given. */
  readonly seed?: number | string;
  /** Noise step of every pass. Default 0. */
  readonly step?: number;
  /** Homoscedastic observation noise σ > 0 in the units of y (e.g. the trained `gaussian({scale: 'learned'}).noiseScale()`). */
  readonly noiseScale?: number;
  /** The model's last axis holds 2D channels: means then log-variances (`gaussianHeteroscedastic`). */
  readonly heteroscedastic?: boolean;
  /** Targets [N, D]: adds the mixture log-likelihood, PIT values and interval coverage. */
  readonly targets?: tf.Tensor;
  /** Central-interval levels in (0, 1) for `coverage`. Default [0.5, 0.9, 0.95]. */
  readonly levels?: readonly number[];
}

/** What the targets score against the predictive; tensors [N, D] owned by the caller. */
export interface RegressionScores {
  /** log (1/S) Σ_s N(y; μ_s, v_s) per target, nats. */
  readonly logLikelihood: tf.Tensor;
  /** PIT values F(y) = (1/S) Σ_s Φ((y − μ_s)/√v_s) per target, in [0, 1] (uniform when calibrated). */
  readonly pit: tf.Tensor;
  /** Mean of `logLikelihood` over all targets (the "test log-likelihood" of Hernández-Lobato & Adams 2015). */
  readonly meanLogLikelihood: number;
  /** Fraction of targets inside the central interval of each level, keyed by the level (e.g. `'0.9'`). */
  readonly coverage: Readonly<Record<string, number>>;
}

/** The regression predictive. All tensors [N, D] are new and owned by the caller (`disposeRegressionPredictive`). */
export interface RegressionPredictiveResult {
  /** Predictive mean μ̄. */
  readonly mean: tf.Tensor;
  /** (1/S) Σ v_s: the noise the data leave (aleatoric). */
  readonly aleatoricVariance: tf.Tensor;
  /** (1/S) Σ (μ_s − μ̄)²: disagreement between weight samples (epistemic). */
  readonly epistemicVariance: tf.Tensor;
  /** aleatoric + epistemic: the variance of the mixture. */
  readonly totalVariance: tf.Tensor;
  /** Present when `targets` was given. */
  readonly scores?: RegressionScores;
  readonly samples: number;
}

/** Disposes every tensor of a `RegressionPredictiveResult`. */
export function disposeRegressionPredictive(result: RegressionPredictiveResult): void {
  tf.dispose([result.mean, result.aleatoricVariance, result.epistemicVariance, result.totalVariance]);
  if (result.scores !== undefined) tf.dispose([result.scores.logLikelihood, result.scores.pit]);
}

function forward(model: PredictiveModel, x: tf.Tensor): tf.Tensor {
  const y = typeof model === 'function' ? model(x) : model.predict(x, { batchSize: x.shape[0] });
  if (!(y instanceof tf.Tensor))
    throw new InvalidArgumentError('regressionPredictive', 'model', 'a model with several outputs', 'a model with one output tensor');
  return y;
}

function resolveNoise(options: RegressionPredictiveOptions): NoiseSource {
  if (options.noise !== undefined) {
    if (!(options.noise instanceof NoiseSource))
      throw new InvalidArgumentError('regressionPredictive', 'options.noise', options.noise, 'a NoiseSource');
    return options.noise;
  }
  if (options.seed !== undefined) return new NoiseSource(options.seed);
  throw new InvalidArgumentError(
    'regressionPredictive',
    'options',
    'neither noise nor seed',
    'options.noise (a NoiseSource) or options.seed, so the passes are replayable',
  );
}

/**
 * Runs S stochastic passes of `model` on `x` ([N, …], float32) and returns the regression predictive
 * (see `RegressionPredictiveResult`; **the caller owns its tensors**). Memory: a handful of running
 * [N, D] accumulators (Welford mean/M2 of μ_s, Σ v_s, and with targets a streaming log-sum-exp and
 * Σ Φ), independent of S.
 *
 * @example
 * const sigma = likelihood.noiseScale(); // gaussian({scale: 'learned'}) after fit
 * const p = regressionPredictive(model, xTest, {samples: 50, seed: 1, noiseScale: sigma.dataSync()[0], targets: yTest});
 * console.log(p.scores?.meanLogLikelihood, p.scores?.coverage['0.9']);
 * disposeRegressionPredictive(p); sigma.dispose();
 */
export function regressionPredictive(
  model: PredictiveModel,
  x: tf.Tensor,
  options: RegressionPredictiveOptions,
): RegressionPredictiveResult {
  const where = 'regressionPredictive';
  if (typeof model !== 'function' && !(model instanceof tf.LayersModel))
    throw new InvalidArgumentError(where, 'model', model, 'a tf.LayersModel or a function (x) => tf.Tensor');
  requireFloatTensor(where, 'x', x);
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError(where, 'options', options, 'an options object with noiseScale or heteroscedastic');
  const samples = requireInteger(where, 'options.samples', options.samples ?? DEFAULT_PREDICTIVE_SAMPLES);
  const step = requireInteger(where, 'options.step', options.step ?? 0, 0);
  const heteroscedastic = options.heteroscedastic === true;
  if (heteroscedastic === (options.noiseScale !== undefined))
    throw new InvalidArgumentError(
      where,
      'options.noiseScale',
      options.noiseScale,
      'a σ > 0 (homoscedastic) or heteroscedastic: true, exactly one of them',
    );
  const variance = heteroscedastic ? 0 : requirePositive(where, 'options.noiseScale', options.noiseScale) ** 2;
  const levels = [...(options.levels ?? DEFAULT_COVERAGE_LEVELS)];
  levels.forEach((level, j) => requireOpenInterval(where, `options.levels[${j}]`, level, 0, 1));
  const targets = options.targets === undefined ? undefined : requireFloatTensor(where, 'options.targets', options.targets);
  const noise = resolveNoise(options);

  const state: Record<'mean' | 'm2' | 'varianceSum' | 'logMax' | 'logSum' | 'cdfSum', tf.Tensor | null> = {
    mean: null,
    m2: null,
    varianceSum: null,
    logMax: null,
    logSum: null,
    cdfSum: null,
  };
  try {
    for (let s = 0; s < samples; s++) {
      const next = withNoise(noise, { step, particle: s }, () =>
        tf.tidy(() => {
          const output = forward(model, x);
          let mu = output;
          let v: tf.Tensor = tf.fill(output.shape, variance);
          if (heteroscedastic) {
            const channels = output.shape[output.rank - 1];
            if (output.rank < 2 || channels % 2 !== 0)
              throw new ShapeError(where, 'model output', output.shape, '[N, 2D]: means then log-variances (heteroscedastic)');
            const [m, logVariance] = tf.split(output, 2, -1);
            mu = m;
            v = tf.exp(tf.clipByValue(logVariance, -LOG_VARIANCE_LIMIT, LOG_VARIANCE_LIMIT));
          }
          if (targets !== undefined && (targets.rank !== mu.rank || targets.shape.some((d, i) => d !== mu.shape[i]))) {
            throw new ShapeError(where, 'options.targets', targets.shape, `the shape of the predicted means, [${mu.shape.join(', ')}]`);
          }
          const count = s + 1;
          const { mean, m2, varianceSum, logMax, logSum, cdfSum } = state;
          const out: { [key: string]: tf.Tensor } = {};
          if (mean === null || m2 === null || varianceSum === null) {
            out.mean = mu.clone();
            out.m2 = tf.zerosLike(mu);
            out.varianceSum = v.clone();
          } else {
            const delta = tf.sub(mu, mean);
            out.mean = tf.add(mean, tf.div(delta, count));
            out.m2 = tf.add(m2, tf.mul(delta, tf.sub(mu, out.mean)));
            out.varianceSum = tf.add(varianceSum, v);
          }
          if (targets !== undefined) {
            const logDensity = tf.neg(
              tf.add(tf.div(tf.mul(0.5, tf.squaredDifference(targets, mu)), v), tf.add(tf.mul(0.5, tf.log(v)), HALF_LOG_TWO_PI)),
            );
            const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.div(tf.sub(targets, mu), tf.sqrt(tf.mul(2, v))))));
            if (logMax === null || logSum === null || cdfSum === null) {
              out.logMax = logDensity;
              out.logSum = tf.onesLike(logDensity);
              out.cdfSum = cdf;
            } else {
              const newMax = tf.maximum(logMax, logDensity);
              out.logMax = newMax;
              out.logSum = tf.add(tf.mul(logSum, tf.exp(tf.sub(logMax, newMax))), tf.exp(tf.sub(logDensity, newMax)));
              out.cdfSum = tf.add(cdfSum, cdf);
            }
          }
          return out;
        }),
      );
      const previous = Object.values(state).filter((t): t is tf.Tensor => t !== null);
      const produced = next as { [key: string]: tf.Tensor };
      for (const key of Object.keys(produced) as Array<keyof typeof state>) state[key] = produced[key];
      tf.dispose(previous);
    }
    const { mean, m2, varianceSum, logMax, logSum, cdfSum } = state as Record<keyof typeof state, tf.Tensor>;
    const maps = tf.tidy(() => {
      const aleatoricVariance = tf.div(varianceSum, samples);
      const epistemicVariance = tf.div(m2, samples);
      return { mean: mean.clone(), aleatoricVariance, epistemicVariance, totalVariance: tf.add(aleatoricVariance, epistemicVariance) };
    });
    if (targets === undefined) return { ...maps, samples };
    const [logLikelihood, pit] = tf.tidy(() => [
      tf.add(logMax, tf.log(tf.div(logSum, samples))),
      tf.clipByValue(tf.div(cdfSum, samples), 0, 1),
    ]);
    const meanTensor = tf.mean(logLikelihood);
    const meanLogLikelihood = meanTensor.dataSync()[0];
    meanTensor.dispose();
    const pitValues = pit.dataSync();
    const coverage: Record<string, number> = {};
    for (const level of levels) {
      let inside = 0;
      for (let i = 0; i < pitValues.length; i++) inside += pitValues[i] >= (1 - level) / 2 && pitValues[i] <= (1 + level) / 2 ? 1 : 0;
      coverage[String(level)] = inside / pitValues.length;
    }
    return { ...maps, samples, scores: { logLikelihood, pit, meanLogLikelihood, coverage } };
  } finally {
    tf.dispose(Object.values(state).filter((t): t is tf.Tensor => t !== null));
  }
}
