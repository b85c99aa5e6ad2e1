/**
 * Options of `fit`, their defaults and their validation.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireInteger, requireOneOf, requirePositive, requireSeed } from '../../src/validate.js';
import { GradientRecorder } from '../inspector/recorder.js';
import type { TrainerCallbacks } from './callbacks.js';
import type { TensorData } from './data-source.js';
import { METRICS_MODES, requireMetrics, type MetricFn, type MetricsMode } from './evaluate.js';
import { PROGRESS_MODES, defaultProgressStream, type ProgressMode, type ProgressStream } from './progress.js';
import { defaultCheckpointStore, type CheckpointStore } from './checkpoint-store.js';
import { CHECKPOINT_KEEP_CHOICES, MONITOR_MODES, type CheckpointKeep, type MonitorMode } from './best-checkpoint.js';
import { requireLrScaling, type LrScaling } from './lr-scaling.js';

/** Default examples per minibatch (in-memory data). */
export const DEFAULT_BATCH_SIZE = 32;
/** Default root seed of the run's noise and data order. */
export const DEFAULT_SEED = 0;
/** Default number of skipped (non-finite) steps in a row after which `fit` throws `NonFiniteError`. */
export const DEFAULT_MAX_CONSECUTIVE_NON_FINITE = 10;
/** Default weights seen by metrics. */
export const DEFAULT_METRICS_MODE: MetricsMode = 'mean';
/** Default progress display. */
export const DEFAULT_PROGRESS: ProgressMode = 'auto';

/** Where and how often checkpoints are written. */
export interface CheckpointOptions {
  /** Where the checkpoint goes: a directory of `checkpoint.json` (created if missing), or the key of `store`. */
  readonly dir: string;
  /** Where checkpoints are kept. Default: the directory store in Node (files under `dir`); in browsers pass `memoryCheckpointStore()`. */
  readonly store?: CheckpointStore;
  /** `'epoch'` (after every epoch, the default) or a number n ≥ 1: after every n global steps. */
  readonly every?: 'epoch' | number;
  /**
   * `'last'` (default): the latest checkpoint in `dir`; `'best'`: only the checkpoint of the epoch
   * with the best `monitor` value, in `dir/best`; `'both'`: both.
   */
  readonly keep?: CheckpointKeep;
  /** Epoch log compared for `'best'`: default `'val_loss'` with validation data, else `'loss'`. */
  readonly monitor?: string;
  /** `'min'` (default) or `'max'`: whether lower or higher `monitor` values are better. */
  readonly mode?: MonitorMode;
}

