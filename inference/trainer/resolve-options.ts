/**
 * `resolveFitOptions`: every option of `fit` validated and defaulted once, into groups that mirror
 * `FitOptions`. Nothing past it reads the raw options.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireInteger, requireOneOf, requirePositive, requireSeed } from '../../src/validate.js';
import { GradientRecorder } from '../inspector/recorder.js';
import type { TrainerCallbacks } from './callbacks.js';
import { requireTensorData, type TensorData } from './data-source.js';
import { METRICS_MODES, requireMetrics, type MetricFn, type MetricsMode } from './evaluate.js';
import { PROGRESS_MODES, defaultProgressStream, type ProgressMode, type ProgressStream } from './progress.js';
import { defaultCheckpointStore, type CheckpointStore } from './checkpoint-store.js';
import { CHECKPOINT_KEEP_CHOICES, MONITOR_MODES, type CheckpointKeep, type MonitorMode } from './best-checkpoint.js';
import { requireLrScaling, type LrScaling } from './lr-scaling.js';
import type { StepClipping } from './step.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_CONSECUTIVE_NON_FINITE,
  DEFAULT_METRICS_MODE,
  DEFAULT_PROGRESS,
  type CheckpointOptions,
  type ClipOptions,
  type EvaluationOptions,
  type FitOptions,
  type InspectOptions,
  type ProgressOptions,
} from './options.js';

const where = 'fit';

/**
 * Flat option names of earlier versions and where each lives now. Passing one is an
 * `InvalidArgumentError` naming the new place, so an old call fails at once instead of training
 * without its clipping, metrics or checkpoint.
 */
const MOVED_FIT_OPTIONS: Readonly<Record<string, string>> = {
  clipGlobalNorm: 'clip.globalNorm',
  clipValue: 'clip.value',
  metrics: 'evaluation.metrics',
  metricsMode: 'evaluation.metricsMode',
  trainMetrics: 'evaluation.trainMetrics',
  evalBatchSize: 'evaluation.batchSize',
  progressStream: 'progress.stream',
  maxStepRecords: 'progress.maxStepRecords',
  resume: 'checkpoint.resume',
  resumeFrom: 'checkpoint.resumeFrom',
  forceResume: 'checkpoint.force',
};

/** `evaluation` after defaults. */
interface ResolvedEvaluation {
  readonly metrics: Record<string, MetricFn>;
  readonly metricsMode: MetricsMode;
  readonly trainMetrics: boolean;
  readonly batchSize: number;
}

/** `progress` after defaults. */
interface ResolvedProgress {
  readonly mode: ProgressMode;
  readonly stream: ProgressStream;
  /** Infinity keeps every step record. */
  readonly maxStepRecords: number;
}

/** `checkpoint` after defaults: what is written where, and what is read at the start. */
interface ResolvedCheckpoint {
  /** Where checkpoints are written; undefined: none are. */
  readonly dir: string | undefined;
  /** The store of `dir` and `resumeFrom` (undefined when neither is set). */
  readonly store: CheckpointStore | undefined;
  readonly every: 'epoch' | number;
  readonly keep: CheckpointKeep;
  readonly monitor: string;
  readonly mode: MonitorMode;
  /** The location read at the start (`resumeFrom`, or `dir` with `resume: true`); undefined: a fresh run. */
  readonly resumeFrom: string | undefined;
  /** Whether `resumeFrom` must hold a checkpoint (else a missing one starts a fresh run). */
  readonly resumeRequired: boolean;
  readonly force: boolean;
}

/** The options after defaults and validation, in the groups of `FitOptions`. */
export interface ResolvedFitOptions<ElboT> {
  readonly elbo: ElboT;
  readonly optimizer: tf.Optimizer;
  readonly epochs: number;
  readonly batchSize: number;
  readonly dropRemainder: boolean;
  readonly shuffle: boolean;
  readonly seed: number | string | undefined;
  readonly initialWeights: 'keep' | 'seeded';
  readonly datasetSize: number | undefined;
  readonly batchesPerEpoch: number | undefined;
  readonly clip: StepClipping;
  readonly maxConsecutiveNonFinite: number;
  readonly validationData: TensorData | undefined;
  readonly evaluation: ResolvedEvaluation;
  readonly callbacks: readonly TrainerCallbacks[];
  readonly progress: ResolvedProgress;
  readonly checkpoint: ResolvedCheckpoint;
  readonly signal: AbortSignal | undefined;
  readonly inspect: InspectOptions | undefined;
  readonly accumulateSteps: number;
  readonly lrScaling: Required<LrScaling> | undefined;
  readonly multiTensorAdam: boolean;
  readonly compile: boolean | 'auto';
}

