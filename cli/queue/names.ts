/** Names shared by the enqueuing command and the workers: queue, batch ids, job ids, Redis keys. */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../../src/errors.js';
import { runTimestamp } from '../common-options.js';

/** Queue names: letters, digits, `_`, `-` and `.` (no `:`, which BullMQ uses in its keys). */
const QUEUE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,80}$/;
/** Prefix of tfjs-bnn's own Redis keys (batch plans and results), beside BullMQ's `bull:` keys. */
const KEY_PREFIX = 'tfjs-bnn';
/** Seconds a batch's plan and results stay in Redis after the last write (30 days). */
export const BATCH_TTL_SECONDS = 30 * 24 * 3600;

/** Checks a queue name. @throws InvalidArgumentError */
export function checkQueueName(name: string, where: string): string {
  if (!QUEUE_NAME_PATTERN.test(name))
    throw new InvalidArgumentError(where, '--queue', name, 'letters, digits, _, - and . (1 to 80; no colon)');
  return name;
}

/** A new batch id, e.g. `kl-2026-11-29T11-05-00Z-3fa9c1` (time of enqueuing plus 24 random bits). */
export function newBatchId(prefix = 'kl', date = new Date()): string {
  return `${prefix}-${runTimestamp(date)}-${randomBytes(3).toString('hex')}`;
}

/** The job id of run `index` of a batch: deterministic, so enqueuing a batch twice adds no job twice. */
export function jobIdOf(batchId: string, index: number): string {
  return `${batchId}-r${index}`;
}

/** Redis keys of one batch. */
export function batchKeys(queue: string, batchId: string): { readonly plan: string; readonly results: string } {
  const base = `${KEY_PREFIX}:${queue}:batch:${batchId}`;
  return { plan: `${base}:plan`, results: `${base}:results` };
}
