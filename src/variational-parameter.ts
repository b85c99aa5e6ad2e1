/**
 * The mean-field Gaussian variational parameter: the one place where a weight's posterior
 * q(w) = N(loc, softplus(rawScale)²), its reparameterized sample and its KL to a prior live.
 */
import * as tf from '@tensorflow/tfjs';
import { Normal } from './distributions/normal.js';
import type { Distribution } from './distributions/distribution.js';
import { klDivergence } from './kl/registry.js';
import type { RandomDraws } from './random/noise-source.js';
import { InvalidArgumentError } from './errors.js';
import { requireSameShape } from './validate.js';

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
    return tf.softplus(this.rawScale);
  }

  /** A reparameterized draw w = loc + softplus(rawScale) · ε, differentiable in both variables. Caller owns it. */
  sample(draws: RandomDraws): tf.Tensor {
    return tf.tidy(() => this.posterior().reparameterize(draws.normal(this.shape)));
  }

  /**
   * KL(q ‖ prior) summed over every element: the closed form when the registry has one for the
   * pair, otherwise the single-sample Monte Carlo estimate on `sample` (a draw from q, e.g. the
   * one used in the forward pass). A pure function of the variables (and `sample`). Caller owns the scalar.
   */
  kl(sample?: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.sum(klDivergence(this.posterior(), this.prior, sample === undefined ? {} : { sample })) as tf.Scalar);
  }
}
