/** `tfjs-bnn study collect <batch> --redis URL`: writes the report of a queued `study kl` batch. */
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
    throw new InvalidArgumentError(where, 'batch', batchId, 'a batch id as printed by study kl --no-wait (letters, digits, _ and -)');
  const session = openQueueSession(options, where, context.output.log);
  try {
    const plan = await session.store.readPlan(batchId);
    if (plan === null)
      throw new FormatError(
        `${where}: queue ${session.queue.name} at ${session.target.masked} has no batch '${batchId}' (wrong --queue or Redis server, or older than 30 days).`,
      );
    const wallTimeSeconds = (Date.now() - Date.parse(plan.createdAt)) / 1000;
    return await writeCollectedBatch(plan, session, defaultRunFolder(options.optionalString('out')), wallTimeSeconds, context, where);
  } finally {
    await session.close();
  }
}
