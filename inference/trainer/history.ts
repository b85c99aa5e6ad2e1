/**
 * The record of a training run: one entry per applied step, one per completed epoch, and every
 * skipped (non-finite) step. Plain numbers only, JSON-serializable, so it travels in checkpoints.
 */

/** One applied optimisation step. */
export interface StepRecord {
  /** Global step (0-based, counts every batch the trainer drew, applied or skipped). */
  readonly step: number;
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Batch within the epoch (0-based). */
  readonly batchIndex: number;
  /** Number of examples in the batch. */
  readonly batchSize: number;
  /** The ELBO report of the step: `loss`, `nll`, `kl`, `klWeight` and the per-layer KL values. */
  readonly loss: number;
  readonly nll: number;
  readonly kl: number;
  readonly klWeight: number;
  /** KL of each variational layer by layer name (as reported by the ELBO). */
  readonly perLayer: Readonly<Record<string, number>>;
  /** Global L2 norm of the gradients before clipping. */
  readonly gradNorm: number;
}

/** A step that was not applied because its loss or a gradient was NaN or ±Inf. */
export interface SkippedStep {
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  /** What was not finite, e.g. `'loss is NaN'` or `"gradient of 'dense_1/kernel' is not finite"`. */
  readonly reason: string;
}

/** One completed epoch. */
export interface EpochRecord {
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Global step at which the epoch began. */
  readonly firstStep: number;
  /** Steps applied / skipped in the epoch. */
  readonly stepsApplied: number;
  readonly stepsSkipped: number;
  /**
   * Named values: the batch-size-weighted means of the applied steps' `loss`, `nll`, `kl`,
   * `klWeight`, `gradNorm`; each training metric by its name; validation values prefixed `val_`
   * (`val_loss`, `val_nll`, `val_kl`, `val_<metric>`). NaN when the epoch applied no step.
   */
  readonly logs: Readonly<Record<string, number>>;
}

/** How the steps of one `fit` call ran, recorded with `compile: true` (counts of that call only). */
export interface CompilationRecord {
  /** Steps that ran as one TensorFlow graph call. */
  compiledSteps: number;
  /** Steps that ran eagerly: the first steps of a batch shape, traces, checks, or all when not compiled. */
  eagerSteps: number;
  /** Graphs recorded. */
  traces: number;
  /** Why steps ran eagerly where compiling was asked (the first reason met), else null. */
  refusal: string | null;
}

/** Why `fit` returned (`'nonFinite'`: why it gave up, in `NonFiniteTrainingError.history`). */
export type StopReason = 'completed' | 'callback' | 'aborted' | 'nonFinite';

/** What `fit` returns (and checkpoints store). */
export interface TrainingHistory {
  /** Applied steps, oldest first; only the last `maxStepRecords` when that option bounds memory. */
  readonly steps: StepRecord[];
  /** Completed epochs, oldest first (all of them). */
  readonly epochs: EpochRecord[];
  /** Every skipped step, oldest first. */
  readonly skippedSteps: SkippedStep[];
  /** Step records dropped from the front of `steps` to respect `maxStepRecords`. */
  droppedStepRecords: number;
  /** Why training ended (`'completed'` until it ends otherwise). */
  stopReason: StopReason;
  /** With `compile: true`: how this `fit` call's steps ran. Absent otherwise. */
  compilation?: CompilationRecord;
}

/** A new, empty history. */
export function emptyHistory(): TrainingHistory {
  return { steps: [], epochs: [], skippedSteps: [], droppedStepRecords: 0, stopReason: 'completed' };
}

/** Appends a step record, dropping the oldest ones beyond `maxStepRecords` (Infinity keeps all). */
export function recordStep(history: TrainingHistory, record: StepRecord, maxStepRecords: number): void {
  history.steps.push(record);
  const excess = history.steps.length - maxStepRecords;
  if (excess > 0) {
    history.steps.splice(0, excess);
    history.droppedStepRecords += excess;
  }
}

/** Running batch-size-weighted sums of one epoch's applied steps; plain numbers, stored in checkpoints. */
export interface EpochAccumulator {
  epoch: number;
  firstStep: number;
  stepsApplied: number;
  stepsSkipped: number;
  examples: number;
  sums: Record<string, number>;
}

/** The keys of a step record averaged into the epoch's logs. */
const AVERAGED_STEP_KEYS = ['loss', 'nll', 'kl', 'klWeight', 'gradNorm'] as const;

/** A fresh accumulator for `epoch` starting at global step `firstStep`. */
export function newEpochAccumulator(epoch: number, firstStep: number): EpochAccumulator {
  return { epoch, firstStep, stepsApplied: 0, stepsSkipped: 0, examples: 0, sums: {} };
}

/** Adds one applied step to the running sums. */
export function accumulateStep(accumulator: EpochAccumulator, record: StepRecord): void {
  accumulator.stepsApplied += 1;
  accumulator.examples += record.batchSize;
  for (const key of AVERAGED_STEP_KEYS) {
    accumulator.sums[key] = (accumulator.sums[key] ?? 0) + record[key] * record.batchSize;
  }
}

/** The batch-size-weighted means of the applied steps (NaN when none was applied). */
export function epochMeans(accumulator: EpochAccumulator): Record<string, number> {
  const logs: Record<string, number> = {};
  for (const key of AVERAGED_STEP_KEYS) {
    logs[key] = accumulator.examples === 0 ? NaN : (accumulator.sums[key] ?? 0) / accumulator.examples;
  }
  return logs;
}
