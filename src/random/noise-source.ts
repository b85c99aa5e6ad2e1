/**
 * Replayable noise: every random draw in tfjs-bnn is derived from
 * (root seed, training step, particle, layer path, draw name), so the same position always gives
 * bit-identical noise and different positions give independent streams.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { requireFinite, requireInteger } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';

/** Where in training a forward pass happens. `particle` indexes Monte Carlo samples of one step. */
export interface NoisePosition {
  /** Global optimisation step (or any integer the caller uses to tell passes apart), ≥ 0. */
  readonly step: number;
  /** Monte Carlo particle within the step, ≥ 0. Default 0. */
  readonly particle?: number;
}

/**
 * A stateful generator for one key of the seed stream. Successive calls continue the stream.
 * Every returned tensor is owned by the caller.
 */
export interface RandomDraws {
  /** Standard-normal float32 tensor of `shape` (Box–Muller on an Alea stream). */
  normal(shape: readonly number[]): tf.Tensor;
  /** Uniform float32 tensor on [0, 1) of `shape`. */
  uniform(shape: readonly number[]): tf.Tensor;
  /** Random signs: float32 tensor of `shape` with entries ±1, each with probability ½ (Flipout). */
  signs(shape: readonly number[]): tf.Tensor;
}

function sizeOf(where: string, shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new InvalidArgumentError(where, 'shape', shape, 'an array of integers ≥ 0');
    size *= d;
  }
  return size;
}

/** Random draws from one seedrandom Alea stream. */
class AleaDraws implements RandomDraws {
  private readonly next: () => number;

  constructor(key: string) {
    this.next = seedrandom.alea(key);
  }

  normal(shape: readonly number[]): tf.Tensor {
    const size = sizeOf('RandomDraws.normal', shape);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i += 2) {
      // 1 − u lies in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
      const angle = 2 * Math.PI * this.next();
      values[i] = radius * Math.cos(angle);
      if (i + 1 < size) values[i + 1] = radius * Math.sin(angle);
    }
    return tf.tensor(values, shape as number[], 'float32');
  }

  uniform(shape: readonly number[]): tf.Tensor {
    const size = sizeOf('RandomDraws.uniform', shape);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = this.next();
    return tf.tensor(values, shape as number[], 'float32');
  }

  signs(shape: readonly number[]): tf.Tensor {
    const size = sizeOf('RandomDraws.signs', shape);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = this.next() < 0.5 ? -1 : 1;
    return tf.tensor(values, shape as number[], 'float32');
  }
}

/**
 * The root of a seed stream. Immutable; holds no tensors.
 *
 * @example
 * const noise = new NoiseSource(42);
 * const eps = noise.draws({step: 3, particle: 0}, 'dense_1/kernel').normal([784, 400]);
 */
export class NoiseSource {
  /** Root seed (finite number or non-empty string). */
  readonly seed: number | string;

  constructor(seed: number | string) {
    if (typeof seed === 'number') requireFinite('NoiseSource', 'seed', seed);
    else if (typeof seed !== 'string' || seed.length === 0) {
      throw new InvalidArgumentError('NoiseSource', 'seed', seed, 'a finite number or a non-empty string');
    }
    this.seed = seed;
  }

  /** The key string of a position and path; equal keys give identical streams. */
  key(position: NoisePosition, path: string): string {
    requireInteger('NoiseSource.key', 'position.step', position.step, 0);
    const particle = position.particle ?? 0;
    requireInteger('NoiseSource.key', 'position.particle', particle, 0);
    return `${this.seed}|${position.step}|${particle}|${path}`;
  }

  /** A fresh generator for (position, path). Calling twice with equal arguments replays the same numbers. */
  draws(position: NoisePosition, path: string): RandomDraws {
    return new AleaDraws(this.key(position, path));
  }

  /** A derived source whose streams are independent of this one's (e.g. for data shuffling). */
  fork(name: string): NoiseSource {
    return new NoiseSource(`${this.seed}/${name}`);
  }
}
