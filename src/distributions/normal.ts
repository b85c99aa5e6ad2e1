/** The univariate Normal distribution, element-wise. */
import * as tf from '@tensorflow/tfjs';
import type { RandomDraws } from '../random/noise-source.js';
import { registerKL } from '../kl/registry.js';
import { scaleFromRaw } from '../tensor/softplus.js';
import { requireFinite, requirePositive } from '../validate.js';
import { type Distribution, type Parameter, asTensor, parameterShape, requireParameter } from './distribution.js';

import { HALF_LOG_TWO_PI } from './constants.js';

/**
 * Normal(loc, scale), element-wise independent. `loc` and `scale` are numbers (validated: finite,
 * scale > 0) or float32 tensors of broadcastable shapes (not validated element-wise; tensors stay
 * owned by the caller).
 *
 * @example
 * const prior = new Normal(0, 1);
 * const posterior = tf.tidy(() => Normal.fromRawScale(locVar, rawScaleVar));
 */
export class Normal implements Distribution {
  readonly batchShape: readonly number[];

  constructor(
    readonly loc: Parameter,
    readonly scale: Parameter,
  ) {
    requireParameter('Normal', 'loc', loc);
    requireParameter('Normal', 'scale', scale);
    if (typeof loc === 'number') requireFinite('Normal', 'loc', loc);
    if (typeof scale === 'number') requirePositive('Normal', 'scale', scale);
    const locShape = parameterShape(loc);
    const scaleShape = parameterShape(scale);
    this.batchShape = locShape.length >= scaleShape.length ? locShape : scaleShape;
  }

  /** Normal(loc, softplus(rawScale)): the mean-field posterior of a variational parameter. Caller owns the scale tensor created here (use under tidy). */
  static fromRawScale(loc: tf.Tensor, rawScale: tf.Tensor): Normal {
    return new Normal(loc, scaleFromRaw(rawScale));
  }

  sample(draws: RandomDraws, shape: readonly number[] = this.batchShape): tf.Tensor {
    return tf.tidy(() => this.reparameterize(draws.normal(shape)));
  }

  /** loc + scale · epsilon for a standard-normal `epsilon` (the reparameterization trick). */
  reparameterize(epsilon: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(asTensor(this.loc), tf.mul(asTensor(this.scale), epsilon)));
  }

  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scale = asTensor(this.scale);
      const z = tf.div(tf.sub(x, asTensor(this.loc)), scale);
      return tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), tf.log(scale)), HALF_LOG_TWO_PI);
    });
  }

  mean(): tf.Tensor {
    return tf.tidy(() => tf.add(asTensor(this.loc), tf.zerosLike(asTensor(this.scale))));
  }

  stddev(): tf.Tensor {
    return tf.tidy(() => tf.add(asTensor(this.scale), tf.zerosLike(asTensor(this.loc))));
  }

  /** Element-wise differential entropy ½ log(2πe σ²). Caller owns the result. */
  entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.add(tf.log(asTensor(this.scale)), 0.5 + HALF_LOG_TWO_PI), tf.zerosLike(asTensor(this.loc))));
  }
}

/**
 * KL(N(μq, σq²) ‖ N(μp, σp²)) = log(σp/σq) + (σq² + (μq − μp)²) / (2σp²) − ½, element-wise.
 * Example: KL(N(0.3, 0.5²) ‖ N(0, 1)) = 0.36315. Registered for (Normal, Normal) below, next to the
 * class, so that importing `Normal` is enough for `klDivergence` to find it. Caller owns the result.
 */
export function klNormalNormal(q: Normal, p: Normal): tf.Tensor {
  return tf.tidy(() => {
    const scaleQ = asTensor(q.scale);
    const scaleP = asTensor(p.scale);
    const varianceRatio = tf.square(tf.div(scaleQ, scaleP));
    const meanTerm = tf.square(tf.div(tf.sub(asTensor(q.loc), asTensor(p.loc)), scaleP));
    return tf.mul(0.5, tf.sub(tf.add(varianceRatio, meanTerm), tf.add(1, tf.log(varianceRatio))));
  });
}

registerKL(Normal, Normal, klNormalNormal);
