/**
 * Regression metrics on plain numbers: RMSE, Gaussian and Gaussian-mixture NLL, probability integral
 * transform (PIT), central-interval coverage and the quantile-calibration error of Kuleshov et al.
 * (2018). A predictive is calibrated when its PIT values F(y) are uniform on [0, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { requireOpenInterval } from '../../src/validate.js';
import { readValues, requireFiniteValues, requireSameLength, type VoxelValues } from './values.js';
import { HALF_LOG_TWO_PI } from '../../src/distributions/constants.js';

/** Default probability levels of `quantileCalibration`: 0.05, 0.10, …, 0.95. */
export const DEFAULT_QUANTILE_LEVELS: readonly number[] = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);

function readFinite(where: string, argument: string, values: VoxelValues): ArrayLike<number> {
  const data = readValues(where, argument, values);
  requireFiniteValues(where, argument, data);
  if (data.length === 0) throw new InvalidArgumentError(where, argument, 'empty', 'at least one value');
  return data;
}

/** Error function, Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

/** Standard normal CDF Φ(z) = ½(1 + erf(z/√2)). */
export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** Root mean squared error √((1/N) Σ (ŷ − y)²), in the units of y. */
export function rootMeanSquaredError(predictions: VoxelValues, targets: VoxelValues): number {
  const where = 'rootMeanSquaredError';
  const p = readFinite(where, 'predictions', predictions);
  const y = readFinite(where, 'targets', targets);
  requireSameLength(where, ['predictions', 'targets'], p, y);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - y[i]) ** 2;
  return Math.sqrt(sum / p.length);
}

function readVariances(where: string, variances: VoxelValues | number, length: number): (i: number) => number {
  if (typeof variances === 'number') {
    if (!(variances > 0) || !Number.isFinite(variances))
      throw new InvalidArgumentError(where, 'variances', variances, 'a finite variance > 0');
    return () => variances;
  }
  const v = readFinite(where, 'variances', variances);
  if (v.length !== length) throw new ShapeError(where, 'variances', [v.length], `${length} values, or one number`);
  for (let i = 0; i < v.length; i++) if (!(v[i] > 0)) throw new InvalidArgumentError(where, `variances[${i}]`, v[i], 'a variance > 0');
  return (i) => v[i];
}

/** Mean Gaussian NLL (1/N) Σ [½ (y − μ)²/σ² + ½ log σ² + ½ log 2π], nats per point. `variances` is per point or one number. */
export function gaussianNegativeLogLikelihood(means: VoxelValues, variances: VoxelValues | number, targets: VoxelValues): number {
  const where = 'gaussianNegativeLogLikelihood';
  const mu = readFinite(where, 'means', means);
  const y = readFinite(where, 'targets', targets);
  requireSameLength(where, ['means', 'targets'], mu, y);
  const variance = readVariances(where, variances, mu.length);
  let sum = 0;
  for (let i = 0; i < mu.length; i++) sum += (0.5 * (y[i] - mu[i]) ** 2) / variance(i) + 0.5 * Math.log(variance(i)) + HALF_LOG_TWO_PI;
  return sum / mu.length;
}

/** S predictive samples of N points: a [S, N] tensor or S arrays of N numbers. */
export type SampleMatrix = tf.Tensor | ArrayLike<ArrayLike<number>>;

function readSamples(where: string, argument: string, values: SampleMatrix): ArrayLike<number>[] {
  if (values instanceof tf.Tensor) {
    if (values.rank !== 2) throw new ShapeError(where, argument, values.shape, '[S, N] (samples by points)');
    const [s, n] = values.shape;
    const flat = values.dataSync();
    return Array.from({ length: s }, (_, k) => flat.subarray(k * n, (k + 1) * n));
  }
  return Array.from(values as ArrayLike<ArrayLike<number>>, (row, k) => readFinite(where, `${argument}[${k}]`, row as VoxelValues));
}

/**
 * Mean NLL of the equally weighted Gaussian mixture of S predictive samples (the Monte Carlo
 * predictive of a BNN with Gaussian noise): −(1/N) Σ_i log (1/S) Σ_s N(y_i; μ_si, σ_si²), computed
 * with log-sum-exp. With S = 1 it equals `gaussianNegativeLogLikelihood`.
 *
 * @param means [S, N] sample means. @param variances [S, N], or one number (homoscedastic noise σ²).
 */
