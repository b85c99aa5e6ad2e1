/**
 * Where a batch stands (done / running / failed / waiting per run) and its collection into the
 * local command's `StudyOutcome`: results in plan order, failed runs with their last error.
 */
import type { Queue } from 'bullmq';
import type { FailedStudyRun, StudyOutcome, StudyRun } from '../study/run-study.js';
import type { BatchStore, StudyBatchPlan } from './batch-store.js';

/** Counts of a batch's runs by state. */
export interface BatchCounts {
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly failed: number;
  readonly waiting: number;
  /** Runs whose job Redis no longer knows and that have no result (e.g. Redis lost its data). */
  readonly missing: number;
}

/** Width of the progress bar in characters. */
const PROGRESS_BAR_WIDTH = 24;

/** Whether every run has finished (with a result or failed for good). */
export function isSettled(counts: BatchCounts): boolean {
  return counts.done + counts.failed + counts.missing === counts.total;
}

/** One progress line: `[#########---------------] 3/8 · done 3 · running 2 · failed 0 · waiting 3`. */
export function progressLine(counts: BatchCounts): string {
  const finished = counts.done + counts.failed;
  const filled = counts.total === 0 ? PROGRESS_BAR_WIDTH : Math.round((finished / counts.total) * PROGRESS_BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(PROGRESS_BAR_WIDTH - filled)}]`;
  const missing = counts.missing > 0 ? ` · missing ${counts.missing}` : '';
  return `${bar} ${finished}/${counts.total} · done ${counts.done} · running ${counts.running} · failed ${counts.failed} · waiting ${counts.waiting}${missing}`;
}

/** Counts a batch's runs by state (one Redis round trip per unfinished run); any plan kind. */
export async function batchCounts(
  plan: { readonly batchId: string; readonly runs: ReadonlyArray<{ readonly jobId: string }> },
  store: BatchStore,
  queue: Queue,
): Promise<BatchCounts> {
  const results = await store.readResults(plan.batchId);
  let done = 0;
  let running = 0;
  let failed = 0;
  let waiting = 0;
  let missing = 0;
  for (const run of plan.runs) {
    if (results.has(run.jobId)) {
      done += 1;
      continue;
    }
    const state = await queue.getJobState(run.jobId);
    if (state === 'failed') failed += 1;
    else if (state === 'active' || state === 'completed') running += 1;
    else if (state === 'unknown') missing += 1;
    else waiting += 1;
  }
  return { total: plan.runs.length, done, running, failed, waiting, missing };
}

/** A batch collected: the runs that have results (plan order), the failed runs, and those not finished. */
export interface CollectedBatch {
  readonly outcome: StudyOutcome;
  readonly failures: readonly FailedStudyRun[];
  /** `weighting seed` of runs neither done nor failed. */
  readonly pending: readonly string[];
}

/** Collects a batch's results from Redis. */
export async function collectBatch(plan: StudyBatchPlan, store: BatchStore, queue: Queue): Promise<CollectedBatch> {
  const results = await store.readResults(plan.batchId);
  const runs: StudyRun[] = [];
  const failures: FailedStudyRun[] = [];
  const pending: string[] = [];
  for (const planned of plan.runs) {
    const result = results.get(planned.jobId);
    if (result !== undefined) {
      runs.push(result as StudyRun);
      continue;
    }
    const job = await queue.getJob(planned.jobId);
    const state = job === undefined ? 'unknown' : await job.getState();
    if (job !== undefined && state === 'failed') {
      failures.push({
        weighting: planned.weighting,
        seed: planned.seed,
        error: job.failedReason ?? 'unknown error',
        attempts: job.attemptsMade,
      });
    } else if (state === 'unknown') {
      failures.push({
        weighting: planned.weighting,
        seed: planned.seed,
        error: `job ${planned.jobId} is unknown to Redis and left no result (was Redis restarted without persistence?)`,
        attempts: 0,
      });
    } else {
      pending.push(`${planned.weighting} seed ${planned.seed}`);
    }
  }
  return { outcome: { runs, interrupted: pending.length > 0 }, failures, pending };
}
