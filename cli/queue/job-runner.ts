/**
 * Runs one validated job with the same functions as the local commands: a `study-run` job calls
 * `runStudyRun`, the function the local `study kl` loop calls, so a queued run gives the local
 * run's numbers.
 */
import { initBackend } from '../../src/backend/index.js';
import { runStudyRun, type StudyRun } from '../study/run-study.js';
import { taskByName } from '../study/tasks.js';
import { resolveWeighting, type NamedWeighting } from '../study/weightings.js';
import { PAYLOAD_WHERE, type JobPayload, type StudyRunJob } from './payload.js';

/**
 * The event loop gets a turn at least this often during a job (ms), so BullMQ can renew the job's
 * lock while training runs synchronously step after step; otherwise a long job would look stalled.
 */
export const EVENT_LOOP_TURN_MS = 100;

/** What a job receives besides its payload. */
export interface JobContext {
  /** Fraction done in [0, 1] (sent as BullMQ job progress). */
  readonly progress: (fraction: number) => void;
  /** Stops training after the current step. */
  readonly signal: AbortSignal;
}

/** A job's payload resolved to the objects the run needs; fails on a bad weighting before any training. */
export interface PreparedStudyRun {
  readonly job: StudyRunJob;
  readonly weighting: NamedWeighting;
}

/**
 * Resolves what can fail on bad input (the weighting's name or expression) so that it fails
 * before any work, with the typed error of the local command.
 * @throws InvalidArgumentError
 */
export function prepareJob(payload: JobPayload): PreparedStudyRun {
  return { job: payload, weighting: resolveWeighting(payload.weighting, payload.epochs, PAYLOAD_WHERE, 'job.data.weighting') };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs a prepared job.
 * @returns the study run (plain data).
 * @throws Error when the job was stopped by `context.signal` before it finished.
 */
export async function runPreparedJob(prepared: PreparedStudyRun, context: JobContext): Promise<StudyRun> {
  await initBackend();
  const { job } = prepared;
  let lastTurn = performance.now();
  const run = await runStudyRun(
    { task: taskByName(job.task), weighting: prepared.weighting, seed: job.seed, epochs: job.epochs, estimator: job.estimator },
    {
      signal: context.signal,
      callbacks: {
        async onBatchEnd() {
          if (performance.now() - lastTurn < EVENT_LOOP_TURN_MS) return;
          await yieldToEventLoop();
          lastTurn = performance.now();
        },
        onEpochEnd(record) {
          context.progress((record.epoch + 1) / job.epochs);
        },
      },
    },
  );
  if (run === null) throw new Error(`${PAYLOAD_WHERE}: run ${job.weighting} seed ${job.seed} was stopped before it finished`);
  return run;
}
