/**
 * Data order and minibatches of the trainer. In-memory data are shuffled by a permutation derived
 * from (seed, epoch) only, so a resumed run replays exactly the order of an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs';
import { NoiseSource } from '../../src/random/noise-source.js';
import { requireInteger } from '../../src/validate.js';

/** Name of the fork of the training `NoiseSource` that orders the data: `noise.fork(SHUFFLE_FORK)`. */
export const SHUFFLE_FORK = 'shuffle';
/** Noise path of the uniforms behind an epoch's permutation, drawn at position `{step: epoch}`. */
export const PERMUTATION_PATH = 'trainer/permutation';

/**
 * The permutation of 0…size−1 used in `epoch`: a Fisher–Yates shuffle driven by
 * `shuffleSource.draws({step: epoch}, PERMUTATION_PATH).uniform([size])`. A pure function of its arguments.
 */
export function epochPermutation(shuffleSource: NoiseSource, epoch: number, size: number): Int32Array {
  requireInteger('epochPermutation', 'epoch', epoch, 0);
  requireInteger('epochPermutation', 'size', size, 1);
  const uniformTensor = shuffleSource.draws({ step: epoch }, PERMUTATION_PATH).uniform([size]);
  const uniforms = uniformTensor.dataSync();
  uniformTensor.dispose();
  const order = new Int32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  for (let i = size - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(uniforms[i] * (i + 1)));
    const held = order[i];
    order[i] = order[j];
    order[j] = held;
  }
  return order;
}

/**
 * Number of minibatches per epoch for `size` examples: ceil(size / batchSize), or
 * floor(size / batchSize) when the last partial batch is dropped.
 */
export function batchCount(size: number, batchSize: number, dropRemainder: boolean): number {
  return dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/**
 * The rows of batch `batchIndex` in `order`: order[batchIndex·batchSize … +batchSize), shorter for
 * the last batch when `size` is not a multiple of `batchSize`.
 */
export function batchRows(order: Int32Array, batchIndex: number, batchSize: number): Int32Array {
  return order.subarray(batchIndex * batchSize, Math.min(order.length, (batchIndex + 1) * batchSize));
}

/** Gathers `rows` of `x` and `y` along axis 0. Caller owns both results. */
export function gatherBatch(x: tf.Tensor, y: tf.Tensor, rows: Int32Array): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const indices = tf.tensor1d(rows, 'int32');
    return { x: tf.gather(x, indices), y: tf.gather(y, indices) };
  });
}