/** Options of `fit`. Only `optimizer` and `epochs` are required. */
export interface FitOptions<ElboT> {
  /** The objective: an `Elbo`, or the options to build one for this model (`new Elbo(model, options)`). */
  readonly elbo: ElboT;
  /** Any tfjs optimizer (`tf.train.adam(1e-3)`, `tf.train.sgd(0.1)`, …). Use a fresh one when resuming. */
  readonly optimizer: tf.Optimizer;
  /** Total number of epochs (a resumed run continues up to this number), integer ≥ 1. */
  readonly epochs: number;
  /** Examples per minibatch for in-memory data, integer ≥ 1. Default 32. Ignored for datasets (already batched). */
  readonly batchSize?: number;
  /** Drop the last, smaller batch of each epoch (in-memory data). Default false: the last batch holds the N mod batchSize remaining examples. */
  readonly dropRemainder?: boolean;
  /** Shuffle in-memory data each epoch with the seeded permutation. Default true. */
  readonly shuffle?: boolean;
  /** Root seed of the weight noise and the data order. Default 0. A resumed run takes the checkpoint's seed. */
  readonly seed?: number | string;
  /**
   * `'seeded'`: before training (not when resuming), re-draw every weight from its initializer seeded
   * by `seed` (`seedInitialWeights`), so two runs with the same seed start, and end, identical.
   * `'keep'` (default): train the weights the model has (pretrained, `toBayesian`, or seeded at build).
   */
  readonly initialWeights?: 'keep' | 'seeded';
  /** Number of training examples N, required for dataset inputs (the ELBO scales the likelihood by it). */
  readonly datasetSize?: number;
  /** Batches per epoch for dataset inputs whose `size` is unknown. */
  readonly batchesPerEpoch?: number;
  /** Clip gradients to this global L2 norm (`clipByGlobalNorm`), > 0. Applied before `clipValue`. */
  readonly clipGlobalNorm?: number;
  /** Clip every gradient element to [−clipValue, clipValue], > 0. */
  readonly clipValue?: number;
  /** Throw `NonFiniteError` after this many skipped steps in a row, integer ≥ 1. Default 10. */
  readonly maxConsecutiveNonFinite?: number;
  /** Metrics computed apart from the loss at the end of every epoch, on the training and validation data. */
  readonly metrics?: Record<string, MetricFn>;
  /** Weights the metrics see: `'mean'` (posterior means, default) or `'sample'` (one posterior draw). */
  readonly metricsMode?: MetricsMode;
  /** Compute the metrics on the training data too (one extra forward pass per epoch). Default true. */
  readonly trainMetrics?: boolean;
  /** Held-out data evaluated at every epoch end: `val_loss`, `val_nll`, `val_kl` and `val_<metric>`. */
  readonly validationData?: TensorData;
  /** Batch size of evaluation passes, integer ≥ 1. Default `batchSize`. */
  readonly evalBatchSize?: number;
  /** Hooks (or a list of them), e.g. `earlyStopping(...)`. */
  readonly callbacks?: TrainerCallbacks | readonly TrainerCallbacks[];
  /** `'auto'` (bar on a TTY, else one line per epoch; default), `'bar'`, `'lines'`, `'silent'`. */
  readonly progress?: ProgressMode;
  /** Where progress is written. Default `process.stdout` in Node, the console elsewhere. */
  readonly progressStream?: ProgressStream;
  /** Keep only the last n step records (epochs are always kept), integer ≥ 0. Default: all. */
  readonly maxStepRecords?: number;
  /** Write checkpoints. */
  readonly checkpoint?: CheckpointOptions;
  /** Continue from `checkpoint.dir`'s checkpoint when there is one (else start fresh). Default false. */
  readonly resume?: boolean;
  /** Continue from the checkpoint in this directory (which must hold one). */
  readonly resumeFrom?: string;
  /**
   * Resume even when the checkpoint was written with other settings (batch size, data-set size, KL
   * weighting, layers, estimators, optimizer, …; see `RunFingerprint`): weights, optimizer state,
   * history and position are restored, but the batches and noise from then on differ from the
   * original run, so it is no longer an exact continuation. Weight counts and shapes must still
   * match. Default false: such a resume throws `ResumeMismatchError` listing the differences.
   */
  readonly forceResume?: boolean;
  /** Stops training at the end of the current step; a final checkpoint is written when checkpointing is on. */
  readonly signal?: AbortSignal;
  /**
   * Gradient inspection: every `every` steps (counting from step 0), before the step's update, the
   * recorder inspects the step's own batch and noise (`GradientRecorder.observe`). It never changes training.
   */
  readonly inspect?: InspectOptions;
  /**
   * Gradient accumulation: average the gradients of K consecutive micro-batches (weighted by their
   * sizes) and apply one update — what K data-parallel workers with an all-reduce compute. The
   * micro-batches of an update share its training position (the KL weight sees the full N and
   * ⌈batches/K⌉ updates per epoch) and its noise position. Integer ≥ 1. Default 1.
   */
  readonly accumulateSteps?: number;
  /** Learning rate scaled with the effective batch `batchSize · accumulateSteps` (Goyal et al. 2017). */
  readonly lrScaling?: LrScaling;
  /**
   * Run a `tf.train.adam` as `MultiTensorAdam` (the same weights bit for bit, a few kernels per
   * model instead of ~14 per variable); its state is handed back when `fit` returns or throws.
   * Default true. Other optimizers are used as given.
   */
  readonly multiTensorAdam?: boolean;
}

/** The trainer's `inspect` option. */
export interface InspectOptions {
  /** Inspect every `every` steps, integer ≥ 1. */
  readonly every: number;
  /** Where the inspections go (owned by the caller: dispose it after reading). */
  readonly recorder: GradientRecorder;
}

