/**
 * A training run's state and its preparation: options resolved, the resume checkpoint read and
 * restored, the batch sources, noise and progress display built. `fit` prepares a `Run` once and
 * hands it to the epoch loop.
 */
import * as tf from '@tensorflow/tfjs';
import { FormatError, InvalidArgumentError } from '../../src/errors.js';
import { NoiseSource } from '../../src/random/noise-source.js';
import { seedInitialWeights } from '../../layers/seed-weights.js';
import { optimizerInUse, type OptimizerInUse } from './optimizer-in-use.js';
import { likelihoodVariables } from '../likelihoods/likelihood.js';
import { SHUFFLE_FORK } from './batches.js';
import type { BestSoFar } from './best-checkpoint.js';
import { applyCallbackResult, createControl, type CallbackResult, type TrainerCallbacks, type TrainingControl } from './callbacks.js';
import type { TrainerCheckpoint } from './checkpoint-format.js';
import { DatasetBatchSource, TensorBatchSource, requireTensorData, type BatchSource, type TensorData } from './data-source.js';
import { runFingerprint, requireSameFingerprint, type RunFingerprint } from './fingerprint.js';
import { emptyHistory, type CompilationRecord, type EpochAccumulator, type TrainingHistory } from './history.js';
import { learningRateOf } from './lr-scaling.js';
import { resolveObjective, type ElboInput, type TrainingObjective } from './objective.js';
import { DEFAULT_SEED, type FitOptions } from './options.js';
import { createProgress, type ProgressDisplay } from './progress.js';
import { resolveFitOptions, type ResolvedFitOptions } from './resolve-options.js';
import { restoreTensors } from './state.js';
import { trainableVariables } from './step.js';
import { CompiledSteps, compileRefusal } from './compiled-step.js';

/** Training data: in-memory tensors `{x, y}` (examples along axis 0) or a dataset of `{xs, ys}` batches. */
export type FitData = TensorData | tf.data.Dataset<tf.TensorContainer>;

/** Where a run is: what a checkpoint saves and a resume restores. */
interface RunPosition {
  epoch: number;
  /** Micro-batches of `epoch` done. */
  batchIndex: number;
  /** Updates done (the global step, also the noise step). */
  step: number;
  consecutiveNonFinite: number;
  /** Sums of the current epoch's steps; null between epochs. */
  accumulator: EpochAccumulator | null;
  readonly history: TrainingHistory;
  /** The best `checkpoint.monitor` value so far (for `keep: 'best'`). */
  best: BestSoFar;
  /** Step of the last checkpoint written or read (-1: none), so one step is never written twice. */
  lastCheckpointStep: number;
}

/** Everything one call of `fit` works with. */
export interface Run {
  readonly model: tf.LayersModel;
  readonly options: ResolvedFitOptions<ElboInput>;
  readonly objective: TrainingObjective;
  /** The model's trainable variables, then the likelihood's (a learned noise scale). */
  readonly variables: tf.Variable[];
  readonly likelihoodVariables: tf.Variable[];
  /** The run's root seed (the checkpoint's when resuming). */
  readonly seed: number | string;
  readonly noise: NoiseSource;
  readonly source: BatchSource;
  /** Whether the training data are in-memory tensors (a fixed `batchSize`) rather than a dataset. */
  readonly inMemory: boolean;
  readonly validation: TensorBatchSource | null;
  readonly fingerprint: RunFingerprint;
  readonly position: RunPosition;
  readonly control: TrainingControl & { readonly stopReason: string | null };
  readonly progress: ProgressDisplay;
  /** The optimizer's own learning rate (NaN without `lrScaling`), given back when `fit` returns. */
  readonly baseLearningRate: number;
  /**
   * The optimizer that steps: the caller's, or a `MultiTensorAdam` holding a `tf.train.adam`'s state
   * (`multiTensorAdam`), handed back by `fit` when it returns or throws.
   */
  readonly optimizer: OptimizerInUse;
  /** The compiled steps (`compile: true` where the run allows it), else null; freed when `fit` ends. */
  readonly compiled: CompiledSteps | null;
}

/**
 * Validates everything, reads the resume checkpoint (if any) and restores the model, optimizer and
 * position from it, or seeds the initial weights of a fresh run.
 */
export async function prepareRun(model: tf.LayersModel, data: FitData, rawOptions: FitOptions<ElboInput>): Promise<Run> {
  if (!(model instanceof tf.LayersModel)) throw new InvalidArgumentError('fit', 'model', model, 'a tf.LayersModel (e.g. tf.sequential)');
  const options = resolveFitOptions(rawOptions);
  const optimizer = await optimizerInUse(options.optimizer, options.multiTensorAdam);
  try {
    return await prepareWith(model, data, options, optimizer);
  } catch (error) {
    await optimizer.handBack();
    throw error;
  }
}

