/**
 * Where the trainer's batches come from: in-memory tensors (shuffled by a seeded permutation per
 * epoch, minibatched here) or a `tf.data.Dataset` of `{xs, ys}` batches (ordered and batched by the
 * dataset itself).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { requireInteger, requireModelInput } from '../../src/validate.js';
import type { NoiseSource } from '../../src/random/noise-source.js';
import { batchCount, batchRows, epochPermutation, gatherBatch } from './batches.js';

/** In-memory training data: examples along axis 0 of both tensors. */
export interface TensorData {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

/** One element of a dataset input: a batch of inputs and targets. */
export interface DatasetBatch extends tf.TensorContainerObject {
  xs: tf.Tensor;
  ys: tf.Tensor;
}

/** A batch handed to the training step; `x` and `y` are owned by the trainer and disposed after the step. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

/** A source of batches for training and evaluation. */
export interface BatchSource {
  /** Number of training examples N (the ELBO's `datasetSize`). */
  readonly datasetSize: number;
  /** Minibatches per epoch M. */
  readonly numBatches: number;
  /** The batches of `epoch`, starting at `firstBatch` (for a resumed epoch). */
  epochBatches(epoch: number, firstBatch: number): AsyncGenerator<Batch>;
  /** All data once, in stored order, for metrics (`evalBatchSize` applies to tensors only). */
  evaluationBatches(evalBatchSize: number): AsyncGenerator<Batch>;
}

/** Checks `{x, y}`: tensors with the same number of examples (axis 0), at least one. */
export function requireTensorData(where: string, argument: string, data: unknown): TensorData {
  if (typeof data !== 'object' || data === null || !('x' in data) || !('y' in data)) {
    throw new InvalidArgumentError(where, argument, data, 'an object {x, y} of tensors (or a tf.data.Dataset of {xs, ys})');
  }
  const { x, y } = data as { x: unknown; y: unknown };
  if (!(x instanceof tf.Tensor)) throw new InvalidArgumentError(where, `${argument}.x`, x, 'a tf.Tensor with examples along axis 0');
  requireModelInput(where, `${argument}.x`, x);
  if (!(y instanceof tf.Tensor)) throw new InvalidArgumentError(where, `${argument}.y`, y, 'a tf.Tensor with examples along axis 0');
  if (x.rank < 1 || x.shape[0] < 1) throw new ShapeError(where, `${argument}.x`, x.shape, 'at least one example along axis 0');
  if (y.rank < 1 || y.shape[0] !== x.shape[0]) {
    throw new ShapeError(where, `${argument}.y`, y.shape, `as many examples along axis 0 as ${argument}.x (${x.shape[0]})`);
  }
  return { x, y };
}

/** Batches from in-memory tensors. */
export class TensorBatchSource implements BatchSource {
  readonly datasetSize: number;
  readonly numBatches: number;

  /**
   * @param data tensors (not owned: the caller keeps and disposes them).
   * @param batchSize examples per batch; the last batch holds the remainder unless `dropRemainder`.
   * @param shuffleSource fork of the run's noise that orders each epoch, or null for the stored order.
   */
  constructor(
    private readonly data: TensorData,
    private readonly batchSize: number,
    dropRemainder: boolean,
    private readonly shuffleSource: NoiseSource | null,
  ) {
    this.datasetSize = data.x.shape[0];
    this.numBatches = batchCount(this.datasetSize, batchSize, dropRemainder);
    if (this.numBatches < 1) {
      throw new InvalidArgumentError(
        'fit',
        'batchSize',
        batchSize,
        `at most the number of examples (${this.datasetSize}) when dropRemainder is true`,
      );
    }
  }

  private order(epoch: number): Int32Array {
    if (this.shuffleSource !== null) return epochPermutation(this.shuffleSource, epoch, this.datasetSize);
    return Int32Array.from({ length: this.datasetSize }, (_, i) => i);
  }

  async *epochBatches(epoch: number, firstBatch: number): AsyncGenerator<Batch> {
    const order = this.order(epoch);
    for (let b = firstBatch; b < this.numBatches; b++) yield gatherBatch(this.data.x, this.data.y, batchRows(order, b, this.batchSize));
  }

  async *evaluationBatches(evalBatchSize: number): AsyncGenerator<Batch> {
    for (let start = 0; start < this.datasetSize; start += evalBatchSize) {
      const size = Math.min(evalBatchSize, this.datasetSize - start);
      yield tf.tidy(() => ({ x: tf.slice(this.data.x, start, size), y: tf.slice(this.data.y, start, size) }));
    }
  }
}

/**
 * Batches from a `tf.data.Dataset` of `{xs, ys}`. Each epoch iterates the dataset afresh; its order
 * is the dataset's own (shuffle it with `dataset.shuffle(bufferSize, seed)`). A resumed epoch skips
 * the batches already done, so exact resumption needs a dataset that replays the same order.
 */
export class DatasetBatchSource implements BatchSource {
  readonly numBatches: number;

  constructor(
    private readonly dataset: tf.data.Dataset<tf.TensorContainer>,
    readonly datasetSize: number,
    batchesPerEpoch: number | undefined,
  ) {
    requireInteger('fit', 'datasetSize', datasetSize, 1);
    if (batchesPerEpoch !== undefined) this.numBatches = requireInteger('fit', 'batchesPerEpoch', batchesPerEpoch, 1);
    else if (Number.isInteger(dataset.size) && dataset.size > 0) this.numBatches = dataset.size;
    else {
      throw new InvalidArgumentError(
        'fit',
        'batchesPerEpoch',
        batchesPerEpoch,
        `an integer ≥ 1 (the dataset's size is ${String(dataset.size)}, so the number of batches per epoch must be given)`,
      );
    }
  }

  private async *elements(firstBatch: number, limit: number): AsyncGenerator<Batch> {
    const iterator = await this.dataset.iterator();
    for (let b = 0; b < limit; b++) {
      const next = await iterator.next();
      if (next.done) break;
      const element = next.value as Partial<DatasetBatch>;
      if (!(element.xs instanceof tf.Tensor) || !(element.ys instanceof tf.Tensor)) {
        tf.dispose(element as tf.TensorContainer);
        throw new InvalidArgumentError('fit', 'data', element, 'dataset elements {xs: tf.Tensor, ys: tf.Tensor}');
      }
      if (element.xs.dtype !== 'float32') {
        tf.dispose([element.xs, element.ys]);
        requireModelInput('fit', `data (batch ${b}).xs`, element.xs);
      }
      if (b < firstBatch) {
        tf.dispose([element.xs, element.ys]);
        continue;
      }
      yield { x: element.xs, y: element.ys };
    }
  }

  epochBatches(_epoch: number, firstBatch: number): AsyncGenerator<Batch> {
    return this.elements(firstBatch, this.numBatches);
  }

  evaluationBatches(): AsyncGenerator<Batch> {
    return this.elements(0, this.numBatches);
  }
}
