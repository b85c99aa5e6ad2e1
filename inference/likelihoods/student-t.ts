/** Student-t likelihood for regression with heavy-tailed noise (fixed or learned scale). */
import * as tf from '@tensorflow/tfjs';
import { requirePositive } from '../../src/validate.js';
import { type Likelihood, type LikelihoodSpec, requireMatchingPair } from './likelihood.js';
import { type LogScalePrior, type NoiseScaleOption, noiseScale } from './noise-scale.js';
import { registerLikelihood } from './serialization.js';
import { HALF_LOG_TWO_PI } from '../../src/distributions/constants.js';

/** Default degrees of freedom ν of `studentT`. */
export const DEFAULT_STUDENT_T_DOF = 4;

/** Options of `studentT`. */
export interface StudentTOptions {
  /** Degrees of freedom ν > 0 (ν → ∞ is the Gaussian; ν = 1 the Cauchy). Default 4. */
  readonly degreesOfFreedom?: number;
  /** Scale σ > 0 (fixed), or `'learned'` (a trainable variable, as in `gaussian`). Default 1 (fixed). */
  readonly scale?: NoiseScaleOption;
  /** Starting σ of a learned scale. Default 1. */
  readonly initialScale?: number;
  /** Normal prior on log σ of a learned scale. Default: none. */
  readonly logScalePrior?: LogScalePrior;
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error < 1e-13 in the range used here). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Student-t likelihood with location μ (the model output), scale σ and ν degrees of freedom:
 * −log t_ν(y; μ, σ) = log Γ(ν/2) − log Γ((ν+1)/2) + ½ log(νπ) + log σ + ((ν+1)/2) log(1 + z²/ν),
 * z = (y − μ)/σ, element-wise. Robust to outliers: the loss grows like log |z| instead of z².
 * `yTrue` and `modelOutput` are float32 of equal shape, batch first; returns the same shape, caller owns it.
 */
export function studentT(options: StudentTOptions = {}): Likelihood & { noiseScale(): tf.Scalar } {
  const dof = requirePositive('studentT', 'degreesOfFreedom', options.degreesOfFreedom ?? DEFAULT_STUDENT_T_DOF);
  const noise = noiseScale('studentT', options.scale ?? 1, options.initialScale, options.logScalePrior, 1);
  const constant = logGamma(dof / 2) - logGamma((dof + 1) / 2) + 0.5 * Math.log(dof * Math.PI);
  return {
    name: 'studentT',
    describe: `Student-t NLL with ν = ${dof} and ${noise.variables.length > 0 ? 'learned' : 'fixed'} σ: log Γ(ν/2) − log Γ((ν+1)/2) + ½ log νπ + log σ + (ν+1)/2 · log(1 + z²/ν).`,
    variables: noise.variables,
    ...(noise.priorNegativeLogProb === undefined ? {} : { priorNegativeLogProb: noise.priorNegativeLogProb }),
    noiseScale: () => noise.value(),
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y, mean] = requireMatchingPair('studentT.perElement', yTrue, modelOutput);
      return tf.tidy(() => {
        const sigma = noise.value();
        const z = tf.div(tf.sub(y, mean), sigma);
        return tf.add(tf.mul((dof + 1) / 2, tf.log1p(tf.div(tf.square(z), dof))), tf.add(tf.log(sigma), constant));
      });
    },
    toJSON: (): LikelihoodSpec => ({ name: 'studentT', config: { degreesOfFreedom: dof, ...noise.config() } }),
    dispose: () => noise.dispose(),
  };
}

registerLikelihood('studentT', (config) => studentT(config as StudentTOptions));
