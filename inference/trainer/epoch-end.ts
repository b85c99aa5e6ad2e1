/**
 * The end of an epoch: its logs (step means, training metrics, validation), its record in the
 * history, the `onEpochEnd` hooks, and the epoch's checkpoints.
 */
import { evaluateMetrics } from './evaluate.js';
import { epochMeans, type EpochAccumulator, type EpochRecord } from './history.js';
import { evaluateObjective } from './objective.js';
import { callHooks, type Run } from './run.js';
import { saveCheckpoint, saveIfBest } from './run-checkpoint.js';

/** Name of the noise fork of validation passes: `noise.fork(VALIDATION_FORK)`, position `{step: epoch}`. */
export const VALIDATION_FORK = 'validation';

/** Closes the epoch just trained: logs, record, hooks, checkpoints; the position moves to the next epoch's start. */
export async function endEpoch(run: Run): Promise<void> {
  const { position } = run;
  const accumulator = position.accumulator;
  if (accumulator === null) throw new TypeError('fit: an epoch ended that never began.');
  const record: EpochRecord = {
    epoch: position.epoch,
    firstStep: accumulator.firstStep,
    stepsApplied: accumulator.stepsApplied,
    stepsSkipped: accumulator.stepsSkipped,
    logs: await epochLogs(run, accumulator),
  };
  position.history.epochs.push(record);
  position.epoch += 1;
  position.batchIndex = 0;
  position.accumulator = null;
  run.progress.epochEnd(record);
  await callHooks(run, (c) => c.onEpochEnd?.(record, run.control));
  await saveIfBest(run, record);
  if (run.options.checkpoint.every === 'epoch') await saveCheckpoint(run);
}

/**
 * The epoch's logs: the means of its steps (`loss`, `nll`, `kl`, `klWeight`, `gradNorm`), the
 * metrics on the training data (with `evaluation.trainMetrics`), and `val_*` of the objective and
 * the metrics on the validation data.
 */
async function epochLogs(run: Run, accumulator: EpochAccumulator): Promise<Record<string, number>> {
  const { model, noise, options } = run;
  const { metrics, metricsMode, trainMetrics, batchSize } = options.evaluation;
  const epoch = run.position.epoch;
  const logs: Record<string, number> = epochMeans(accumulator);
  if (Object.keys(metrics).length > 0 && trainMetrics) {
    Object.assign(logs, await evaluateMetrics(model, run.source, metrics, metricsMode, noise, { step: epoch }, batchSize));
  }
  if (run.validation !== null) {
    const validationNoise = noise.fork(VALIDATION_FORK);
    const values = await evaluateObjective(run.objective, run.validation, { epoch, step: run.position.step }, validationNoise, batchSize);
    for (const [key, value] of Object.entries(values)) logs[`val_${key}`] = value;
    const validationMetrics = await evaluateMetrics(
      model,
      run.validation,
      metrics,
      metricsMode,
      validationNoise,
      { step: epoch },
      batchSize,
    );
    for (const [key, value] of Object.entries(validationMetrics)) logs[`val_${key}`] = value;
  }
  return logs;
}
