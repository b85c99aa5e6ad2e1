/**
 * `fit`: the trainer's own loop (no `model.fit`): seeded batches → ELBO with replayable noise →
 * gradients → non-finite guard → clipping → optimizer, with metrics, validation, callbacks,
 * progress, history, atomic checkpoints, exact resumption and graceful interruption.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, FormatError } from '../../src/errors.js';
import { NonFiniteTrainingError } from './non-finite-training.js';
import { NoiseSource } from '../../src/random/noise-source.js';
import { applyCallbackResult, createControl, type CallbackResult } from './callbacks.js';
import { SHUFFLE_FORK } from './batches.js';
import type { TrainerCheckpoint } from './checkpoint-format.js';
import { DatasetBatchSource, TensorBatchSource, requireTensorData, type Batch, type BatchSource, type TensorData } from './data-source.js';
import { accumulatedTrainingStep } from './accumulate.js';
import { learningRateOf, scaledLearningRate, setLearningRateOf } from './lr-scaling.js';
import { evaluateMetrics } from './evaluate.js';
import {
  accumulateStep,
  emptyHistory,
  epochMeans,
  newEpochAccumulator,
  recordStep,
  type EpochAccumulator,
  type EpochRecord,
  type TrainingHistory,
} from './history.js';
import { resolveFitOptions, DEFAULT_SEED, type FitOptions, type ResolvedFitOptions } from './options.js';
import { createProgress } from './progress.js';
import { captureTensors, restoreTensors } from './state.js';
import { runFingerprint, requireSameFingerprint } from './fingerprint.js';
import { improvedBest, writeBestCheckpoint, type BestSoFar } from './best-checkpoint.js';
import { evaluateObjective, resolveObjective, type ElboInput } from './objective.js';
import { trainingStep, trainableVariables } from './step.js';
import { optimizerInUse, type OptimizerInUse } from './optimizer-in-use.js';
import { likelihoodVariables } from '../likelihoods/likelihood.js';
import { seedInitialWeights } from '../../layers/seed-weights.js';

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

async function readResumeCheckpoint(resolved: ResolvedFitOptions): Promise<TrainerCheckpoint | null> {
  if (resolved.resumeDir === undefined || resolved.checkpointStore === undefined) return null;
  const checkpoint = await resolved.checkpointStore.read(resolved.resumeDir);
  if (checkpoint === null) {
    if (resolved.resumeRequired)
      throw new FormatError(`fit: resumeFrom '${resolved.resumeDir}' holds no checkpoint (store: ${resolved.checkpointStore.kind}).`);
    return null;
  }
  if (resolved.seed !== undefined && resolved.seed !== checkpoint.seed) {
    throw new InvalidArgumentError(
      'fit',
      'seed',
      resolved.seed,
      `the checkpoint's seed ${JSON.stringify(checkpoint.seed)} (or no seed) when resuming`,
    );
  }
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
  const inUse = await optimizerInUse(options.optimizer, resolved.multiTensorAdam);
  try {
    return await train(model, data, options, resolved, inUse);
  } finally {
    await inUse.handBack();
  }
}

/** `fit` after option checks; `inUse.optimizer` steps, `options.optimizer` keeps the learning rate. */
async function train(
  model: tf.LayersModel,
  data: FitData,
  options: FitOptions<ElboInput>,
  resolved: ResolvedFitOptions,
  inUse: OptimizerInUse,
): Promise<TrainingHistory> {
  if (data instanceof tf.data.Dataset) requireDatasetSize(options.datasetSize);
  else requireTensorData('fit', 'data', data);
  if (options.validationData !== undefined) requireTensorData('fit', 'validationData', options.validationData);
  const objective = resolveObjective(model, options.elbo);
  const optimizer = options.optimizer;
  if (resolved.checkpointDir !== undefined) await probeOptimizerState(optimizer);

  // Variables the likelihood owns (a learned noise scale) train and checkpoint with the model's.
  const likelihoodVars = likelihoodVariables(objective.elbo.settings.likelihood);
  const checkpoint = await readResumeCheckpoint(resolved);
  const seed = checkpoint?.seed ?? resolved.seed ?? DEFAULT_SEED;
  if (checkpoint === null && resolved.initialWeights === 'seeded') seedInitialWeights(model, seed);
  const noise = new NoiseSource(seed);
  const source = batchSource(data, options, resolved, noise.fork(SHUFFLE_FORK));
  const fingerprint = runFingerprint(model, objective.elbo, optimizer, {
    seed,
    batchSize: data instanceof tf.data.Dataset ? null : resolved.batchSize,
    datasetSize: source.datasetSize,
    numBatches: source.numBatches,
    shuffle: resolved.shuffle,
    dropRemainder: resolved.dropRemainder,
    clipGlobalNorm: resolved.clipGlobalNorm,
    clipValue: resolved.clipValue,
  });
  if (checkpoint !== null && resolved.resumeDir !== undefined) {
    if (!resolved.forceResume) requireSameFingerprint(checkpoint.fingerprint, fingerprint, resolved.resumeDir);
    await restoreTensors(checkpoint, model, inUse.optimizer, resolved.resumeDir, likelihoodVars);
  }
  let best: BestSoFar = checkpoint?.best ?? {
    monitor: resolved.checkpointMonitor,
    mode: resolved.checkpointMode,
    value: null,
    epoch: null,
  };
  const validation =
    options.validationData === undefined ? null : new TensorBatchSource(options.validationData, resolved.evalBatchSize, false, null);
  const state: RunState =
    checkpoint === null
      ? { epoch: 0, batchIndex: 0, step: 0, consecutiveNonFinite: 0, accumulator: null, history: emptyHistory() }
      : {
          epoch: checkpoint.epoch,
          batchIndex: checkpoint.batchIndex,
          step: checkpoint.step,
          consecutiveNonFinite: checkpoint.consecutiveNonFinite,
          accumulator: checkpoint.accumulator,
          history: checkpoint.history,
        };
  state.history.stopReason = 'completed';
  const history = state.history;
  const control = createControl(model, history);
  const progress = createProgress(resolved.progress, resolved.progressStream, resolved.epochs);
  const variables = [...trainableVariables(model), ...likelihoodVars];
  const lrScaling = resolved.lrScaling;
  const baseLearningRate = lrScaling === undefined ? Number.NaN : learningRateOf(optimizer);
  let lastCheckpointStep = checkpoint === null ? -1 : state.step;

  const call = async (hook: (callbacks: (typeof resolved.callbacks)[number]) => CallbackResult | Promise<CallbackResult> | undefined) => {
    for (const callbacks of resolved.callbacks) applyCallbackResult(await hook(callbacks), control);
  };
  const currentCheckpoint = async (): Promise<TrainerCheckpoint> => ({
    seed,
    epoch: state.epoch,
    batchIndex: state.batchIndex,
    step: state.step,
    consecutiveNonFinite: state.consecutiveNonFinite,
    history,
    accumulator: state.accumulator,
    ...(await captureTensors(model, inUse.optimizer, likelihoodVars)),
    fingerprint,
    best,
  });
  const saveCheckpoint = async () => {
    if (
      resolved.checkpointDir === undefined ||
      resolved.checkpointStore === undefined ||
      resolved.checkpointKeep === 'best' ||
      lastCheckpointStep === state.step
    )
      return;
    await resolved.checkpointStore.write(resolved.checkpointDir, await currentCheckpoint());
    lastCheckpointStep = state.step;
  };
  const saveIfBest = async (record: EpochRecord) => {
    if (resolved.checkpointDir === undefined || resolved.checkpointStore === undefined || resolved.checkpointKeep === 'last') return;
    const improved = improvedBest(best, record.logs, record.epoch);
    if (improved === null) return;
    best = improved;
    await writeBestCheckpoint(resolved.checkpointStore, resolved.checkpointDir, await currentCheckpoint());
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
    progress.epochBegin(
      epoch,
      Math.ceil(source.numBatches / resolved.accumulateSteps),
      Math.floor(state.batchIndex / resolved.accumulateSteps),
    );
    const pending: Batch[] = [];
    for await (const batch of source.epochBatches(epoch, state.batchIndex)) {
      // With accumulateSteps K, an update takes K micro-batches (fewer at the end of an epoch).
      pending.push(batch);
      if (pending.length < resolved.accumulateSteps && state.batchIndex + pending.length < source.numBatches) continue;
      const K = resolved.accumulateSteps;
      const position = {
        epoch,
        step: state.step,
        batchIndex: Math.floor(state.batchIndex / K),
        numBatches: Math.ceil(source.numBatches / K),
        datasetSize: source.datasetSize,
      };
      if (lrScaling !== undefined)
        setLearningRateOf(
          optimizer,
          scaledLearningRate(
            lrScaling,
            baseLearningRate,
            (data instanceof tf.data.Dataset ? pending[0].x.shape[0] : resolved.batchSize) * K,
            epoch + position.batchIndex / position.numBatches,
          ),
        );
      let outcome;
      try {
        if (resolved.inspect !== undefined && state.step % resolved.inspect.every === 0) {
          resolved.inspect.recorder.observe(model, pending[0], objective.elbo, position, noise);
        }
        inUse.syncLearningRate();
        outcome =
          K === 1
            ? trainingStep(objective, inUse.optimizer, variables, pending[0], position, noise, resolved)
            : accumulatedTrainingStep(objective, inUse.optimizer, variables, pending, position, noise, resolved);
      } finally {
        tf.dispose(pending.flatMap((b) => [b.x, b.y]));
      }
      state.step += 1;
      state.batchIndex += pending.length;
      pending.length = 0;
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
          history.stopReason = 'nonFinite';
          throw new NonFiniteTrainingError(
            `fit: ${state.consecutiveNonFinite} steps in a row (up to step ${outcome.skipped.step}, epoch ${epoch}) had a non-finite loss or gradient ` +
              `(last: ${outcome.skipped.reason}); check the data for NaN/Inf, lower the learning rate, or set clipGlobalNorm. The error's history holds the steps so far.`,
            history,
          );
        }
      }
      if (resolved.checkpointEvery !== 'epoch' && state.step % resolved.checkpointEvery === 0 && state.batchIndex < source.numBatches)
        await saveCheckpoint();
      if (interrupted()) break;
    }
    // A dataset that ended before its declared batch count leaves micro-batches no update took.
    tf.dispose(pending.flatMap((b) => [b.x, b.y]));
    if (state.batchIndex < source.numBatches && interrupted()) break;

    const logs: Record<string, number> = epochMeans(accumulator);
    if (Object.keys(resolved.metrics).length > 0 && resolved.trainMetrics) {
      Object.assign(
        logs,
        await evaluateMetrics(model, source, resolved.metrics, resolved.metricsMode, noise, { step: epoch }, resolved.evalBatchSize),
      );
    }
    if (validation !== null) {
      const validationNoise = noise.fork(VALIDATION_FORK);
      const values = await evaluateObjective(objective, validation, { epoch, step: state.step }, validationNoise, resolved.evalBatchSize);
      for (const [key, value] of Object.entries(values)) logs[`val_${key}`] = value;
      const metrics = await evaluateMetrics(
        model,
        validation,
        resolved.metrics,
        resolved.metricsMode,
        validationNoise,
        { step: epoch },
        resolved.evalBatchSize,
      );
      for (const [key, value] of Object.entries(metrics)) logs[`val_${key}`] = value;
    }
    const record: EpochRecord = {
      epoch,
      firstStep: accumulator.firstStep,
      stepsApplied: accumulator.stepsApplied,
      stepsSkipped: accumulator.stepsSkipped,
      logs,
    };
    history.epochs.push(record);
    state.epoch += 1;
    state.batchIndex = 0;
    state.accumulator = null;
    progress.epochEnd(record);
    await call((c) => c.onEpochEnd?.(record, control));
    await saveIfBest(record);
    if (resolved.checkpointEvery === 'epoch') await saveCheckpoint();
  }

  if (resolved.signal?.aborted === true) history.stopReason = 'aborted';
  else if (control.stopRequested) history.stopReason = 'callback';
  await saveCheckpoint();
  progress.end(
    history.stopReason === 'completed'
      ? `training completed after ${state.step} steps`
      : `training stopped (${control.stopReason ?? 'aborted'}) at step ${state.step}, epoch ${state.epoch}`,
  );
  for (const callbacks of resolved.callbacks) await callbacks.onTrainEnd?.(history, control);
  // The optimizer is the caller's: hand it back with the rate it came with.
  if (lrScaling !== undefined) setLearningRateOf(optimizer, baseLearningRate);
  return history;
}

function requireDatasetSize(datasetSize: unknown): void {
  if (typeof datasetSize !== 'number' || !Number.isInteger(datasetSize) || datasetSize < 1) {
    throw new InvalidArgumentError(
      'fit',
      'datasetSize',
      datasetSize,
      'an integer ≥ 1 (the number of training examples) for a tf.data.Dataset input',
    );
  }
}

/** Fails early when checkpointing is asked of an optimizer that cannot save its state (e.g. Adamax). */
async function probeOptimizerState(optimizer: tf.Optimizer): Promise<void> {
  let weights;
  try {
    weights = await optimizer.getWeights();
  } catch (error) {
    throw new InvalidArgumentError(
      'fit',
      'optimizer',
      optimizer.getClassName(),
      `an optimizer whose state can be checkpointed (getWeights() failed: ${(error as Error).message})`,
    );
  }
  if (weights.length > 0 && weights[0].name === 'iter') weights[0].tensor.dispose();
}
