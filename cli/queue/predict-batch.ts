/**
 * `predict --redis`: enqueues one BullMQ `predict` job per volume, shows the batch's progress,
 * waits, collects the volumes' records and writes the local command's summary
 * (`writePredictOutput`). With `--no-wait` it prints the batch id for `study collect`. The workers
 * write the maps into the shared run folder themselves; every path in a job is relative to the
 * shared output root.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { InvalidArgumentError, FormatError } from '../../src/errors.js';
import type { PredictPlan } from '../commands/predict.js';
import { defaultRunFolder } from '../common-options.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import { writePredictOutput, type FailedVolume } from '../predict/predict-output.js';
import { volumeName, type PredictedVolume } from '../predict/predict-volume.js';
import { modelFolder } from '../predict/saved-model.js';
import type { ResolvedOptions } from '../resolve.js';
import type { RunContext } from '../run-context.js';
import type { PredictBatchPlan } from './batch-store.js';
import { isSettled } from './batch-state.js';
import { jobIdOf, newBatchId } from './names.js';
import { confinedPath } from './output-root.js';
import type { PredictJob } from './payload.js';
import { openQueueSession, waitForBatch, type QueueSession } from './study-batch.js';

const WHERE = 'tfjs-bnn predict';

/**
 * `path` relative to `root`, checked to lie inside it (the workers resolve it against their own
 * mount of the shared folder).
 * @throws InvalidArgumentError naming the option.
 */
export function relativeToRoot(root: string, path: string, option: string): string {
  const rel = relative(root, resolve(path));
  if (rel.length === 0 || rel.startsWith('..'))
    throw new InvalidArgumentError(WHERE, option, path, `a path inside --output-root ${root} (the folder every worker shares)`);
  confinedPath(root, rel, WHERE, option);
  return rel;
}

/** Collects a `predict` batch and writes its summary into `outDir`. */
export async function writeCollectedPredictBatch(
  plan: PredictBatchPlan,
  session: QueueSession,
  outDir: string,
  wallTimeSeconds: number,
  context: RunContext,
): Promise<number> {
  const results = await session.store.readResults(plan.batchId);
  const volumes: PredictedVolume[] = [];
  const failures: FailedVolume[] = [];
  const pending: string[] = [];
  for (const planned of plan.runs) {
    const result = results.get(planned.jobId);
    if (result !== undefined) {
      volumes.push(result as PredictedVolume);
      continue;
    }
    const job = await session.queue.getJob(planned.jobId);
    const state = job === undefined ? 'unknown' : await job.getState();
    if (job !== undefined && state === 'failed')
      failures.push({ name: planned.name, error: session.mask(job.failedReason ?? 'unknown error'), attempts: job.attemptsMade });
    else if (state === 'unknown')
      failures.push({
        name: planned.name,
        error: `job ${planned.jobId} is unknown to Redis and left no result (was Redis restarted without persistence?)`,
        attempts: 0,
      });
    else pending.push(planned.name);
  }
  const notes = [
    `Volumes run by queue workers (batch ${plan.batchId}, queue ${plan.queue}, enqueued ${plan.createdAt}); maps in ${plan.out}/maps under the workers' output root.`,
    ...(pending.length === 0
      ? []
      : [
          `Batch ${plan.batchId} not finished: ${pending.length} volume(s) still waiting or running (${pending.join(', ')}); collect again later.`,
        ]),
  ];
  await writePredictOutput(
    outDir,
    { volumes, failures, pending, interrupted: pending.length > 0 },
    { ...plan.settings },
    wallTimeSeconds,
    context.output,
    notes,
    { batchId: plan.batchId, queue: plan.queue, redis: session.target.masked },
  );
  return 0;
}

/** Runs `predict --redis …`. */
export async function runPredictBatch(options: ResolvedOptions, plan: PredictPlan, context: RunContext): Promise<number> {
  const root = resolve(options.optionalString('outputRoot') ?? process.cwd());
  const outDir = resolve(defaultRunFolder(options.optionalString('out')));
  modelFolder(plan.model, WHERE);
  for (const input of plan.inputs)
    for (const file of input.mask === undefined ? input.channels : [...input.channels, input.mask])
      if (!existsSync(file)) throw new FormatError(`${WHERE}: NIfTI file ${file} does not exist.`);
  const model = relativeToRoot(root, plan.model, '--model');
  const out = relativeToRoot(root, outDir, '--out');
  const jobs = plan.inputs.map((input) => ({
    inputs: input.channels.map((file) => relativeToRoot(root, file, '--inputs')),
    mask: input.mask === undefined ? undefined : relativeToRoot(root, input.mask, '--mask'),
    name: volumeName(input.channels),
  }));
  const session = openQueueSession(options, WHERE, context.output.log);
  try {
    const batchId = newBatchId('predict');
    const stored: PredictBatchPlan = {
      kind: 'predict',
      batchId,
      queue: session.queue.name,
      createdAt: new Date().toISOString(),
      out,
      outDir,
      runs: jobs.map((job, i) => ({ jobId: jobIdOf(batchId, i), name: job.name })),
      settings: { ...options.toJSON(), redis: session.target.masked },
    };
    const started = performance.now();
    await session.store.savePlan(stored);
    const attempts = options.number('attempts');
    const backoffMs = options.number('backoff');
    await session.queue.addBulk(
      jobs.map((job, i) => {
        const data: PredictJob = {
          kind: 'predict',
          batchId,
          model,
          inputs: job.inputs,
          ...(job.mask === undefined ? {} : { mask: job.mask }),
          out,
          samples: plan.settings.samples,
          seed: plan.settings.seed,
          minLesionSize: plan.settings.minLesionSize,
        };
        return {
          name: 'predict',
          data,
          opts: { jobId: stored.runs[i].jobId, attempts, backoff: { type: 'exponential', delay: backoffMs } },
        };
      }),
    );
    const collect = `tfjs-bnn study collect ${batchId} --redis ${session.target.masked} --queue ${session.queue.name}`;
    context.output.log(
      `predict: batch ${batchId}: ${jobs.length} volume(s) enqueued on queue ${session.queue.name} at ${session.target.masked}; maps go to ${outDir}`,
    );
    if (!options.boolean('wait')) {
      context.output.result(
        { command: 'predict', batchId, queue: session.queue.name, redis: session.target.masked, jobs: jobs.length, paths: { out: outDir } },
        () => [`batch: ${batchId}`, `collect with: ${collect}`],
      );
      return 0;
    }
    const counts = await waitForBatch(stored, session, context.signal, context.output.log, 'predict');
    if (!isSettled(counts)) {
      context.output.log(`predict: stopped waiting; the jobs stay queued. Collect later with: ${collect}`);
      return INTERRUPTED_EXIT_CODE;
    }
    return await writeCollectedPredictBatch(stored, session, outDir, (performance.now() - started) / 1000, context);
  } finally {
    await session.close();
  }
}
