/**
 * The queue worker: a BullMQ `Worker` that validates each job, runs it with the local commands'
 * code, stores its result once (keyed by job id) and reports progress. Bad payloads fail the job
 * at once (no retry) with the typed error; other errors are retried by BullMQ with back-off.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { BnnError } from '../../src/errors.js';
import { BatchStore } from './batch-store.js';
import { connectionOptions, createRedisClient } from './connection.js';
import { prepareJob, runPreparedJob, type PreparedJob } from './job-runner.js';
import { validateJobPayload } from './payload.js';
import { maskSecrets, type RedisTarget } from './redis-url.js';

/** Settings of a worker. */
export interface QueueWorkerOptions {
  readonly target: RedisTarget;
  readonly queue: string;
  /** Jobs run at once in this process (integer ≥ 1; tfjs runs them interleaved on one thread). */
  readonly concurrency: number;
  /** A job whose worker stops renewing its lock for this long is considered stalled, ms. */
  readonly lockDurationMs: number;
  /** How often this worker looks for stalled jobs (of any worker) and hands them back to the queue, ms. */
  readonly stalledIntervalMs: number;
  /** Folder the paths of `segment` and `predict` jobs are relative to (and confined to). */
  readonly outputRoot: string;
  /** One line per event (masked). */
  readonly log: (line: string) => void;
}

/** A running worker. */
export interface QueueWorkerHandle {
  /** This worker's name in BullMQ (`host:pid`), recorded as `job.processedBy`. */
  readonly name: string;
  /** Stops taking jobs, lets the running ones finish, and closes the connections. */
  close(): Promise<void>;
  /** Stops at once: running jobs are abandoned and handed to another worker by stalled-job detection. */
  closeNow(): Promise<void>;
}

function validated(job: Job, outputRoot: string): PreparedJob {
  try {
    return prepareJob(validateJobPayload(job.data), outputRoot);
  } catch (error) {
    // A payload that does not validate will never do: fail without retrying, with the typed error's text.
    if (error instanceof BnnError) throw new UnrecoverableError(`${error.name}: ${error.message}`);
    throw error;
  }
}

/** Starts a worker on `options.queue`. */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorkerHandle {
  const mask = (text: string) => maskSecrets(text, options.target);
  const log = (line: string) => options.log(mask(line));
  const name = `${hostname()}:${process.pid}`;
  let lastConnectionError = '';
  const onConnectionError = (message: string) => {
    if (message === lastConnectionError) return;
    lastConnectionError = message;
    log(`worker: ${message.startsWith('redis connection') ? message : `redis connection: ${message} (reconnecting)`}`);
  };
  const store = new BatchStore(createRedisClient(options.target, onConnectionError), options.queue);
  const stopping = new AbortController();
  const processor = async (job: Job): Promise<{ stored: boolean }> => {
    const prepared = validated(job, options.outputRoot);
    const id = job.id ?? '';
    const payload = prepared.job;
    const what =
      payload.kind === 'study-run'
        ? `${payload.task} ${payload.weighting} seed ${payload.seed}`
        : payload.kind === 'predict'
          ? `predict ${payload.inputs.join(',')} into ${payload.out}`
          : `segment into ${payload.out}`;
    log(`worker: job ${id} started: ${what} (attempt ${job.attemptsMade + 1})`);
    const done = await runPreparedJob(prepared, {
      signal: stopping.signal,
      progress: (fraction) => void job.updateProgress(Math.round(fraction * 100)).catch(() => undefined),
      log,
      jobId: id,
    });
    const stored = done.owned && (await store.recordResult(payload.batchId, id, done.result));
    log(
      stored
        ? `worker: job ${id} done: ${done.summary}`
        : `worker: job ${id} finished again; the first result is kept and this duplicate is ignored`,
    );
    return { stored };
  };
  const worker = new Worker(options.queue, processor, {
    connection: connectionOptions(options.target),
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    name,
  });
  worker.on('failed', (job, error) => log(`worker: job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`));
  worker.on('error', (error) => onConnectionError(error.message));
  worker.on('stalled', (jobId) => log(`worker: job ${jobId} stalled (its worker stopped renewing the lock); handed back to the queue`));
  const closeStore = async () => {
    await store.close();
  };
  return {
    name,
    async close() {
      await worker.close();
      await closeStore();
    },
    async closeNow() {
      stopping.abort(new Error('worker stopped'));
      await worker.close(true);
      await closeStore();
    },
  };
}
