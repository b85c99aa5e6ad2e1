/**
 * `study kl --redis`: enqueues one BullMQ job per (weighting, seed) run, shows the batch's
 * progress, waits, collects the results and writes the local command's report and JSON
 * (`writeStudyOutput`). With `--no-wait` it prints the batch id for `study collect`.
 */
import { Queue } from 'bullmq';
import { InvalidArgumentError } from '../../src/errors.js';
import { defaultRunFolder } from '../common-options.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { resolveWeighting } from '../study/weightings.js';
import { taskByName } from '../study/tasks.js';
import type { StudyTaskName } from '../study/task.js';
import { writeStudyOutput, type StudySettings } from '../commands/study-kl.js';
import { BatchStore, type BatchPlan, type StudyBatchPlan } from './batch-store.js';
import { batchCounts, collectBatch, isSettled, progressLine, type BatchCounts } from './batch-state.js';
import { connectionOptions, createRedisClient } from './connection.js';
import { checkQueueName, jobIdOf, newBatchId } from './names.js';
import type { StudyRunJob } from './payload.js';
import { maskSecrets, parseRedisUrl, type RedisTarget } from './redis-url.js';

/** How often the waiting command polls the batch's state, ms. */
const POLL_INTERVAL_MS = 500;

/** An open connection to a queue and the batch store, closed by `close()`. */
export interface QueueSession {
  readonly target: RedisTarget;
  readonly queue: Queue;
  readonly store: BatchStore;
  readonly mask: (text: string) => string;
  close(): Promise<void>;
}

/** Opens the queue named by `--queue` on the `--redis` server. */
export function openQueueSession(options: ResolvedOptions, where: string, log: (line: string) => void): QueueSession {
  const target = parseRedisUrl(options.optionalString('redis'), where);
  const name = checkQueueName(options.string('queue'), where);
  const mask = (text: string) => maskSecrets(text, target);
  let lastError = '';
  const onError = (message: string) => {
    if (message !== lastError)
      log(mask(`${where}: ${message.startsWith('redis connection') ? message : `redis connection: ${message} (reconnecting)`}`));
    lastError = message;
  };
  const queue = new Queue(name, { connection: connectionOptions(target) });
  queue.on('error', (error: Error) => onError(error.message));
  const store = new BatchStore(createRedisClient(target, onError), name);
  return {
    target,
    queue,
    store,
    mask,
    async close() {
      await queue.close();
      await store.close();
    },
  };
}

/** The local command's settings rebuilt from a stored plan (weightings parsed again). */
function settingsOfPlan(plan: StudyBatchPlan, where: string): StudySettings {
  return {
    task: taskByName(plan.task as StudyTaskName),
    weightings: plan.weightings.map((text) => resolveWeighting(text, plan.epochs, where, 'plan.weightings')),
    seeds: plan.seeds,
    epochs: plan.epochs,
    estimator: plan.estimator as StudySettings['estimator'],
  };
}

/**
 * Polls the batch (any plan kind) until every run has settled or `signal` aborts; logs a progress
 * line, prefixed by `label`, whenever the counts change.
 */
export async function waitForBatch(
  plan: BatchPlan,
  session: QueueSession,
  signal: AbortSignal,
  log: (line: string) => void,
  label = 'study kl',
): Promise<BatchCounts> {
  let shown = '';
  for (;;) {
    const counts = await batchCounts(plan, session.store, session.queue);
    const line = progressLine(counts);
    if (line !== shown) log(`${label}: ${line}`);
    shown = line;
    if (isSettled(counts) || signal.aborted) return counts;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Collects a batch and writes the report and JSON of the local command, plus the batch's fields. */
export async function writeCollectedBatch(
  plan: StudyBatchPlan,
  session: QueueSession,
  outDir: string,
  wallTimeSeconds: number,
  context: RunContext,
  where: string,
): Promise<number> {
  const collected = await collectBatch(plan, session.store, session.queue);
  const pendingNote =
    collected.pending.length === 0
      ? []
      : [
          `Batch ${plan.batchId} not finished: ${collected.pending.length} run(s) still waiting or running (${collected.pending.join('; ')}); collect again later.`,
        ];
  const notes = [
    `Runs executed by queue workers (batch ${plan.batchId}, queue ${plan.queue}, enqueued ${plan.createdAt}).`,
    ...pendingNote,
  ];
  const failures = collected.failures.map((f) => ({ ...f, error: session.mask(f.error) }));
  await writeStudyOutput(
    outDir,
    collected.outcome,
    settingsOfPlan(plan, where),
    { ...plan.settings },
    wallTimeSeconds,
    context.output,
    { failures, notes },
    {
      batchId: plan.batchId,
      queue: plan.queue,
      redis: session.target.masked,
      failed: failures,
      pending: collected.pending,
    },
  );
  return 0;
}

/** Runs `study kl --redis …`. */
export async function runStudyBatch(options: ResolvedOptions, plan: StudySettings, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn study kl';
  const attempts = options.number('attempts');
  const backoffMs = options.number('backoff');
  const wait = options.boolean('wait');
  if (!wait && options.has('out'))
    throw new InvalidArgumentError(where, '--out', options.optionalString('out'), 'no --out with --no-wait (give it to study collect)');
  const session = openQueueSession(options, where, context.output.log);
  try {
    const batchId = newBatchId();
    const runs = plan.weightings.flatMap((w, wi) =>
      plan.seeds.map((seed, si) => ({ jobId: jobIdOf(batchId, wi * plan.seeds.length + si), weighting: w.label, seed })),
    );
    const stored: StudyBatchPlan = {
      kind: 'study-kl',
      batchId,
      queue: session.queue.name,
      createdAt: new Date().toISOString(),
      task: plan.task.name,
      epochs: plan.epochs,
      estimator: plan.estimator,
      seeds: plan.seeds,
      weightings: plan.weightings.map((w) => w.label),
      runs,
      settings: { ...options.toJSON(), redis: session.target.masked },
    };
    const started = performance.now();
    await session.store.savePlan(stored);
    await session.queue.addBulk(
      runs.map((run) => {
        const data: StudyRunJob = {
          kind: 'study-run',
          batchId,
          task: plan.task.name,
          weighting: run.weighting,
          seed: run.seed,
          epochs: plan.epochs,
          estimator: plan.estimator,
        };
        return { name: 'study-run', data, opts: { jobId: run.jobId, attempts, backoff: { type: 'exponential', delay: backoffMs } } };
      }),
    );
    context.output.log(
      `study kl: batch ${batchId}: ${runs.length} runs enqueued on queue ${session.queue.name} at ${session.target.masked}`,
    );
    if (!wait) {
      const collect = `tfjs-bnn study collect ${batchId} --redis ${session.target.masked} --queue ${session.queue.name}`;
      context.output.result(
        { command: 'study kl', batchId, queue: session.queue.name, redis: session.target.masked, jobs: runs.length },
        () => [`batch: ${batchId}`, `collect with: ${collect}`],
      );
      return 0;
    }
    const counts = await waitForBatch(stored, session, context.signal, context.output.log);
    if (!isSettled(counts)) {
      context.output.log(
        `study kl: stopped waiting; the jobs stay queued. Collect later with: tfjs-bnn study collect ${batchId} --redis ${session.target.masked} --queue ${session.queue.name}`,
      );
      return INTERRUPTED_EXIT_CODE;
    }
    const outDir = defaultRunFolder(options.optionalString('out'));
    return await writeCollectedBatch(stored, session, outDir, (performance.now() - started) / 1000, context, where);
  } finally {
    await session.close();
  }
}