/** The options after defaults and validation. */
export interface ResolvedFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly dropRemainder: boolean;
  readonly shuffle: boolean;
  readonly seed: number | string | undefined;
  readonly initialWeights: 'keep' | 'seeded';
  readonly clipGlobalNorm: number | undefined;
  readonly clipValue: number | undefined;
  readonly maxConsecutiveNonFinite: number;
  readonly metrics: Record<string, MetricFn>;
  readonly metricsMode: MetricsMode;
  readonly trainMetrics: boolean;
  readonly evalBatchSize: number;
  readonly callbacks: readonly TrainerCallbacks[];
  readonly progress: ProgressMode;
  readonly progressStream: ProgressStream;
  readonly maxStepRecords: number;
  readonly checkpointDir: string | undefined;
  /** The store of `checkpointDir` and `resumeDir` (undefined when neither is set). */
  readonly checkpointStore: CheckpointStore | undefined;
  readonly checkpointEvery: 'epoch' | number;
  readonly checkpointKeep: CheckpointKeep;
  readonly checkpointMonitor: string;
  readonly checkpointMode: MonitorMode;
  readonly forceResume: boolean;
  readonly resumeDir: string | undefined;
  readonly resumeRequired: boolean;
  readonly signal: AbortSignal | undefined;
  readonly inspect: InspectOptions | undefined;
  readonly accumulateSteps: number;
  readonly lrScaling: Required<LrScaling> | undefined;
  readonly multiTensorAdam: boolean;
}

function optionalPositive(name: string, value: unknown): number | undefined {
  return value === undefined ? undefined : requirePositive('fit', name, value);
}

function requireBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError('fit', name, value, 'true or false');
  return value;
}

