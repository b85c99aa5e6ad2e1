/**
 * `fit`: the trainer's own loop (no `model.fit`), in four phases read top to bottom:
 * `prepareRun` (options, resume) → `trainEpoch` (batches → `trainingStep`: ELBO with replayable
 * noise → gradients → non-finite guard → clipping → optimizer) → `endEpoch` (metrics, validation,
 * callbacks, checkpoints) → `finishRun` (stop reason, final checkpoint, `onTrainEnd`).
 */
import type * as tf from '@tensorflow/tfjs';
import { endEpoch } from './epoch-end.js';
import { trainEpoch } from './epoch.js';
import type { TrainingHistory } from './history.js';
import { setLearningRateOf } from './lr-scaling.js';
import type { ElboInput } from './objective.js';
import type { FitOptions } from './options.js';
import { callHooks, interrupted, prepareRun, type FitData, type Run } from './run.js';
import { saveCheckpoint } from './run-checkpoint.js';

export { type FitData } from './run.js';
export { VALIDATION_FORK } from './epoch-end.js';

/**
 * Trains `model` by minimising the ELBO (Bayes by Backprop, Blundell et al. 2015) with its own loop.
 *
 * Each step t draws the batch of the seeded order, evaluates the ELBO at noise position
 * `{step: t, particle: p}` of `new NoiseSource(seed)`, so every step has fresh noise that a resumed
 * or repeated run replays exactly. A step whose loss or any gradient is NaN/±Inf is skipped (not
 * applied) and reported; after `maxConsecutiveNonFinite` in a row `fit` throws `NonFiniteError`.
 *
 * @param model a tf.LayersModel (usually with variational layers); its weights are trained in place.
 * @param data `{x, y}` tensors (not disposed) or a `tf.data.Dataset` of `{xs, ys}` batches (give `datasetSize`).
 * @returns the history (plain numbers): every applied step, every epoch's logs, every skipped step, and why it stopped.
 * @example
 * const history = await fit(model, {x, y}, {
 *   elbo: {likelihood: gaussian({scale: 0.1}), klWeighting: klWeighting.perExample()},
 *   optimizer: tf.train.adam(1e-2), epochs: 50, batchSize: 32, seed: 1,
 *   clip: {globalNorm: 5}, progress: 'lines', checkpoint: {dir: 'runs/a', resume: true},
 * });
 */
export async function fit(model: tf.LayersModel, data: FitData, options: FitOptions<ElboInput>): Promise<TrainingHistory> {
  const run = await prepareRun(model, data, options);
  try {
    await callHooks(run, (c) => c.onTrainBegin?.(run.control));
    while (run.position.epoch < run.options.epochs && !interrupted(run)) {
      if (run.position.batchIndex === 0) {
        await callHooks(run, (c) => c.onEpochBegin?.(run.position.epoch, run.control));
        if (interrupted(run)) break;
      }
      const completed = await trainEpoch(run);
      if (!completed) break;
      await endEpoch(run);
    }
    return await finishRun(run);
  } finally {
    // The optimizer is the caller's: it gets back the rate it came with (lrScaling changes it per
    // step) and, for a `tf.train.adam` run as MultiTensorAdam, its state — also when training throws.
    run.compiled?.dispose();
    if (run.options.lrScaling !== undefined) setLearningRateOf(run.options.optimizer, run.baseLearningRate);
    await run.optimizer.handBack();
  }
}

/** Settles why training stopped, writes the final checkpoint, and calls `onTrainEnd`. */
async function finishRun(run: Run): Promise<TrainingHistory> {
  const { position, control, options } = run;
  const history = position.history;
  if (options.signal?.aborted === true) history.stopReason = 'aborted';
  else if (control.stopRequested) history.stopReason = 'callback';
  await saveCheckpoint(run);
  run.progress.end(
    history.stopReason === 'completed'
      ? `training completed after ${position.step} steps`
      : `training stopped (${control.stopReason ?? 'aborted'}) at step ${position.step}, epoch ${position.epoch}`,
  );
  for (const callbacks of options.callbacks) await callbacks.onTrainEnd?.(history, control);
  return history;
}
