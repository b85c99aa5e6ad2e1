/**
 * The one-dimensional regression toy of Blundell et al. 2015 ("Weight Uncertainty in Neural
 * Networks", §5.2, Figure 5): a curve observed only on [0, 0.5], used to show that a Bayes-by-Backprop
 * network's predictive spread grows away from the data.
 */
import * as tf from '@tensorflow/tfjs';
import { NoiseSource } from '../random/noise-source.js';
import { InvalidArgumentError } from '../errors.js';
import { requireFinite, requireInteger, requireNonNegative } from '../validate.js';

/** Default number of points. */
export const REGRESSION_TOY_DEFAULT_SIZE = 200;
/** Default lower end of the input interval (the paper's 0). */
export const REGRESSION_TOY_DEFAULT_LOW = 0;
/** Default upper end of the input interval (the paper's 0.5). */
export const REGRESSION_TOY_DEFAULT_HIGH = 0.5;
/**
 * Default variance of ε. The paper writes ε ~ N(0, 0.02); we read the second parameter as the
 * variance (the usual N(μ, σ²) convention), so the noise standard deviation is √0.02 ≈ 0.1414.
 */
export const REGRESSION_TOY_DEFAULT_NOISE_VARIANCE = 0.02;

/** Noise-stream path of the inputs: `NoiseSource(seed).draws({step: 0}, path).uniform([size, 1])`. */
const REGRESSION_TOY_X_PATH = 'data/regression-toy/x';
/** Noise-stream path of ε: `NoiseSource(seed).draws({step: 0}, path).normal([size, 1])`, times √variance. */
export const REGRESSION_TOY_EPSILON_PATH = 'data/regression-toy/epsilon';

/** Options of `regressionToy`. */
export interface RegressionToyOptions {
  /** Root seed of the draws (number or non-empty string). Required: the data are always replayable. */
  readonly seed: number | string;
  /** Number of points N, integer ≥ 1. Default `REGRESSION_TOY_DEFAULT_SIZE` (200). */
  readonly size?: number;
  /** Lower end of the uniform input interval. Default 0. */
  readonly low?: number;
  /** Upper end of the uniform input interval, > `low`. Default 0.5. */
  readonly high?: number;
  /** Variance of ε, ≥ 0 (0 gives the noise-free curve). Default 0.02. */
  readonly noiseVariance?: number;
}

/** Inputs and targets of the toy; both [N, 1] float32 tensors owned by the caller. */
export interface RegressionToyData {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
}

/**
 * The toy's target for inputs `x` and noise `epsilon` (same shape):
 * y = x + 0.3 sin(2π(x + ε)) + 0.3 sin(4π(x + ε)) + ε. With ε = 0 this is the noise-free curve.
 * Caller owns the result.
 */
export function regressionToyTarget(x: tf.Tensor, epsilon: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shifted = tf.add(x, epsilon);
    const first = tf.mul(0.3, tf.sin(tf.mul(2 * Math.PI, shifted)));
    const second = tf.mul(0.3, tf.sin(tf.mul(4 * Math.PI, shifted)));
    return tf.add(tf.add(tf.add(x, first), second), epsilon);
  });
}

/**
 * Draws the Blundell et al. 2015 regression toy: x ~ Uniform[low, high) (default [0, 0.5)),
 * ε ~ N(0, noiseVariance) drawn once per point and used in all three places of
 * `regressionToyTarget`. The same seed gives bit-identical data.
 *
 * @returns `{x, y}`, each [N, 1] float32; the caller owns (and disposes) both.
 * @example
 * const {x, y} = regressionToy({seed: 1, size: 200});
 */
export function regressionToy(options: RegressionToyOptions): RegressionToyData {
  const where = 'regressionToy';
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(where, 'options', options, 'an object {seed, size?, low?, high?, noiseVariance?}');
  }
  const size = requireInteger(where, 'size', options.size ?? REGRESSION_TOY_DEFAULT_SIZE, 1);
  const low = requireFinite(where, 'low', options.low ?? REGRESSION_TOY_DEFAULT_LOW);
  const high = requireFinite(where, 'high', options.high ?? REGRESSION_TOY_DEFAULT_HIGH);
  if (high <= low) throw new InvalidArgumentError(where, 'high', high, `a number > low (${low})`);
  const noiseVariance = requireNonNegative(where, 'noiseVariance', options.noiseVariance ?? REGRESSION_TOY_DEFAULT_NOISE_VARIANCE);
  const source = new NoiseSource(options.seed);
  return tf.tidy(() => {
    const unit = source.draws({ step: 0 }, REGRESSION_TOY_X_PATH).uniform([size, 1]);
    const x = tf.add(low, tf.mul(high - low, unit)) as tf.Tensor2D;
    const epsilon = tf.mul(Math.sqrt(noiseVariance), source.draws({ step: 0 }, REGRESSION_TOY_EPSILON_PATH).normal([size, 1]));
    const y = regressionToyTarget(x, epsilon) as tf.Tensor2D;
    return { x, y };
  });
}
