/**
 * One epoch of a run: its batches grouped into updates (K micro-batches with `accumulateSteps` K),
 * each update taken by `trainingStep` (or `accumulatedTrainingStep`) and recorded.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingPosition } from '../position.js';
import { accumulatedTrainingStep } from './accumulate.js';
import type { Batch } from './data-source.js';
import { accumulateStep, newEpochAccumulator, recordStep, type EpochAccumulator } from './history.js';
import { scaledLearningRate, setLearningRateOf } from './lr-scaling.js';
import { NonFiniteTrainingError } from './non-finite-training.js';
import { callHooks, interrupted, type Run } from './run.js';
import { saveCheckpoint } from './run-checkpoint.js';
import { trainingStep, type StepOutcome } from './step.js';

/**
 * Trains the current epoch from `position.batchIndex` on (a resumed run starts mid-epoch) and
 * writes the every-n-steps checkpoints. Returns false when the run was interrupted before the
 * epoch's last batch (the epoch then has no end-of-epoch record yet).
 */
export async function trainEpoch(run: Run): Promise<boolean> {
  const { position, source, options } = run;
  const K = options.accumulateSteps;
  const accumulator = (position.accumulator ??= newEpochAccumulator(position.epoch, position.step));
  run.progress.epochBegin(position.epoch, Math.ceil(source.numBatches / K), Math.floor(position.batchIndex / K));
  const pending: Batch[] = [];
  try {
    for await (const batch of source.epochBatches(position.epoch, position.batchIndex)) {
      // An update takes K micro-batches (fewer at the end of an epoch).
      pending.push(batch);
      if (pending.length < K && position.batchIndex + pending.length < source.numBatches) continue;
      const batches = pending.splice(0);
      const outcome = takeUpdate(run, batches);
      position.step += 1;
      position.batchIndex += batches.length;
      await recordOutcome(run, outcome, accumulator);
      const every = options.checkpoint.every;
      if (every !== 'epoch' && position.step % every === 0 && position.batchIndex < source.numBatches) await saveCheckpoint(run);
      if (interrupted(run)) break;
    }
  } finally {
    // A dataset that ended before its declared batch count leaves micro-batches no update took.
    tf.dispose(pending.flatMap((b) => [b.x, b.y]));
  }
  return !(position.batchIndex < source.numBatches && interrupted(run));
}

/**
 * One update from `batches` (disposed here) at the run's position: the learning rate of
 * `lrScaling`, the gradient inspection when due, then the guarded step of `step.ts`.
 */
function takeUpdate(run: Run, batches: readonly Batch[]): StepOutcome {
  const { position, source, options } = run;
  const K = options.accumulateSteps;
  const at: TrainingPosition = {
    epoch: position.epoch,
    step: position.step,
    batchIndex: Math.floor(position.batchIndex / K),
    numBatches: Math.ceil(source.numBatches / K),
    datasetSize: source.datasetSize,
  };
  try {
    if (options.lrScaling !== undefined) {
      const batchSize = run.inMemory ? options.batchSize : batches[0].x.shape[0];
      const epochs = at.epoch + at.batchIndex / at.numBatches;
      setLearningRateOf(options.optimizer, scaledLearningRate(options.lrScaling, run.baseLearningRate, batchSize * K, epochs));
    }
    if (options.inspect !== undefined && at.step % options.inspect.every === 0) {
      options.inspect.recorder.observe(run.model, batches[0], run.objective.elbo, at, run.noise);
    }
    // The caller's learning rate (callbacks, lrScaling) reaches the optimizer that steps.
    run.optimizer.syncLearningRate();
    const optimizer = run.optimizer.optimizer;
    const compiled = K === 1 && run.compiled !== null ? run.compiled.step(batches[0], at) : null;
    if (compiled !== null) return compiled;
    return K === 1
      ? trainingStep(run.objective, optimizer, run.variables, batches[0], at, run.noise, options.clip)
      : accumulatedTrainingStep(run.objective, optimizer, run.variables, batches, at, run.noise, options.clip);
  } finally {
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
  }
}

/**
 * Records an update in the history, the epoch's sums, the progress display and the hooks. A skipped
 * update that makes `maxConsecutiveNonFinite` in a row ends training with `NonFiniteTrainingError`.
 */
async function recordOutcome(run: Run, outcome: StepOutcome, accumulator: EpochAccumulator): Promise<void> {
  const { position, options, control } = run;
  const history = position.history;
  if (outcome.kind === 'applied') {
    position.consecutiveNonFinite = 0;
    recordStep(history, outcome.record, options.progress.maxStepRecords);
    accumulateStep(accumulator, outcome.record);
    run.progress.stepEnd(outcome.record);
    await callHooks(run, (c) => c.onBatchEnd?.(outcome.record, control));
    return;
  }
  position.consecutiveNonFinite += 1;
  accumulator.stepsSkipped += 1;
  history.skippedSteps.push(outcome.skipped);
  run.progress.stepSkipped(outcome.skipped);
  await callHooks(run, (c) => c.onStepSkipped?.(outcome.skipped, control));
  if (position.consecutiveNonFinite >= options.maxConsecutiveNonFinite) {
    history.stopReason = 'nonFinite';
    throw new NonFiniteTrainingError(
      `fit: ${position.consecutiveNonFinite} steps in a row (up to step ${outcome.skipped.step}, epoch ${position.epoch}) had a non-finite loss or gradient ` +
        `(last: ${outcome.skipped.reason}); check the data for NaN/Inf, lower the learning rate, or set clip.globalNorm. The error's history holds the steps so far.`,
      history,
    );
  }
}
