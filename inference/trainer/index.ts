/** The trainer: `fit` and its parts (clipping, early stopping, checkpoints, history types). */
export { fit, type FitData, VALIDATION_FORK } from './fit.js';
export {
  type FitOptions,
  type CheckpointOptions,
  type ClipOptions,
  type EvaluationOptions,
  type InspectOptions,
  type ProgressOptions,
  DEFAULT_BATCH_SIZE,
  DEFAULT_SEED,
  DEFAULT_MAX_CONSECUTIVE_NON_FINITE,
  DEFAULT_METRICS_MODE,
  DEFAULT_PROGRESS,
} from './options.js';
export { clipByGlobalNorm, clipByValue, globalNorm, type GlobalNormClipResult } from './clip.js';
export {
  earlyStopping,
  type EarlyStopping,
  type EarlyStoppingOptions,
  EARLY_STOPPING_DEFAULT_MONITOR,
  EARLY_STOPPING_DEFAULT_PATIENCE,
  EARLY_STOPPING_DEFAULT_MIN_DELTA,
} from './early-stopping.js';
export { type TrainerCallbacks, type TrainingControl, type CallbackResult } from './callbacks.js';
export { type StepRecord, type EpochRecord, type SkippedStep, type TrainingHistory, type StopReason } from './history.js';
export { type MetricFn, type MetricsMode, METRICS_MODES, METRICS_FORK } from './evaluate.js';
export { type ProgressMode, type ProgressStream, PROGRESS_MODES } from './progress.js';
export { type TensorData, type DatasetBatch } from './data-source.js';
export { epochPermutation, SHUFFLE_FORK, PERMUTATION_PATH } from './batches.js';
export {
  type TrainerCheckpoint,
  type SerializedTensor,
  encodeCheckpoint,
  decodeCheckpoint,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
} from './checkpoint-format.js';
export { type CheckpointStore, memoryCheckpointStore } from './checkpoint-store.js';
export { type ElboInput, type StepReport } from './objective.js';
export { runFingerprint, fingerprintDifferences, type RunFingerprint } from './fingerprint.js';
export {
  BEST_CHECKPOINT_DIR,
  CHECKPOINT_KEEP_CHOICES,
  MONITOR_MODES,
  bestCheckpointDir,
  type CheckpointKeep,
  type MonitorMode,
  type BestSoFar,
} from './best-checkpoint.js';
export { NonFiniteTrainingError } from './non-finite-training.js';
export { type LrScaling, LR_SCALING_RULES, scaledLearningRate } from './lr-scaling.js';
