/**
 * Keeping the best checkpoint: after every epoch, when the monitored epoch log improves on the best
 * value so far, the full checkpoint (resumable, like the last one) is written to
 * `<checkpoint.dir>/best/checkpoint.json`. The best value travels in every checkpoint so a resumed
 * run keeps comparing against it.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import type { TrainerCheckpoint } from './checkpoint-format.js';
import type { CheckpointStore } from './checkpoint-store.js';

/** Sub-directory of `checkpoint.dir` holding the best checkpoint. */
export const BEST_CHECKPOINT_DIR = 'best';

/** Which checkpoints `fit` keeps: the latest (default), the best by `monitor`, or both. */
export type CheckpointKeep = 'last' | 'best' | 'both';
export const CHECKPOINT_KEEP_CHOICES: readonly CheckpointKeep[] = ['last', 'best', 'both'];
/** Whether a lower (`'min'`) or higher (`'max'`) monitored value is better. */
export type MonitorMode = 'min' | 'max';
export const MONITOR_MODES: readonly MonitorMode[] = ['min', 'max'];

/** The best monitored value so far, stored in checkpoints. */
export interface BestSoFar {
  readonly monitor: string;
  readonly mode: MonitorMode;
  /** Best value of the monitored log (null before the first finite one). */
  readonly value: number | null;
  /** Epoch that reached it (null before the first). */
  readonly epoch: number | null;
}

/** Location of the best checkpoint for a checkpoint location: `<dir>/best` (a sub-directory for the directory store). */
export function bestCheckpointDir(dir: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${BEST_CHECKPOINT_DIR}`;
}

/**
 * The best-so-far record after an epoch with `logs`: a new record when `logs[monitor]` is finite and
 * strictly better, else null. Throws `InvalidArgumentError` when the epoch logs lack `monitor`.
 */
export function improvedBest(best: BestSoFar, logs: Readonly<Record<string, number>>, epoch: number): BestSoFar | null {
  const value = logs[best.monitor];
  if (value === undefined) {
    throw new InvalidArgumentError(
      'fit',
      'checkpoint.monitor',
      best.monitor,
      `one of this run's epoch logs: ${Object.keys(logs).join(', ')}`,
    );
  }
  if (!Number.isFinite(value)) return null;
  const better = best.value === null || (best.mode === 'min' ? value < best.value : value > best.value);
  return better ? { ...best, value, epoch } : null;
}

/** Writes `checkpoint` to `store` as the best one of location `dir`. Returns where it went. */
export async function writeBestCheckpoint(store: CheckpointStore, dir: string, checkpoint: TrainerCheckpoint): Promise<string> {
  return store.write(bestCheckpointDir(dir), checkpoint);
}
