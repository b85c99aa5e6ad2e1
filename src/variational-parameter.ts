/**
 * The mean-field Gaussian variational parameter: the one place where a weight's posterior
 * q(w) = N(loc, softplus(rawScale)²), its reparameterized sample and its KL to a prior live.
 */
import * as tf from '@tensorflow/tfjs';
import { Normal } from './distributions/normal.js';
import type { Distribution } from './distributions/distribution.js';
import { hasClosedFormKL, klDivergence } from './kl/registry.js';
import type { RandomDraws } from './random/noise-source.js';
import { activeNoiseScope } from './random/noise-scope.js';
import { InvalidArgumentError, NoiseSourceError } from './errors.js';
import { requireSameShape } from './validate.js';
import { scaleFromRaw } from './tensor/softplus.js';
import { klNormalToFixedNormalSum } from './kl/normal-sum.js';

/**
 * Two variables, `loc` and `rawScale` (scale = softplus(rawScale)), and the prior they are
 * regularised towards. Caches no sample. Does not own the variables: the layer (or caller) that
 * created them disposes them.
 */
export class VariationalParameter {
  /**
   * @param name role of the parameter within its layer, e.g. `'kernel'` or `'bias'`.
   * @param loc posterior mean variable (float32, any shape).
   * @param rawScale pre-softplus posterior scale variable (same shape as `loc`).
   * @param prior prior over each element (scalar parameters broadcast to `loc`'s shape).
   */
  constructor(
    readonly name: string,
    readonly loc: tf.Variable,
    readonly rawScale: tf.Variable,
    readonly prior: Distribution,
  ) {
    if (!(loc instanceof tf.Variable)) throw new InvalidArgumentError('VariationalParameter', 'loc', loc, 'a tf.Variable');
    if (!(rawScale instanceof tf.Variable)) {
      throw new InvalidArgumentError('VariationalParameter', 'rawScale', rawScale, 'a tf.Variable');
    }
    requireSameShape('VariationalParameter', ['loc', 'rawScale'], loc.shape, rawScale.shape);
  }

  /** Shape of the parameter tensor. */
  get shape(): number[] {
    return this.loc.shape;
  }

  /** Number of scalar weights. */
  get size(): number {
    return this.loc.size;
  }

  /** The posterior q(w) = N(loc, softplus(rawScale)²). Its scale tensor is new: use under `tf.tidy`. */
  posterior(): Normal {
    return Normal.fromRawScale(this.loc, this.rawScale);
  }

  /** softplus(rawScale): the posterior standard deviation. Caller owns the result. */
  scale(): tf.Tensor {
    return scaleFromRaw(this.rawScale);
  }

  /**
   * softplus(rawScale), computed once per open noise scope (`withNoise`) and shared by every use in
   * it: the weight sample, Flipout's perturbation, local reparameterization's variance and the KL of
   * one forward pass take one `Softplus` (and one softplus gradient) instead of one each. Outside a
   * scope, a new tensor. Use it under `tf.tidy` and never dispose it yourself: inside a scope the
   * scope owns it.
   */
  sharedScale(): tf.Tensor {
    const scope = activeNoiseScope();
    return scope === null ? scaleFromRaw(this.rawScale) : scope.sharedTensor(this, () => scaleFromRaw(this.rawScale));
  }

  /** A reparameterized draw w = loc + softplus(rawScale) · ε, differentiable in both variables. Caller owns it. */
  sample(draws: RandomDraws): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.sharedScale(), draws.normal(this.shape))));
  }

  /** Whether KL(q ‖ prior) has a registered closed form (else `kl` needs random draws). */
  get hasClosedFormKL(): boolean {
    return tf.tidy(() => hasClosedFormKL(this.posterior(), this.prior));
  }

  /**
   * KL(q ‖ prior) summed over every element — the one place that decides between the closed form
   * (when the KL registry has one for the pair of classes) and the single-sample Monte Carlo
   * estimate log q(w) − log p(w) on w = loc + scale·ε with ε from `draws` (Blundell et al. 2015,
   * eq. 2). Pass the same `draws` as the forward pass (the same stream at the same position) and
   * the estimate is taken on the very weights that produced the likelihood. A pure function of the
   * variables and `draws`; `draws` is ignored for a closed form. Differentiable in loc and rawScale.
   * Caller owns the scalar.
   *
   * @throws NoiseSourceError when the pair has no closed form and no `draws` were given.
   */
  kl(draws?: RandomDraws): tf.Scalar {
    return tf.tidy(() => {
      const prior = this.prior;
      // Normal prior with plain-number parameters (the usual case): the same closed form, summed
      // in one op with its gradient written out (src/kl/normal-sum.ts), far fewer kernels.
      if (prior instanceof Normal && typeof prior.loc === 'number' && typeof prior.scale === 'number') {
        return klNormalToFixedNormalSum(this.loc, this.sharedScale(), prior.loc, prior.scale);
      }
      const posterior = this.posterior();
      if (hasClosedFormKL(posterior, this.prior)) return tf.sum(klDivergence(posterior, this.prior)) as tf.Scalar;
      if (draws === undefined) {
        throw new NoiseSourceError(
          `VariationalParameter.kl: KL(${posterior.constructor.name} ‖ ${this.prior.constructor.name}) of '${this.name}' has no closed form ` +
            `and needs a weight sample, but no random draws were given; call it inside withNoise(noise, {step, particle}, ...) ` +
            `(the same scope as the forward pass), or pass draws.`,
        );
      }
      const sample = posterior.reparameterize(draws.normal(this.shape));
      return tf.sum(klDivergence(posterior, this.prior, { sample })) as tf.Scalar;
    });
  }
}
