/**
 * `fit`: the trainer's own loop (no `model.fit`): seeded batches → ELBO with replayable noise →
 * gradients → non-finite guard → clipping → optimizer, with metrics, validation, callbacks,
 * progress, history, atomic checkpoints, exact resumption and graceful interruption.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError, FormatError } from '../../src/errors.js';
import { NoiseSource } from '../../src/random/noise-source.js';
import { applyCallbackResult, createControl, type CallbackResult } from './callbacks.js';
import { SHUFFLE_FORK } from './batches.js';
import type { TrainerCheckpoint } from './checkpoint-format.js';
import { DatasetBatchSource, TensorBatchSource, requireTensorData, type BatchSource, type TensorData } from './data-source.js';
import { evaluateMetrics } from './evaluate.js';
import { accumulateStep, emptyHistory, epochMeans, newEpochAccumulator, recordStep, type EpochAccumulator, type EpochRecord, type TrainingHistory } from './history.js';
import { resolveFitOptions, DEFAULT_SEED, type FitOptions, type ResolvedFitOptions } from './options.js';
import { createProgress } from './progress.js';
import { captureTensors, restoreTensors } from './state.js';
import { evaluateObjective, resolveObjective, type ElboInput } from './objective.js';
import { trainingStep, trainableVariables } from './step.js';

/** Training data: in-memory tensors `{x, y}` (examples along axis 0) or a dataset of `{xs, ys}` batches. */
export type FitData = TensorData | tf.data.Dataset<tf.TensorContainer>;

/** Name of the noise fork of validation passes: `noise.fork(VALIDATION_FORK)`, position `{step: epoch}`. */
export const VALIDATION_FORK = 'validation';

interface RunState {
  epoch: number;
  batchIndex: number;
  step: number;
  consecutiveNonFinite: number;
  accumulator: EpochAccumulator | null;
  history: TrainingHistory;
}

function batchSource(data: FitData, options: FitOptions<unknown>, resolved: ResolvedFitOptions, shuffleSource: NoiseSource): BatchSource {
  if (data instanceof tf.data.Dataset) return new DatasetBatchSource(data, options.datasetSize as number, options.batchesPerEpoch);
  const tensors = requireTensorData('fit', 'data', data);
  return new TensorBatchSource(tensors, resolved.batchSize, resolved.dropRemainder, resolved.shuffle ? shuffleSource : null);
}

async function loadResumeState(resolved: ResolvedFitOptions, model: tf.LayersModel, optimizer: tf.Optimizer): Promise<TrainerCheckpoint | null> {
  if (resolved.resumeDir === undefined || resolved.checkpointStore === undefined) return null;
  const checkpoint = await resolved.checkpointStore.read(resolved.resumeDir);
  if (checkpoint === null) {
    if (resolved.resumeRequired) throw new FormatError(`fit: resumeFrom '${resolved.resumeDir}' holds no checkpoint (store: ${resolved.checkpointStore.kind}).`);
    return null;
  }
  if (resolved.seed !== undefined && resolved.seed !== checkpoint.seed) {
    throw new InvalidArgumentError('fit', 'seed', resolved.seed, `the checkpoint's seed ${JSON.stringify(checkpoint.seed)} (or no seed) when resuming`);
  }
  await restoreTensors(checkpoint, model, optimizer, resolved.resumeDir);
  return checkpoint;
}

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
 * const history = await fit(model, {x, y}, {elbo: {likelihood: ...}, optimizer: tf.train.adam(1e-2), epochs: 50, batchSize: 32, seed: 1});
 */