/** Validates `options` (everything except data and the ELBO) and fills in the defaults. */
export function resolveFitOptions(options: FitOptions<unknown>): ResolvedFitOptions {
  const where = 'fit';
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(where, 'options', options, 'an options object');
  if (!(options.optimizer instanceof tf.Optimizer)) {
    throw new InvalidArgumentError(where, 'optimizer', options.optimizer, 'a tfjs optimizer (e.g. tf.train.adam(1e-3))');
  }
  const epochs = requireInteger(where, 'epochs', options.epochs, 1);
  const batchSize = requireInteger(where, 'batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE, 1);
  const seed = options.seed === undefined ? undefined : requireSeed(where, 'seed', options.seed);
  const callbacks =
    options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks as TrainerCallbacks];
  callbacks.forEach((callback, i) => {
    if (typeof callback !== 'object' || callback === null)
      throw new InvalidArgumentError(where, `callbacks[${i}]`, callback, 'an object of hooks');
  });
  const progressStream = options.progressStream ?? defaultProgressStream();
  if (typeof progressStream !== 'object' || progressStream === null || typeof progressStream.write !== 'function') {
    throw new InvalidArgumentError(where, 'progressStream', progressStream, 'a writable stream (an object with write(text))');
  }
  const checkpoint = options.checkpoint;
  if (
    checkpoint !== undefined &&
    (typeof checkpoint !== 'object' || checkpoint === null || typeof checkpoint.dir !== 'string' || checkpoint.dir.length === 0)
  ) {
    throw new InvalidArgumentError(
      where,
      'checkpoint',
      checkpoint,
      "an object {dir: string, every?: 'epoch' | number, keep?, monitor?, mode?}",
    );
  }
  const keep = requireOneOf(where, 'checkpoint.keep', checkpoint?.keep ?? 'last', CHECKPOINT_KEEP_CHOICES);
  const monitor = checkpoint?.monitor ?? (options.validationData === undefined ? 'loss' : 'val_loss');
  if (typeof monitor !== 'string' || monitor.length === 0)
    throw new InvalidArgumentError(where, 'checkpoint.monitor', monitor, "the name of an epoch log, e.g. 'loss' or 'val_loss'");
  if (monitor.startsWith('val_') && options.validationData === undefined) {
    throw new InvalidArgumentError(
      where,
      'checkpoint.monitor',
      monitor,
      "a training log (e.g. 'loss'), or validationData to compute val_* logs",
    );
  }
  if (
    checkpoint?.store !== undefined &&
    (typeof checkpoint.store !== 'object' ||
      checkpoint.store === null ||
      typeof checkpoint.store.read !== 'function' ||
      typeof checkpoint.store.write !== 'function')
  ) {
    throw new InvalidArgumentError(
      where,
      'checkpoint.store',
      checkpoint.store,
      'a CheckpointStore {kind, read(location), write(location, checkpoint)}, e.g. memoryCheckpointStore()',
    );
  }
  const every = checkpoint?.every ?? 'epoch';
  if (every !== 'epoch') requireInteger(where, 'checkpoint.every', every, 1);
  const resume = requireBoolean('resume', options.resume, false);
  if (options.resumeFrom !== undefined && (typeof options.resumeFrom !== 'string' || options.resumeFrom.length === 0)) {
    throw new InvalidArgumentError(where, 'resumeFrom', options.resumeFrom, 'a checkpoint directory');
  }
  if (resume && checkpoint === undefined && options.resumeFrom === undefined) {
    throw new InvalidArgumentError(where, 'resume', resume, 'true only together with checkpoint: {dir} (or use resumeFrom: dir)');
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(where, 'signal', options.signal, 'an AbortSignal');
  }
  return {
    epochs,
    batchSize,
    dropRemainder: requireBoolean('dropRemainder', options.dropRemainder, false),
    shuffle: requireBoolean('shuffle', options.shuffle, true),
    seed,
    initialWeights: requireOneOf(where, 'initialWeights', options.initialWeights ?? 'keep', ['keep', 'seeded'] as const),
    clipGlobalNorm: optionalPositive('clipGlobalNorm', options.clipGlobalNorm),
    clipValue: optionalPositive('clipValue', options.clipValue),
    maxConsecutiveNonFinite: requireInteger(
      where,
      'maxConsecutiveNonFinite',
      options.maxConsecutiveNonFinite ?? DEFAULT_MAX_CONSECUTIVE_NON_FINITE,
      1,
    ),
    metrics: options.metrics === undefined ? {} : requireMetrics(where, options.metrics),
    metricsMode: requireOneOf(where, 'metricsMode', options.metricsMode ?? DEFAULT_METRICS_MODE, METRICS_MODES),
    trainMetrics: requireBoolean('trainMetrics', options.trainMetrics, true),
    evalBatchSize: requireInteger(where, 'evalBatchSize', options.evalBatchSize ?? batchSize, 1),
    callbacks,
    progress: requireOneOf(where, 'progress', options.progress ?? DEFAULT_PROGRESS, PROGRESS_MODES),
    progressStream,
    maxStepRecords: options.maxStepRecords === undefined ? Infinity : requireInteger(where, 'maxStepRecords', options.maxStepRecords, 0),
    checkpointDir: checkpoint?.dir,
    checkpointEvery: every,
    checkpointStore:
      checkpoint === undefined && options.resumeFrom === undefined ? undefined : (checkpoint?.store ?? defaultCheckpointStore(where)),
    checkpointKeep: keep,
    checkpointMonitor: monitor,
    checkpointMode: requireOneOf(where, 'checkpoint.mode', checkpoint?.mode ?? 'min', MONITOR_MODES),
    forceResume: requireBoolean('forceResume', options.forceResume, false),
    resumeDir: options.resumeFrom ?? (resume ? checkpoint?.dir : undefined),
    resumeRequired: options.resumeFrom !== undefined,
    signal: options.signal,
    inspect: options.inspect === undefined ? undefined : requireInspect(where, options.inspect),
    accumulateSteps: requireInteger(where, 'accumulateSteps', options.accumulateSteps ?? 1, 1),
    lrScaling: options.lrScaling === undefined ? undefined : requireLrScaling(where, options.lrScaling),
    multiTensorAdam: requireBoolean('multiTensorAdam', options.multiTensorAdam, true),
  };
}

function requireInspect(where: string, inspect: unknown): InspectOptions {
  const candidate = inspect as Partial<InspectOptions> | null;
  if (typeof inspect !== 'object' || candidate === null || !(candidate.recorder instanceof GradientRecorder)) {
    throw new InvalidArgumentError(where, 'inspect', inspect, 'an object {every: integer ≥ 1, recorder: GradientRecorder}');
  }
  return { every: requireInteger(where, 'inspect.every', candidate.every, 1), recorder: candidate.recorder };
}
