/**
 * Early stopping (Prechelt 1998; Keras' `EarlyStopping`): stop when a monitored epoch value has not
 * improved by more than `minDelta` for `patience` epochs.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireInteger, requireNonNegative, requireOneOf } from '../../src/validate.js';
import type { TrainerCallbacks } from './callbacks.js';

/** Default monitored value. */
export const EARLY_STOPPING_DEFAULT_MONITOR = 'val_loss';
/** Default patience, in epochs. */
export const EARLY_STOPPING_DEFAULT_PATIENCE = 5;
/** Default smallest change that counts as an improvement. */
export const EARLY_STOPPING_DEFAULT_MIN_DELTA = 0;

/** Options of `earlyStopping`. */
export interface EarlyStoppingOptions {
  /** Key of the epoch logs to watch (`'loss'`, `'val_loss'`, `'val_<metric>'`, …). Default `'val_loss'`. */
  readonly monitor?: string;
  /** Training stops after this many consecutive epochs without improvement (as in Keras), integer ≥ 0; 0 stops at the first. Default 5. */
  readonly patience?: number;
  /** An improvement must exceed this amount, ≥ 0. Default 0. */
  readonly minDelta?: number;
  /** `'min'` (smaller is better), `'max'`, or `'auto'`: `'max'` when the name contains "acc"/"auc"/"dice"/"iou", else `'min'`. Default `'auto'`. */
  readonly mode?: 'min' | 'max' | 'auto';
  /** Restore the weights of the best epoch when training stops or ends. Default false. */
  readonly restoreBestWeights?: boolean;
}

/** The callbacks returned by `earlyStopping`, with the state they keep. */
export interface EarlyStopping extends TrainerCallbacks {
  /** Best monitored value so far (±Infinity before the first epoch). */
  readonly best: number;
  /** Epoch of the best value (−1 before the first epoch). */
  readonly bestEpoch: number;
  /** Epoch after which it requested the stop (−1 if it did not). */
  readonly stoppedEpoch: number;
}

/**
 * Creates an early-stopping callback set for `fit({callbacks: [...]})`. A missing or NaN monitored
 * value counts as no improvement. With `restoreBestWeights` it keeps a copy of the best weights
 * (disposed at the end of training). Its state is not checkpointed: a resumed run starts counting afresh.
 *
 * @example
 * await fit(model, data, {..., callbacks: [earlyStopping({monitor: 'val_loss', patience: 3})]});
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const where = 'earlyStopping';
  const monitor = options.monitor ?? EARLY_STOPPING_DEFAULT_MONITOR;
  if (typeof monitor !== 'string' || monitor.length === 0) {
    throw new InvalidArgumentError(where, 'monitor', monitor, "a non-empty key of the epoch logs, e.g. 'val_loss'");
  }
  const patience = requireInteger(where, 'patience', options.patience ?? EARLY_STOPPING_DEFAULT_PATIENCE, 0);
  const minDelta = requireNonNegative(where, 'minDelta', options.minDelta ?? EARLY_STOPPING_DEFAULT_MIN_DELTA);
  const requested = requireOneOf(where, 'mode', options.mode ?? 'auto', ['min', 'max', 'auto'] as const);
  const mode = requested !== 'auto' ? requested : /acc|auc|dice|iou/i.test(monitor) ? 'max' : 'min';
  const restoreBestWeights = options.restoreBestWeights ?? false;

  let best = mode === 'min' ? Infinity : -Infinity;
  let bestEpoch = -1;
  let stoppedEpoch = -1;
  let wait = 0;
  let bestWeights: tf.Tensor[] | null = null;
  const improved = (value: number) => (mode === 'min' ? value < best - minDelta : value > best + minDelta);
  const releaseBest = () => {
    if (bestWeights !== null) tf.dispose(bestWeights);
    bestWeights = null;
  };

  return {
    get best() {
      return best;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    onTrainBegin() {
      best = mode === 'min' ? Infinity : -Infinity;
      bestEpoch = -1;
      stoppedEpoch = -1;
      wait = 0;
      releaseBest();
    },
    onEpochEnd(record, control) {
      const value = record.logs[monitor];
      if (typeof value === 'number' && !Number.isNaN(value) && improved(value)) {
        best = value;
        bestEpoch = record.epoch;
        wait = 0;
        if (restoreBestWeights) {
          releaseBest();
          bestWeights = control.model.getWeights().map((w) => tf.clone(w));
        }
        return;
      }
      wait += 1;
      if (wait >= patience) {
        stoppedEpoch = record.epoch;
        control.stop(
          `early stopping: '${monitor}' did not improve by more than ${minDelta} for ${wait} epoch(s); best ${best} at epoch ${bestEpoch}`,
        );
      }
    },
    onTrainEnd(_history, control) {
      if (bestWeights !== null) control.model.setWeights(bestWeights);
      releaseBest();
    },
  };
}