export function gaussianMixtureNegativeLogLikelihood(means: SampleMatrix, variances: SampleMatrix | number, targets: VoxelValues): number {
  const where = 'gaussianMixtureNegativeLogLikelihood';
  const mu = readSamples(where, 'means', means);
  const y = readFinite(where, 'targets', targets);
  if (mu.length === 0) throw new InvalidArgumentError(where, 'means', 'no samples', 'at least one sample');
  mu.forEach((row, s) => requireSameLength(where, ['targets', `means[${s}]`], y, row));
  const variance = typeof variances === 'number' ? null : readSamples(where, 'variances', variances);
  if (variance !== null && variance.length !== mu.length)
    throw new ShapeError(where, 'variances', [variance.length], `${mu.length} samples, as many as 'means'`);
  if (typeof variances === 'number' && !(variances > 0)) throw new InvalidArgumentError(where, 'variances', variances, 'a variance > 0');
  let sum = 0;
  const logs = new Float64Array(mu.length);
  for (let i = 0; i < y.length; i++) {
    let max = -Infinity;
    for (let s = 0; s < mu.length; s++) {
      const v = variance === null ? (variances as number) : variance[s][i];
      logs[s] = -(0.5 * (y[i] - mu[s][i]) ** 2) / v - 0.5 * Math.log(v) - HALF_LOG_TWO_PI;
      max = Math.max(max, logs[s]);
    }
    let total = 0;
    for (let s = 0; s < mu.length; s++) total += Math.exp(logs[s] - max);
    sum -= max + Math.log(total / mu.length);
  }
  return sum / y.length;
}

/** PIT values Φ((y − μ)/σ) of a Gaussian predictive, one per point. `stddevs` per point or one number. */
export function gaussianPit(means: VoxelValues, stddevs: VoxelValues | number, targets: VoxelValues): Float64Array {
  const where = 'gaussianPit';
  const mu = readFinite(where, 'means', means);
  const y = readFinite(where, 'targets', targets);
  requireSameLength(where, ['means', 'targets'], mu, y);
  const sd = readVariances(where, stddevs, mu.length);
  return Float64Array.from(mu, (m, i) => normalCdf((y[i] - m) / sd(i)));
}

function readPit(where: string, pit: VoxelValues): ArrayLike<number> {
  const values = readFinite(where, 'pit', pit);
  for (let i = 0; i < values.length; i++)
    if (!(values[i] >= 0 && values[i] <= 1)) throw new InvalidArgumentError(where, `pit[${i}]`, values[i], 'a PIT value F(y) in [0, 1]');
  return values;
}

/**
 * Coverage of the central `level` interval: the fraction of points whose PIT value F(y) lies in
 * [(1 − level)/2, (1 + level)/2], i.e. y inside the predictive's central interval of that mass.
 * A calibrated predictive gives ≈ `level`.
 */
export function intervalCoverage(pit: VoxelValues, level: number): number {
  const where = 'intervalCoverage';
  requireOpenInterval(where, 'level', level, 0, 1);
  const values = readPit(where, pit);
  const low = (1 - level) / 2;
  const high = (1 + level) / 2;
  let inside = 0;
  for (let i = 0; i < values.length; i++) inside += values[i] >= low && values[i] <= high ? 1 : 0;
  return inside / values.length;
}

/** Expected and observed quantile levels, and their calibration error. */
export interface QuantileCalibration {
  /** Levels p_j. */
  readonly levels: number[];
  /** Observed p̂_j = fraction of points with F(y) ≤ p_j. */
  readonly observed: number[];
  /** (1/m) Σ_j (p_j − p̂_j)² (Kuleshov et al. 2018, eq. 9, with equal weights). */
  readonly error: number;
}

/**
 * Quantile calibration of a regression predictive from its PIT values (Kuleshov et al. 2018): at
 * each level p_j the fraction p̂_j of targets below the predictive's p_j-quantile, and the
 * calibration error (1/m) Σ_j (p_j − p̂_j)². 0 for uniform PIT values.
 */
export function quantileCalibration(pit: VoxelValues, options: { readonly levels?: readonly number[] } = {}): QuantileCalibration {
  const where = 'quantileCalibration';
  const values = readPit(where, pit);
  const levels = [...(options.levels ?? DEFAULT_QUANTILE_LEVELS)];
  if (levels.length === 0) throw new InvalidArgumentError(where, 'options.levels', levels, 'at least one level in (0, 1)');
  levels.forEach((p, j) => requireOpenInterval(where, `options.levels[${j}]`, p, 0, 1));
  const observed = levels.map((p) => {
    let below = 0;
    for (let i = 0; i < values.length; i++) below += values[i] <= p ? 1 : 0;
    return below / values.length;
  });
  const error = levels.reduce((sum, p, j) => sum + (p - observed[j]) ** 2, 0) / levels.length;
  return { levels, observed, error };
}

/** `quantileCalibration(pit, options).error`. */
export function quantileCalibrationError(pit: VoxelValues, options: { readonly levels?: readonly number[] } = {}): number {
  return quantileCalibration(pit, options).error;
}