/** Validates `options` (everything except the data and the ELBO's contents) and fills in the defaults. */
export function resolveFitOptions<ElboT>(options: FitOptions<ElboT>): ResolvedFitOptions<ElboT> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(where, 'options', options, 'an options object');
  for (const [old, now] of Object.entries(MOVED_FIT_OPTIONS)) {
    if (old in options) {
      const value = (options as unknown as Record<string, unknown>)[old];
      throw new InvalidArgumentError(where, old, value, `no such option: it moved to ${now} (see the migration table in docs/install.md)`);
    }
  }
  if (!(options.optimizer instanceof tf.Optimizer)) {
    throw new InvalidArgumentError(where, 'optimizer', options.optimizer, 'a tfjs optimizer (e.g. tf.train.adam(1e-3))');
  }
  const batchSize = requireInteger(where, 'batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE, 1);
  const validationData =
    options.validationData === undefined ? undefined : requireTensorData(where, 'validationData', options.validationData);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(where, 'signal', options.signal, 'an AbortSignal');
  }
  return {
    elbo: options.elbo,
    optimizer: options.optimizer,
    epochs: requireInteger(where, 'epochs', options.epochs, 1),
    batchSize,
    dropRemainder: requireBoolean('dropRemainder', options.dropRemainder, false),
    shuffle: requireBoolean('shuffle', options.shuffle, true),
    seed: options.seed === undefined ? undefined : requireSeed(where, 'seed', options.seed),
    initialWeights: requireOneOf(where, 'initialWeights', options.initialWeights ?? 'keep', ['keep', 'seeded'] as const),
    datasetSize: options.datasetSize,
    batchesPerEpoch: options.batchesPerEpoch,
    clip: resolveClip(options.clip),
    maxConsecutiveNonFinite: requireInteger(
      where,
      'maxConsecutiveNonFinite',
      options.maxConsecutiveNonFinite ?? DEFAULT_MAX_CONSECUTIVE_NON_FINITE,
      1,
    ),
    validationData,
    evaluation: resolveEvaluation(options.evaluation, batchSize),
    callbacks: resolveCallbacks(options.callbacks),
    progress: resolveProgress(options.progress),
    checkpoint: resolveCheckpoint(options.checkpoint, validationData !== undefined),
    signal: options.signal,
    inspect: options.inspect === undefined ? undefined : requireInspect(options.inspect),
    accumulateSteps: requireInteger(where, 'accumulateSteps', options.accumulateSteps ?? 1, 1),
    lrScaling: options.lrScaling === undefined ? undefined : requireLrScaling(where, options.lrScaling),
    multiTensorAdam: requireBoolean('multiTensorAdam', options.multiTensorAdam, true),
    compile: requireCompile(options.compile),
  };
}

function requireBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(where, name, value, 'true or false');
  return value;
}

function requireCompile(value: unknown): boolean | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value !== 'boolean') throw new InvalidArgumentError(where, 'compile', value, "'auto', true or false");
  return value;
}

/** `group` itself when it is undefined or an object; else an `InvalidArgumentError` showing the expected shape. */
function requireGroup<T>(name: string, group: T | undefined, shape: string): Partial<T> {
  if (group === undefined) return {};
  if (typeof group !== 'object' || group === null || Array.isArray(group))
    throw new InvalidArgumentError(where, name, group, `an object ${shape}`);
  return group;
}

function resolveClip(clip: ClipOptions | undefined): StepClipping {
  const given = requireGroup('clip', clip, '{globalNorm?: number > 0, value?: number > 0}');
  return {
    globalNorm: given.globalNorm === undefined ? undefined : requirePositive(where, 'clip.globalNorm', given.globalNorm),
    value: given.value === undefined ? undefined : requirePositive(where, 'clip.value', given.value),
  };
}

function resolveEvaluation(evaluation: EvaluationOptions | undefined, trainingBatchSize: number): ResolvedEvaluation {
  const given = requireGroup('evaluation', evaluation, '{metrics?, metricsMode?, trainMetrics?, batchSize?}');
  return {
    metrics: given.metrics === undefined ? {} : requireMetrics(where, given.metrics),
    metricsMode: requireOneOf(where, 'evaluation.metricsMode', given.metricsMode ?? DEFAULT_METRICS_MODE, METRICS_MODES),
    trainMetrics: requireBoolean('evaluation.trainMetrics', given.trainMetrics, true),
    batchSize: requireInteger(where, 'evaluation.batchSize', given.batchSize ?? trainingBatchSize, 1),
  };
}

function resolveCallbacks(callbacks: FitOptions<unknown>['callbacks']): readonly TrainerCallbacks[] {
  const list = callbacks === undefined ? [] : Array.isArray(callbacks) ? callbacks : [callbacks as TrainerCallbacks];
  list.forEach((callback, i) => {
    if (typeof callback !== 'object' || callback === null)
      throw new InvalidArgumentError(where, `callbacks[${i}]`, callback, 'an object of hooks');
  });
  return list;
}