export async function fit(model: tf.LayersModel, data: FitData, options: FitOptions<ElboInput>): Promise<TrainingHistory> {
  if (!(model instanceof tf.LayersModel)) throw new InvalidArgumentError('fit', 'model', model, 'a tf.LayersModel (e.g. tf.sequential)');
  const resolved = resolveFitOptions(options);
  if (data instanceof tf.data.Dataset) requireDatasetSize(options.datasetSize);
  else requireTensorData('fit', 'data', data);
  if (options.validationData !== undefined) requireTensorData('fit', 'validationData', options.validationData);
  const objective = resolveObjective(model, options.elbo);
  const optimizer = options.optimizer;
  if (resolved.checkpointDir !== undefined) await probeOptimizerState(optimizer);

  const checkpoint = await loadResumeState(resolved, model, optimizer);
  const seed = checkpoint?.seed ?? resolved.seed ?? DEFAULT_SEED;
  const noise = new NoiseSource(seed);
  const source = batchSource(data, options, resolved, noise.fork(SHUFFLE_FORK));
  const validation = options.validationData === undefined ? null : new TensorBatchSource(options.validationData, resolved.evalBatchSize, false, null);
  const state: RunState = checkpoint === null
    ? { epoch: 0, batchIndex: 0, step: 0, consecutiveNonFinite: 0, accumulator: null, history: emptyHistory() }
    : { epoch: checkpoint.epoch, batchIndex: checkpoint.batchIndex, step: checkpoint.step, consecutiveNonFinite: checkpoint.consecutiveNonFinite, accumulator: checkpoint.accumulator, history: checkpoint.history };
  state.history.stopReason = 'completed';
  const history = state.history;
  const control = createControl(model, history);
  const progress = createProgress(resolved.progress, resolved.progressStream, resolved.epochs);
  const variables = trainableVariables(model);
  let lastCheckpointStep = checkpoint === null ? -1 : state.step;

  const call = async (hook: (callbacks: (typeof resolved.callbacks)[number]) => CallbackResult | Promise<CallbackResult> | undefined) => {
    for (const callbacks of resolved.callbacks) applyCallbackResult(await hook(callbacks), control);
  };
  const saveCheckpoint = async () => {
    if (resolved.checkpointDir === undefined || resolved.checkpointStore === undefined || lastCheckpointStep === state.step) return;
    const tensors = await captureTensors(model, optimizer);
    await resolved.checkpointStore.write(resolved.checkpointDir, { seed, epoch: state.epoch, batchIndex: state.batchIndex, step: state.step, consecutiveNonFinite: state.consecutiveNonFinite, history, accumulator: state.accumulator, ...tensors });
    lastCheckpointStep = state.step;
  };
  const interrupted = () => control.stopRequested || resolved.signal?.aborted === true;

  await call((c) => c.onTrainBegin?.(control));
  while (state.epoch < resolved.epochs && !interrupted()) {
    const epoch = state.epoch;
    if (state.batchIndex === 0) {
      await call((c) => c.onEpochBegin?.(epoch, control));
      if (interrupted()) break;
    }
    state.accumulator ??= newEpochAccumulator(epoch, state.step);
    const accumulator = state.accumulator;
    progress.epochBegin(epoch, source.numBatches, state.batchIndex);
    for await (const batch of source.epochBatches(epoch, state.batchIndex)) {
      const position = { epoch, step: state.step, batchIndex: state.batchIndex, numBatches: source.numBatches, datasetSize: source.datasetSize };
      let outcome;
      try {
        if (resolved.inspect !== undefined && state.step % resolved.inspect.every === 0) {
          resolved.inspect.recorder.observe(model, batch, objective.elbo, position, noise);
        }
        outcome = trainingStep(objective, optimizer, variables, batch, position, noise, resolved);
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
      state.step += 1;
      state.batchIndex += 1;
      if (outcome.kind === 'applied') {
        state.consecutiveNonFinite = 0;
        recordStep(history, outcome.record, resolved.maxStepRecords);
        accumulateStep(accumulator, outcome.record);
        progress.stepEnd(outcome.record);
        await call((c) => c.onBatchEnd?.(outcome.record, control));
      } else {
        state.consecutiveNonFinite += 1;
        accumulator.stepsSkipped += 1;
        history.skippedSteps.push(outcome.skipped);
        progress.stepSkipped(outcome.skipped);
        await call((c) => c.onStepSkipped?.(outcome.skipped, control));
        if (state.consecutiveNonFinite >= resolved.maxConsecutiveNonFinite) {
          throw new NonFiniteError(
            `fit: ${state.consecutiveNonFinite} steps in a row (up to step ${outcome.skipped.step}, epoch ${epoch}) had a non-finite loss or gradient ` +
              `(last: ${outcome.skipped.reason}); check the data for NaN/Inf, lower the learning rate, or set clipGlobalNorm.`,
          );
        }
      }
      if (resolved.checkpointEvery !== 'epoch' && state.step % resolved.checkpointEvery === 0 && state.batchIndex < source.numBatches) await saveCheckpoint();
      if (interrupted()) break;
    }
    if (state.batchIndex < source.numBatches && interrupted()) break;

    const logs: Record<string, number> = epochMeans(accumulator);
    if (Object.keys(resolved.metrics).length > 0 && resolved.trainMetrics) {
      Object.assign(logs, await evaluateMetrics(model, source, resolved.metrics, resolved.metricsMode, noise, { step: epoch }, resolved.evalBatchSize));
    }
    if (validation !== null) {
      const validationNoise = noise.fork(VALIDATION_FORK);
      const values = await evaluateObjective(objective, validation, { epoch, step: state.step }, validationNoise, resolved.evalBatchSize);
      for (const [key, value] of Object.entries(values)) logs[`val_${key}`] = value;
      const metrics = await evaluateMetrics(model, validation, resolved.metrics, resolved.metricsMode, validationNoise, { step: epoch }, resolved.evalBatchSize);
      for (const [key, value] of Object.entries(metrics)) logs[`val_${key}`] = value;
    }
    const record: EpochRecord = { epoch, firstStep: accumulator.firstStep, stepsApplied: accumulator.stepsApplied, stepsSkipped: accumulator.stepsSkipped, logs };
    history.epochs.push(record);
    state.epoch += 1;
    state.batchIndex = 0;
    state.accumulator = null;
    progress.epochEnd(record);
    await call((c) => c.onEpochEnd?.(record, control));
    if (resolved.checkpointEvery === 'epoch') await saveCheckpoint();
  }

  if (resolved.signal?.aborted === true) history.stopReason = 'aborted';
  else if (control.stopRequested) history.stopReason = 'callback';
  await saveCheckpoint();
  progress.end(history.stopReason === 'completed' ? `training completed after ${state.step} steps` : `training stopped (${control.stopReason ?? 'aborted'}) at step ${state.step}, epoch ${state.epoch}`);
  for (const callbacks of resolved.callbacks) await callbacks.onTrainEnd?.(history, control);
  return history;
}

function requireDatasetSize(datasetSize: unknown): void {
  if (typeof datasetSize !== 'number' || !Number.isInteger(datasetSize) || datasetSize < 1) {
    throw new InvalidArgumentError('fit', 'datasetSize', datasetSize, 'an integer ≥ 1 (the number of training examples) for a tf.data.Dataset input');
  }
}

/** Fails early when checkpointing is asked of an optimizer that cannot save its state (e.g. Adamax). */
async function probeOptimizerState(optimizer: tf.Optimizer): Promise<void> {
  let weights;
  try {
    weights = await optimizer.getWeights();
  } catch (error) {
    throw new InvalidArgumentError('fit', 'optimizer', optimizer.getClassName(), `an optimizer whose state can be checkpointed (getWeights() failed: ${(error as Error).message})`);
  }
  if (weights.length > 0 && weights[0].name === 'iter') weights[0].tensor.dispose();
}
