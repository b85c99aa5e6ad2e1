/**
 * Options of `fit` and their defaults (validated by `resolveFitOptions` in `resolve-options.ts`).
 */
import type * as tf from '@tensorflow/tfjs';
import type { GradientRecorder } from '../inspector/recorder.js';
import type { TrainerCallbacks } from './callbacks.js';
import type { TensorData } from './data-source.js';
import type { MetricFn, MetricsMode } from './evaluate.js';
import type { ProgressMode, ProgressStream } from './progress.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { CheckpointKeep, MonitorMode } from './best-checkpoint.js';
import type { LrScaling } from './lr-scaling.js';

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

/**
 * Checkpoints: where and how often they are written, and whether the run continues from one.
 * Give `dir` to write checkpoints; `resume` or `resumeFrom` to continue a run (one of them, not both).
 */
export interface CheckpointOptions {
  /**
   * Where checkpoints are written: a directory of `checkpoint.json` (created if missing), or the key
   * of `store`. May be left out only with `resumeFrom` (continue from there, write nothing).
   */
  readonly dir?: string;
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
  /** Continue from `dir`'s checkpoint when there is one (else start fresh). Default false. */
  readonly resume?: boolean;
  /**
   * Continue from the checkpoint at this location of `store` (a directory in Node), which must hold
   * one; it may be `dir` itself, or another (e.g. `bestCheckpointDir(dir)`).
   */
  readonly resumeFrom?: string;
  /**
   * Resume even when the checkpoint was written with other settings (batch size, data-set size, KL
   * weighting, layers, estimators, optimizer, …; see `RunFingerprint`): weights, optimizer state,
   * history and position are restored, but the batches and noise from then on differ from the
   * original run, so it is no longer an exact continuation. Weight counts and shapes must still
   * match. Default false: such a resume throws `ResumeMismatchError` listing the differences.
   */
  readonly force?: boolean;
}

/** Gradient clipping of every update: by global L2 norm first, then by value. Both off by default. */
export interface ClipOptions {
  /** Scale all gradients together so their global L2 norm is at most this (`clipByGlobalNorm`), > 0. */
  readonly globalNorm?: number;
  /** Clip every gradient element to [−value, value] (`clipByValue`), > 0. */
  readonly value?: number;
}

/** End-of-epoch evaluation besides the loss: metrics and the passes that compute them. */
export interface EvaluationOptions {
  /** Metrics computed at the end of every epoch, on the training data (see `trainMetrics`) and on `validationData`. */
  readonly metrics?: Record<string, MetricFn>;
  /** Weights the metrics see: `'mean'` (posterior means, default) or `'sample'` (one posterior draw). */
  readonly metricsMode?: MetricsMode;
  /** Compute the metrics on the training data too (one extra forward pass per epoch). Default true. */
  readonly trainMetrics?: boolean;
  /** Batch size of evaluation passes (metrics and validation), integer ≥ 1. Default: the training `batchSize`. */
  readonly batchSize?: number;
}

/** How the run reports itself: the display, and how many step records its history keeps. */
export interface ProgressOptions {
  /** `'auto'` (bar on a TTY, else one line per epoch; default), `'bar'`, `'lines'`, `'silent'`. */
  readonly mode?: ProgressMode;
  /** Where progress is written. Default `process.stdout` in Node, the console elsewhere. */
  readonly stream?: ProgressStream;
  /** Keep only the last n step records in the history (epochs are always kept), integer ≥ 0. Default: all. */
  readonly maxStepRecords?: number;
}

/**
 * Options of `fit`. Only `elbo`, `optimizer` and `epochs` are required. Related settings live in
 * groups: `clip`, `evaluation`, `progress`, `checkpoint` (the flat names of earlier versions —
 * `clipGlobalNorm`, `metricsMode`, `progressStream`, `resumeFrom`, … — throw `InvalidArgumentError`
 * naming their new place; see `docs/install.md`, Migration).
 */
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
  /** Gradient clipping (`{globalNorm, value}`). Default: none. */
  readonly clip?: ClipOptions;
  /** Throw `NonFiniteError` after this many skipped steps in a row, integer ≥ 1. Default 10. */
  readonly maxConsecutiveNonFinite?: number;
  /** Held-out data evaluated at every epoch end: `val_loss`, `val_nll`, `val_kl` and `val_<metric>`. */
  readonly validationData?: TensorData;
  /** Metrics and evaluation passes at every epoch end (`{metrics, metricsMode, trainMetrics, batchSize}`). */
  readonly evaluation?: EvaluationOptions;
  /** Hooks (or a list of them), e.g. `earlyStopping(...)`. */
  readonly callbacks?: TrainerCallbacks | readonly TrainerCallbacks[];
  /** Progress display and step records: a mode (`'auto'`, `'bar'`, `'lines'`, `'silent'`) or `{mode, stream, maxStepRecords}`. */
  readonly progress?: ProgressMode | ProgressOptions;
  /** Writing checkpoints and resuming from one. Default: neither. */
  readonly checkpoint?: CheckpointOptions;
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
  /**
   * Run each training step as one TensorFlow graph call where the run allows it (tfjs-node's
   * `tensorflow` backend, multi-tensor Adam, `accumulateSteps` 1). The step is recorded once per
   * batch shape and model config, and its graph is used only after it has reproduced an eager
   * step bit for bit, a check repeated at the start of every epoch: the weights and the history
   * are the eager run's, bit for bit. A model that reads tensors other than its weights, or whose
   * graph does not reproduce the eager step, runs eagerly.
   * - `'auto'` (default): compile where the run allows it.
   * - `true`: the same, and `history.compilation` records how this call's steps ran (and why
   *   not compiled, where they were not).
   * - `false`: every step eager.
   */
  readonly compile?: boolean | 'auto';
}

/** The trainer's `inspect` option. */
export interface InspectOptions {
  /** Inspect every `every` steps, integer ≥ 1. */
  readonly every: number;
  /** Where the inspections go (owned by the caller: dispose it after reading). */
  readonly recorder: GradientRecorder;
}