/** A bare mode (`progress: 'silent'`) is short for `{mode}`. */
function resolveProgress(progress: ProgressMode | ProgressOptions | undefined): ResolvedProgress {
  const given =
    typeof progress === 'string'
      ? { mode: progress }
      : requireGroup('progress', progress, "{mode?: 'auto' | 'bar' | 'lines' | 'silent', stream?, maxStepRecords?}");
  const stream = given.stream ?? defaultProgressStream();
  if (typeof stream !== 'object' || stream === null || typeof stream.write !== 'function') {
    throw new InvalidArgumentError(where, 'progress.stream', stream, 'a writable stream (an object with write(text))');
  }
  return {
    mode: requireOneOf(where, typeof progress === 'string' ? 'progress' : 'progress.mode', given.mode ?? DEFAULT_PROGRESS, PROGRESS_MODES),
    stream,
    maxStepRecords:
      given.maxStepRecords === undefined ? Infinity : requireInteger(where, 'progress.maxStepRecords', given.maxStepRecords, 0),
  };
}

function resolveCheckpoint(checkpoint: CheckpointOptions | undefined, hasValidation: boolean): ResolvedCheckpoint {
  const shape =
    "{dir: string, resume?: boolean, resumeFrom?: string, force?: boolean, every?: 'epoch' | number, keep?, monitor?, mode?, store?}";
  const given = requireGroup('checkpoint', checkpoint, shape);
  if (given.dir !== undefined && (typeof given.dir !== 'string' || given.dir.length === 0)) {
    throw new InvalidArgumentError(where, 'checkpoint.dir', given.dir, 'a non-empty string (a directory, or the key of checkpoint.store)');
  }
  if (given.resumeFrom !== undefined && (typeof given.resumeFrom !== 'string' || given.resumeFrom.length === 0)) {
    throw new InvalidArgumentError(where, 'checkpoint.resumeFrom', given.resumeFrom, 'a checkpoint directory');
  }
  if (checkpoint !== undefined && given.dir === undefined && given.resumeFrom === undefined) {
    throw new InvalidArgumentError(where, 'checkpoint', checkpoint, `an object with dir (to write checkpoints) or resumeFrom: ${shape}`);
  }
  const resume = requireBoolean('checkpoint.resume', given.resume, false);
  if (resume && given.dir === undefined) {
    throw new InvalidArgumentError(
      where,
      'checkpoint.resume',
      resume,
      'true only together with checkpoint.dir (or use checkpoint.resumeFrom)',
    );
  }
  if (resume && given.resumeFrom !== undefined) {
    throw new InvalidArgumentError(
      where,
      'checkpoint.resume',
      resume,
      'left out when checkpoint.resumeFrom is given (resumeFrom already resumes)',
    );
  }
  const monitor = given.monitor ?? (hasValidation ? 'val_loss' : 'loss');
  if (typeof monitor !== 'string' || monitor.length === 0)
    throw new InvalidArgumentError(where, 'checkpoint.monitor', monitor, "the name of an epoch log, e.g. 'loss' or 'val_loss'");
  if (monitor.startsWith('val_') && !hasValidation) {
    throw new InvalidArgumentError(
      where,
      'checkpoint.monitor',
      monitor,
      "a training log (e.g. 'loss'), or validationData to compute val_* logs",
    );
  }
  const store = given.store;
  if (
    store !== undefined &&
    (typeof store !== 'object' || store === null || typeof store.read !== 'function' || typeof store.write !== 'function')
  ) {
    throw new InvalidArgumentError(
      where,
      'checkpoint.store',
      store,
      'a CheckpointStore {kind, read(location), write(location, checkpoint)}, e.g. memoryCheckpointStore()',
    );
  }
  const every = given.every ?? 'epoch';
  if (every !== 'epoch') requireInteger(where, 'checkpoint.every', every, 1);
  return {
    dir: given.dir,
    store: checkpoint === undefined ? undefined : (store ?? defaultCheckpointStore(where)),
    every,
    keep: requireOneOf(where, 'checkpoint.keep', given.keep ?? 'last', CHECKPOINT_KEEP_CHOICES),
    monitor,
    mode: requireOneOf(where, 'checkpoint.mode', given.mode ?? 'min', MONITOR_MODES),
    resumeFrom: given.resumeFrom ?? (resume ? given.dir : undefined),
    resumeRequired: given.resumeFrom !== undefined,
    force: requireBoolean('checkpoint.force', given.force, false),
  };
}

function requireInspect(inspect: unknown): InspectOptions {
  const candidate = inspect as Partial<InspectOptions> | null;
  if (typeof inspect !== 'object' || candidate === null || !(candidate.recorder instanceof GradientRecorder)) {
    throw new InvalidArgumentError(where, 'inspect', inspect, 'an object {every: integer ≥ 1, recorder: GradientRecorder}');
  }
  return { every: requireInteger(where, 'inspect.every', candidate.every, 1), recorder: candidate.recorder };
}
