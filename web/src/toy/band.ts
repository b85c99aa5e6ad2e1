/**
 * The predictive band of the toy: S Monte Carlo forward passes on a grid of x, their mean and
 * mean ± 2σ (σ the standard deviation over passes: the spread of the weight posterior).
 */
import * as tf from '@tensorflow/tfjs';
import { NoiseSource, withNoise } from 'tfjs-bnn';

/** The grid the band is drawn on, and the two ranges whose widths are compared. */
export const BAND = { low: -0.25, high: 1.25, points: 121, samples: 40, inside: [0, 0.5], outside: [0.8, 1] } as const;

/** Plain numbers of one band. */
export interface Band {
  readonly x: Float32Array;
  readonly mean: Float32Array;
  readonly std: Float32Array;
  /** Mean band width 4σ over grid points in [0, 0.5] (the data) and in [0.8, 1] (away from it). */
  readonly widthInside: number;
  readonly widthOutside: number;
}

function meanWidth(x: Float32Array, std: Float32Array, [low, high]: readonly [number, number]): number {
  let sum = 0;
  let count = 0;
  x.forEach((value, i) => {
    if (value >= low && value <= high) {
      sum += 4 * std[i];
      count += 1;
    }
  });
  return sum / count;
}

/**
 * S passes of `model` at noise positions `{step: s}` of `NoiseSource(seed)` (replayable), reduced
 * to mean and σ per grid point. Leaves no tensors behind.
 */
export async function predictiveBand(model: tf.LayersModel, seed: string): Promise<Band> {
  const noise = new NoiseSource(seed);
  const [x, mean, std] = tf.tidy(() => {
    const grid = tf.linspace(BAND.low, BAND.high, BAND.points).reshape([BAND.points, 1]);
    const draws = Array.from({ length: BAND.samples }, (_, s) => withNoise(noise, { step: s }, () => model.apply(grid) as tf.Tensor));
    const { mean: m, variance } = tf.moments(tf.stack(draws), 0);
    return [grid.reshape([-1]), m.reshape([-1]), tf.sqrt(variance).reshape([-1])];
  });
  const [xs, means, stds] = (await Promise.all([x.data(), mean.data(), std.data()])) as Float32Array[];
  tf.dispose([x, mean, std]);
  return { x: xs, mean: means, std: stds, widthInside: meanWidth(xs, stds, BAND.inside), widthOutside: meanWidth(xs, stds, BAND.outside) };
}
