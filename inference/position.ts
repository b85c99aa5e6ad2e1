/**
 * Where a training step stands: the one record every KL weighting, the ELBO and the trainer share.
 */
import { InvalidArgumentError } from '../src/errors.js';
import { requireInteger } from '../src/validate.js';

/**
 * The position of one optimiser step in training. All counters are 0-based.
 *
 * @example
 * const position: TrainingPosition = {epoch: 0, step: 0, batchIndex: 0, numBatches: 469, datasetSize: 60_000};
 */
export interface TrainingPosition {
  /** Epoch, 0-based. */
  readonly epoch: number;
  /** Global optimiser step since the start of training, 0-based (also the noise step). */
  readonly step: number;
  /** Index of the minibatch within the epoch, 0-based, < `numBatches`. */
  readonly batchIndex: number;
  /** Number of minibatches per epoch (M in Graves 2011 and Blundell et al. 2015), ≥ 1. */
  readonly numBatches: number;
  /** Number of training examples (N), ≥ 1. For segmentation, images (see the ELBO's `countUnit`). */
  readonly datasetSize: number;
}

/** The names of the fields of a `TrainingPosition`, in a fixed order (the symbols of `expression` schedules). */
export const TRAINING_POSITION_FIELDS = ['epoch', 'step', 'batchIndex', 'numBatches', 'datasetSize'] as const;

/**
 * Checks a training position at a public boundary: integer counters, `numBatches` and `datasetSize`
 * ≥ 1, `batchIndex < numBatches`. Returns it. Throws `InvalidArgumentError` naming `where`.
 */
export function requireTrainingPosition(where: string, position: unknown): TrainingPosition {
  if (typeof position !== 'object' || position === null) {
    throw new InvalidArgumentError(where, 'position', position, 'a TrainingPosition {epoch, step, batchIndex, numBatches, datasetSize}');
  }
  const p = position as Record<string, unknown>;
  requireInteger(where, 'position.epoch', p.epoch, 0);
  requireInteger(where, 'position.step', p.step, 0);
  requireInteger(where, 'position.batchIndex', p.batchIndex, 0);
  requireInteger(where, 'position.numBatches', p.numBatches, 1);
  requireInteger(where, 'position.datasetSize', p.datasetSize, 1);
  if ((p.batchIndex as number) >= (p.numBatches as number)) {
    throw new InvalidArgumentError(
      where,
      'position.batchIndex',
      p.batchIndex,
      `an integer < position.numBatches (${String(p.numBatches)})`,
    );
  }
  return position as TrainingPosition;
}