/** `prepareRun` once the options are resolved and the stepping optimizer is chosen. */
async function prepareWith(
  model: tf.LayersModel,
  data: FitData,
  options: ResolvedFitOptions<ElboInput>,
  optimizer: OptimizerInUse,
): Promise<Run> {
  const inMemory = !(data instanceof tf.data.Dataset);
  if (!inMemory) requireDatasetSize(options.datasetSize);
  else requireTensorData('fit', 'data', data);
  const objective = resolveObjective(model, options.elbo);
  if (options.checkpoint.dir !== undefined) await probeOptimizerState(options.optimizer);

  // Variables the likelihood owns (a learned noise scale) train and checkpoint with the model's.
  const likelihoodVars = likelihoodVariables(objective.elbo.settings.likelihood);
  const checkpoint = await readResumeCheckpoint(options);
  const seed = checkpoint?.seed ?? options.seed ?? DEFAULT_SEED;
  if (checkpoint === null && options.initialWeights === 'seeded') seedInitialWeights(model, seed);
  const noise = new NoiseSource(seed);
  const source = batchSource(data, options, noise.fork(SHUFFLE_FORK));
  const fingerprint = runFingerprint(model, objective.elbo, options.optimizer, {
    seed,
    batchSize: inMemory ? options.batchSize : null,
    datasetSize: source.datasetSize,
    numBatches: source.numBatches,
    shuffle: options.shuffle,
    dropRemainder: options.dropRemainder,
    clipGlobalNorm: options.clip.globalNorm,
    clipValue: options.clip.value,
  });
  const resumeFrom = options.checkpoint.resumeFrom;
  if (checkpoint !== null && resumeFrom !== undefined) {
    if (!options.checkpoint.force) requireSameFingerprint(checkpoint.fingerprint, fingerprint, resumeFrom);
    await restoreTensors(checkpoint, model, optimizer.optimizer, resumeFrom, likelihoodVars);
  }
  const position = checkpoint === null ? freshPosition(options) : resumedPosition(checkpoint, options);
  position.history.stopReason = 'completed';
  const variables = [...trainableVariables(model), ...likelihoodVars];
  const compiled = compiledSteps(model, objective, optimizer.optimizer, variables, noise, options);
  if (options.compile === true) position.history.compilation = compiled.record;
  else delete position.history.compilation;
  return {
    model,
    options,
    objective,
    variables,
    likelihoodVariables: likelihoodVars,
    seed,
    noise,
    source,
    inMemory,
    validation:
      options.validationData === undefined
        ? null
        : new TensorBatchSource(options.validationData, options.evaluation.batchSize, false, null),
    fingerprint,
    position,
    control: createControl(model, position.history),
    progress: createProgress(options.progress.mode, options.progress.stream, options.epochs),
    baseLearningRate: options.lrScaling === undefined ? Number.NaN : learningRateOf(options.optimizer),
    optimizer,
    compiled: compiled.steps,
  };
}

/**
 * The compiled steps of a run with `compile` on (`'auto'` or true) where it allows them;
 * otherwise null, with a record whose `refusal` says why (null when compiling was off).
 */
function compiledSteps(
  model: tf.LayersModel,
  objective: TrainingObjective,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  noise: NoiseSource,
  options: ResolvedFitOptions<ElboInput>,
): { steps: CompiledSteps | null; record: CompilationRecord } {
  const record: CompilationRecord = { compiledSteps: 0, eagerSteps: 0, traces: 0, refusal: null };
  if (options.compile === false) return { steps: null, record };
  record.refusal = compileRefusal(optimizer, options.accumulateSteps);
  if (record.refusal !== null) return { steps: null, record };
  const context = { model, elbo: objective.elbo, optimizer, variables, noise, clipping: options.clip };
  return { steps: new CompiledSteps(context, record), record };
}

/** Calls one hook of every callback in order, applying each one's stop request. */
export async function callHooks(
  run: Run,
  hook: (callbacks: TrainerCallbacks) => CallbackResult | Promise<CallbackResult> | undefined,
): Promise<void> {
  for (const callbacks of run.options.callbacks) applyCallbackResult(await hook(callbacks), run.control);
}

/** Whether a callback asked to stop or the caller's signal aborted. */
export function interrupted(run: Run): boolean {
  return run.control.stopRequested || run.options.signal?.aborted === true;
}

function noBestYet(options: ResolvedFitOptions<ElboInput>): BestSoFar {
  return { monitor: options.checkpoint.monitor, mode: options.checkpoint.mode, value: null, epoch: null };
}

function freshPosition(options: ResolvedFitOptions<ElboInput>): RunPosition {
  return {
    epoch: 0,
    batchIndex: 0,
    step: 0,
    consecutiveNonFinite: 0,
    accumulator: null,
    history: emptyHistory(),
    best: noBestYet(options),
    lastCheckpointStep: -1,
  };
}

function resumedPosition(checkpoint: TrainerCheckpoint, options: ResolvedFitOptions<ElboInput>): RunPosition {
  return {
    epoch: checkpoint.epoch,
    batchIndex: checkpoint.batchIndex,
    step: checkpoint.step,
    consecutiveNonFinite: checkpoint.consecutiveNonFinite,
    accumulator: checkpoint.accumulator,
    history: checkpoint.history,
    best: checkpoint.best ?? noBestYet(options),
    lastCheckpointStep: checkpoint.step,
  };
}

function batchSource(data: FitData, options: ResolvedFitOptions<ElboInput>, shuffleSource: NoiseSource): BatchSource {
  if (data instanceof tf.data.Dataset) return new DatasetBatchSource(data, options.datasetSize as number, options.batchesPerEpoch);
  return new TensorBatchSource(data, options.batchSize, options.dropRemainder, options.shuffle ? shuffleSource : null);
}

async function readResumeCheckpoint(options: ResolvedFitOptions<ElboInput>): Promise<TrainerCheckpoint | null> {
  const { resumeFrom, resumeRequired, store } = options.checkpoint;
  if (resumeFrom === undefined || store === undefined) return null;
  const checkpoint = await store.read(resumeFrom);
  if (checkpoint === null) {
    if (resumeRequired) throw new FormatError(`fit: checkpoint.resumeFrom '${resumeFrom}' holds no checkpoint (store: ${store.kind}).`);
    return null;
  }
  if (options.seed !== undefined && options.seed !== checkpoint.seed) {
    throw new InvalidArgumentError(
      'fit',
      'seed',
      options.seed,
      `the checkpoint's seed ${JSON.stringify(checkpoint.seed)} (or no seed) when resuming`,
    );
  }
  return checkpoint;
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
