/**
 * `tfjs-bnn study collect <batch> --redis URL`: writes the report of a queued batch: a `study kl`
 * batch (into `--out` or `./runs/<timestamp>/`), or a `predict` batch (its summary into `--out` or,
 * by default, the run folder `predict --redis` named, where the workers wrote the maps).
 */
import { FormatError } from '../../src/errors.js';
import { defaultRunFolder } from '../common-options.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { BATCH_ID_PATTERN } from '../queue/payload.js';
import { openQueueSession, writeCollectedBatch } from '../queue/study-batch.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** Runs `study collect`. */
export async function runStudyCollect(options: ResolvedOptions, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn study collect';
  const batchId = options.string('batch');
  if (!BATCH_ID_PATTERN.test(batchId))
    throw new InvalidArgumentError(
      where,
      'batch',
      batchId,
      'a batch id as printed by study kl or predict with --no-wait (letters, digits, _ and -)',
    );
  const session = openQueueSession(options, where, context.output.log);
  try {
    const plan = await session.store.readPlan(batchId);
    if (plan === null)
      throw new FormatError(
        `${where}: queue ${session.queue.name} at ${session.target.masked} has no batch '${batchId}' (wrong --queue or Redis server, or older than 30 days).`,
      );
    const wallTimeSeconds = (Date.now() - Date.parse(plan.createdAt)) / 1000;
    if (plan.kind === 'predict') {
      const { writeCollectedPredictBatch } = await import('../queue/predict-batch.js');
      return await writeCollectedPredictBatch(plan, session, options.optionalString('out') ?? plan.outDir, wallTimeSeconds, context);
    }
    return await writeCollectedBatch(plan, session, defaultRunFolder(options.optionalString('out')), wallTimeSeconds, context, where);
  } finally {
    await session.close();
  }
}
