/** The univariate Normal distribution, element-wise. */
import * as tf from '@tensorflow/tfjs';
import type { RandomDraws } from '../random/noise-source.js';
import { requireFinite, requirePositive } from '../validate.js';
import { type Distribution, type Parameter, asTensor, parameterShape, requireParameter } from './distribution.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

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

  constructor(readonly loc: Parameter, readonly scale: Parameter) {
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
    return new Normal(loc, tf.softplus(rawScale));
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
