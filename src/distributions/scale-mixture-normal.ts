/** Blundell et al. (2015)'s scale-mixture prior: π N(loc, σ₁²) + (1 − π) N(loc, σ₂²). */
import * as tf from '@tensorflow/tfjs';
import { stableSoftplus } from '../tensor/softplus.js';
import type { RandomDraws } from '../random/noise-source.js';
import { requireFinite, requireOpenInterval, requirePositive } from '../validate.js';
import type { Distribution } from './distribution.js';

import { HALF_LOG_TWO_PI } from './constants.js';

/**
 * Two-component zero-mean (by default) Gaussian scale mixture with scalar parameters, broadcast
 * over any weight shape. Blundell et al. 2015, eq. 7; their grid: π ∈ {¼, ½, ¾},
 * −log σ₁ ∈ {0, 1, 2}, −log σ₂ ∈ {6, 7, 8}.
 *
 * `logProb` uses log-sum-exp, so it stays finite for |w| up to 1e3 with σ₂ = e⁻⁸.
 */
export class ScaleMixtureNormal implements Distribution {
  readonly batchShape: readonly number[] = [];

  /**
   * @param pi weight of the first (wide) component, in (0, 1).
   * @param scale1 standard deviation of the first component, > 0.
   * @param scale2 standard deviation of the second component, > 0 (usually ≪ scale1).
   * @param loc common mean, default 0.
   */
  constructor(
    readonly pi: number,
    readonly scale1: number,
    readonly scale2: number,
    readonly loc = 0,
  ) {
    requireOpenInterval('ScaleMixtureNormal', 'pi', pi, 0, 1);
    requirePositive('ScaleMixtureNormal', 'scale1', scale1);
    requirePositive('ScaleMixtureNormal', 'scale2', scale2);
    requireFinite('ScaleMixtureNormal', 'loc', loc);
  }

  sample(draws: RandomDraws, shape: readonly number[] = this.batchShape): tf.Tensor {
    return tf.tidy(() => {
      const useFirst = tf.less(draws.uniform(shape), this.pi);
      const scale = tf.where(useFirst, tf.fill(shape as number[], this.scale1), tf.fill(shape as number[], this.scale2));
      return tf.add(this.loc, tf.mul(scale, draws.normal(shape)));
    });
  }

  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const squared = tf.square(tf.sub(x, this.loc));
      const component = (weight: number, scale: number) =>
        tf.sub(tf.mul(squared, -0.5 / (scale * scale)), -Math.log(weight) + Math.log(scale) + HALF_LOG_TWO_PI);
      const a = component(this.pi, this.scale1);
      const b = component(1 - this.pi, this.scale2);
      // log(eᵃ + eᵇ) = max + log(1 + e^(−|a − b|)), finite whenever a or b is.
      return tf.add(tf.maximum(a, b), stableSoftplus(tf.neg(tf.abs(tf.sub(a, b)))));
    });
  }

  mean(): tf.Tensor {
    return tf.scalar(this.loc);
  }

  stddev(): tf.Tensor {
    return tf.scalar(Math.sqrt(this.pi * this.scale1 ** 2 + (1 - this.pi) * this.scale2 ** 2));
  }
}
