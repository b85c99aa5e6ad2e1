/**
 * Training callbacks: plain objects with optional hooks. A hook may stop training by calling
 * `control.stop(reason)` or by returning `{stop: true}`; hooks may be async (they are awaited).
 */
import type * as tf from '@tensorflow/tfjs';
import type { EpochRecord, SkippedStep, StepRecord, TrainingHistory } from './history.js';

/** What a hook may return: nothing, or a request to stop. */
export type CallbackResult = void | { readonly stop?: boolean; readonly reason?: string };

/** Handed to every hook: the model being trained, the history so far, and a way to stop. */
export interface TrainingControl {
  /** The model being trained (its weights are the current ones). */
  readonly model: tf.LayersModel;
  /** The live history (do not mutate). */
  readonly history: TrainingHistory;
  /**
   * Requests a stop. From `onBatchEnd`/`onStepSkipped`: training ends after the current step (like an
   * abort: a final checkpoint is written when checkpointing is on). From `onEpochBegin`: before that
   * epoch's first step. From `onEpochEnd`: after that epoch.
   */
  stop(reason?: string): void;
  /** Whether a stop was requested. */
  readonly stopRequested: boolean;
}

/** Hooks called by `fit`. All are optional. */
export interface TrainerCallbacks {
  /** Before the first step (after a resume has restored the state). */
  onTrainBegin?(control: TrainingControl): CallbackResult | Promise<CallbackResult>;
  /** Before the first step of `epoch` (0-based). */
  onEpochBegin?(epoch: number, control: TrainingControl): CallbackResult | Promise<CallbackResult>;
  /** After every applied step, with its record. */
  onBatchEnd?(record: StepRecord, control: TrainingControl): CallbackResult | Promise<CallbackResult>;
  /** After a step was skipped because its loss or a gradient was not finite. */
  onStepSkipped?(skipped: SkippedStep, control: TrainingControl): CallbackResult | Promise<CallbackResult>;
  /** After an epoch's validation and metrics, with its record (logs hold every value). */
  onEpochEnd?(record: EpochRecord, control: TrainingControl): CallbackResult | Promise<CallbackResult>;
  /** Once, when training ends for any reason other than an exception. */
  onTrainEnd?(history: TrainingHistory, control: TrainingControl): void | Promise<void>;
}

/** Creates the control object handed to the hooks. */
export function createControl(model: tf.LayersModel, history: TrainingHistory): TrainingControl & { readonly stopReason: string | null } {
  let reason: string | null = null;
  return {
    model,
    history,
    stop(why = 'stopped by a callback') {
      if (reason === null) reason = why;
    },
    get stopRequested() {
      return reason !== null;
    },
    get stopReason() {
      return reason;
    },
  };
}

/** Applies a hook's return value to the control. */
export function applyCallbackResult(result: CallbackResult, control: TrainingControl): void {
  if (result !== undefined && result !== null && result.stop === true) control.stop(result.reason);
}
