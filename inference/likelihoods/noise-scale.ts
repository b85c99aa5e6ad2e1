/**
 * The observation-noise scale σ of a regression likelihood: a fixed number, or a trainable
 * variable owned by the likelihood (σ = softplus(rawScale) + MIN_NOISE_SCALE, written once here),
 * optionally with a Normal prior on log σ.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireFinite, requirePositive } from '../../src/validate.js';
import { HALF_LOG_TWO_PI } from '../../src/distributions/constants.js';

/** Floor added to a learned σ so the NLL stays finite when the raw scale runs to −∞. */
export const MIN_NOISE_SCALE = 1e-6;

/** Normal prior on log σ of a learned noise scale: log σ ~ N(loc, scale²). */
export interface LogScalePrior {
  /** Mean of log σ (units of log y). */
  readonly loc: number;
  /** Standard deviation of log σ, > 0. */
  readonly scale: number;
}

/** How `scale` is given in the options of a regression likelihood. */
export type NoiseScaleOption = number | 'learned';

/** A fixed or learned noise scale. */
export interface NoiseScale {
  /** σ as a tensor (a scalar the caller owns; differentiable in the variable when learned). */
  value(): tf.Scalar;
  /** The variables (one, `rawScale`, when learned; none when fixed). */
  readonly variables: readonly tf.Variable[];
  /** −log N(log σ; prior.loc, prior.scale²) when learned with a prior, else `undefined`. */
  readonly priorNegativeLogProb: (() => tf.Scalar) | undefined;
  /** Config entries that rebuild this scale: `{scale}` fixed, `{scale: 'learned', initialScale: current σ, logScalePrior}` learned. */
  config(): { [key: string]: unknown };
  dispose(): void;
}

/** softplus⁻¹(s) = log(e^s − 1), stable for large s. */
function inverseSoftplus(value: number): number {
  return value > 20 ? value : Math.log(Math.expm1(value));
}

/**
 * Builds the noise scale of `where` from its options. A learned scale starts at `initialScale`
 * (default `defaultInitial`) and is a fresh `tf.Variable`, trainable.
 */
export function noiseScale(where: string, scale: unknown, initialScale: unknown, prior: unknown, defaultInitial: number): NoiseScale {
  if (scale !== 'learned') {
    const fixed = requirePositive(where, 'scale', scale);
    if (prior !== undefined) throw new InvalidArgumentError(where, 'logScalePrior', prior, "no prior unless scale is 'learned'");
    return {
      value: () => tf.scalar(fixed),
      variables: [],
      priorNegativeLogProb: undefined,
      config: () => ({ scale: fixed }),
      dispose: () => undefined,
    };
  }
  const initial = requirePositive(where, 'initialScale', initialScale ?? defaultInitial);
  if (initial <= MIN_NOISE_SCALE) throw new InvalidArgumentError(where, 'initialScale', initial, `a number > ${MIN_NOISE_SCALE}`);
  const logPrior = prior === undefined ? undefined : requireLogScalePrior(where, prior);
  const rawScale = tf.tidy(() => tf.variable(tf.scalar(inverseSoftplus(initial - MIN_NOISE_SCALE)), true));
  const value = (): tf.Scalar => tf.tidy(() => tf.add(tf.softplus(rawScale), MIN_NOISE_SCALE) as tf.Scalar);
  return {
    value,
    variables: [rawScale],
    priorNegativeLogProb:
      logPrior === undefined
        ? undefined
        : () =>
            tf.tidy(() => {
              const z = tf.div(tf.sub(tf.log(value()), logPrior.loc), logPrior.scale);
              return tf.add(tf.mul(0.5, tf.square(z)), Math.log(logPrior.scale) + HALF_LOG_TWO_PI) as tf.Scalar;
            }),
    config: () => {
      const sigma = value();
      const current = sigma.dataSync()[0];
      sigma.dispose();
      const entries: { [key: string]: unknown } = { scale: 'learned', initialScale: current };
      if (logPrior !== undefined) entries.logScalePrior = { loc: logPrior.loc, scale: logPrior.scale };
      return entries;
    },
    dispose: () => rawScale.dispose(),
  };
}

function requireLogScalePrior(where: string, prior: unknown): LogScalePrior {
  if (typeof prior !== 'object' || prior === null)
    throw new InvalidArgumentError(where, 'logScalePrior', prior, 'an object {loc, scale} (a Normal prior on log σ)');
  const { loc, scale } = prior as Partial<LogScalePrior>;
  return { loc: requireFinite(where, 'logScalePrior.loc', loc), scale: requirePositive(where, 'logScalePrior.scale', scale) };
}
