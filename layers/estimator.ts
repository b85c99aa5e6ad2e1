/**
 * How a variational layer turns its weight posterior into a stochastic output, and whether it samples at all.
 */
import { requireOneOf } from '../src/validate.js';

/**
 * Gradient estimator of a variational layer's forward pass.
 *
 * - `'reparameterization'`: one weight sample w = loc + scale·ε shared by the whole batch
 *   (Blundell et al. 2015, "Weight uncertainty in neural networks").
 * - `'flipout'`: w = loc + Δ with Δ = scale·ε shared, decorrelated across examples by per-example
 *   random sign vectors: out = x·loc + ((x∘s_in)·Δ)∘s_out (Wen et al. 2018).
 * - `'local'`: local reparameterization, samples the pre-activations from N(x·loc, x²·scale²)
 *   independently per example and output unit (Kingma, Salimans & Welling 2015).
 */
export type Estimator = 'reparameterization' | 'flipout' | 'local';

/** Every estimator, in the order of the docs. */
export const ESTIMATORS: readonly Estimator[] = ['reparameterization', 'flipout', 'local'];

/** The estimator layers use when none is given. */
export const DEFAULT_ESTIMATOR: Estimator = 'reparameterization';

/**
 * `'sample'`: stochastic forward pass (needs an open `withNoise` scope).
 * `'mean'`: deterministic forward pass with the posterior means (no noise needed).
 */
export type SamplingMode = 'sample' | 'mean';

/** Both sampling modes. */
export const SAMPLING_MODES: readonly SamplingMode[] = ['sample', 'mean'];

/** The sampling mode of a new layer. */
export const DEFAULT_SAMPLING_MODE: SamplingMode = 'sample';

/** Validates an estimator name at a public boundary. */
export function requireEstimator(where: string, value: unknown): Estimator {
  return requireOneOf(where, 'estimator', value, ESTIMATORS);
}

/** Validates a sampling mode at a public boundary. */
export function requireSamplingMode(where: string, value: unknown): SamplingMode {
  return requireOneOf(where, 'samplingMode', value, SAMPLING_MODES);
}
