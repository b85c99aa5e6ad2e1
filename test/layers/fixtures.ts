// Small deterministic fixtures shared by the layer tests.
import * as tf from '@tensorflow/tfjs';
import { lcgValues } from '../helpers/lcg.js';
import type { VariationalLayer } from '../../layers/index.js';

/** A deterministic pseudo-random array in [−1, 1) (no tfjs randomness, so tests are reproducible). */
export function fixedValues(size: number, seed = 1): Float32Array {
  return lcgValues(size, seed);
}

/** A tensor of `shape` filled with `fixedValues`. Caller owns it. */
export function fixedTensor(shape: number[], seed = 1, scale = 1): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(
      tf.tensor(
        fixedValues(
          shape.reduce((a, b) => a * b, 1),
          seed,
        ),
        shape,
      ),
      scale,
    ),
  );
}

/** Sets loc and rawScale of a built layer's parameter; returns the values written (float32-rounded). */
export function setParameter(layer: VariationalLayer, name: string, loc: Float32Array, rawScale: Float32Array): void {
  const weights = layer.variationalWeights(name);
  tf.tidy(() => {
    weights.loc.write(tf.tensor(loc, weights.loc.shape as number[]));
    weights.rawScale.write(tf.tensor(rawScale, weights.rawScale.shape as number[]));
  });
}

/** softplus in float64. */
export function softplus64(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** KL(N(mq, sq²) ‖ N(mp, sp²)) in float64. */
export function klNormal64(mq: number, sq: number, mp: number, sp: number): number {
  return Math.log(sp / sq) + (sq * sq + (mq - mp) ** 2) / (2 * sp * sp) - 0.5;
}
