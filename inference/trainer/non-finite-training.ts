/**
 * The error `fit` throws when it gives up on non-finite steps, carrying what was learnt before.
 */
import { NonFiniteError } from '../../src/errors.js';
import type { TrainingHistory } from './history.js';

/**
 * `fit` skipped `maxConsecutiveNonFinite` steps in a row. A `NonFiniteError` (catch either) whose
 * `history` is the partial history up to the failure: every applied step and finished epoch, every
 * skipped step (the last ones name the reason), `stopReason: 'nonFinite'`. Plain data, no tensors.
 */
export class NonFiniteTrainingError extends NonFiniteError {
  constructor(
    message: string,
    readonly history: TrainingHistory,
  ) {
    super(message);
  }
}
