/**
 * The weighted prior term of one variational layer: klWeight·KL + (klWeight − entropyWeight)·H(q).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import type { VariationalParameter } from '../../src/variational-parameter.js';
import type { KLTermWeights } from '../kl-weighting/kl-weighting.js';

/** What the ELBO needs of a variational layer (`VariationalLayer` satisfies it). */
export interface KLLayer {
  readonly name: string;
  /** KL(q ‖ p) summed over the layer's weights; caller owns the scalar. */
  kl(): tf.Scalar;
  /** The layer's mean-field parameters (for the posterior entropy of tempered posteriors). */
  readonly variationalParameters: readonly VariationalParameter[];
}

/**
 * Differential entropy H(q) = Σ ½ log(2πe σ²) of a layer's mean-field Gaussian posterior, summed
 * over all its variational weights (closed form, no sample). Caller owns the scalar.
 */
export function posteriorEntropy(layer: KLLayer): tf.Scalar {
  return tf.tidy(() => {
    const terms = layer.variationalParameters.map((p) => tf.sum(p.posterior().entropy()));
    return (terms.length === 0 ? tf.scalar(0) : tf.addN(terms)) as tf.Scalar;
  });
}

/**
 * `weights.crossEntropy · kl + (weights.crossEntropy − weights.entropy) · H(q)`, i.e. the
 * cross-entropy weight times −E_q[log p] minus the entropy weight times H(q) (KL = −E_q[log p] − H).
 * For a plain multiplier (equal weights) no entropy is computed. `fed` holds the same weights as
 * scalars (a compiled step's graph inputs), used in their place. `kl` and `fed` stay the
 * caller's; returns a new scalar the caller owns.
 */
export function weightedPriorTerm(
  layer: KLLayer,
  kl: tf.Scalar,
  weights: KLTermWeights,
  fed?: { readonly crossEntropy: tf.Scalar; readonly entropyGap: tf.Scalar | null },
): tf.Scalar {
  if (weights.crossEntropy === weights.entropy) return tf.mul(kl, fed?.crossEntropy ?? weights.crossEntropy);
  if (!Array.isArray(layer.variationalParameters)) {
    throw new InvalidArgumentError(
      'Elbo',
      `layer '${layer.name}'`,
      layer,
      'a layer exposing variationalParameters (needed for the tempered-posterior entropy)',
    );
  }
  const crossEntropy = fed?.crossEntropy ?? weights.crossEntropy;
  const gap = fed?.entropyGap ?? weights.crossEntropy - weights.entropy;
  return tf.tidy(() => tf.add(tf.mul(kl, crossEntropy), tf.mul(posteriorEntropy(layer), gap)));
}
