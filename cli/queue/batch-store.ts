/**
 * A batch's plan and results in Redis, beside BullMQ's own keys. Results are keyed by job id and
 * written with HSETNX: the first result of a job is kept and a late duplicate (a job that stalled,
 * was handed to another worker, and then finished twice) is ignored. One Redis command, so a
 * result is either wholly there or not at all.
 */
import type { Redis } from 'ioredis';
import { FormatError } from '../../src/errors.js';
import { BATCH_TTL_SECONDS, batchKeys } from './names.js';

/** Marker of a non-finite number in stored JSON (`{"$number": "NaN"}`), so NaN and ±Infinity survive the round trip. */
const NON_FINITE_KEY = '$number';

/** JSON text of `value` with NaN/±Infinity kept (plain `JSON.stringify` turns them into null). */
export function encodeResult(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [NON_FINITE_KEY]: String(v) } : v));
}

/** Inverse of `encodeResult`. */
export function decodeResult(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const marker = (v as Record<string, unknown>)[NON_FINITE_KEY];
      if (keys.length === 1 && typeof marker === 'string') return Number(marker);
    }
    return v;
  });
}

/** One planned run of a `study kl` batch. */
interface PlannedRun {
  readonly jobId: string;
  readonly weighting: string;
  readonly seed: number;
}

/** What the enqueuing command stored about a batch (plain JSON). */
export interface StudyBatchPlan {
  readonly kind: 'study-kl';
  readonly batchId: string;
  readonly queue: string;
  /** ISO time of enqueuing. */
  readonly createdAt: string;
  readonly task: string;
  readonly epochs: number;
  readonly estimator: string;
  readonly seeds: readonly number[];
  /** Weighting names/expressions in the study's order. */
  readonly weightings: readonly string[];
  /** Runs in the local command's order (weightings outer, seeds inner). */
  readonly runs: readonly PlannedRun[];
  /** The command's options, for the report (Redis URL masked). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** One planned volume of a `predict` batch. */
interface PlannedVolume {
  readonly jobId: string;
  /** The volume's name (its maps' prefix). */
  readonly name: string;
}

/** What `predict --redis` stored about a batch (plain JSON). */
export interface PredictBatchPlan {
  readonly kind: 'predict';
  readonly batchId: string;
  readonly queue: string;
  /** ISO time of enqueuing. */
  readonly createdAt: string;
  /** The run folder relative to the output root (the jobs' `out`). */
  readonly out: string;
  /** The run folder as the enqueuing host saw it (where `study collect` writes unless given `--out`). */
  readonly outDir: string;
  /** Volumes in input order. */
  readonly runs: readonly PlannedVolume[];
  /** The command's options, for the report (Redis URL masked). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** Any stored batch plan. */
export type BatchPlan = StudyBatchPlan | PredictBatchPlan;

/** Reads and writes one queue's batches. Owns the client (see `close`). */
export class BatchStore {
  constructor(
    private readonly redis: Redis,
    private readonly queue: string,
  ) {}

  /** Stores a plan. @returns false when a plan with this id exists already (nothing is changed). */
  async savePlan(plan: BatchPlan): Promise<boolean> {
    const keys = batchKeys(this.queue, plan.batchId);
    const stored = await this.redis.set(keys.plan, JSON.stringify(plan), 'EX', BATCH_TTL_SECONDS, 'NX');
    return stored === 'OK';
  }

  /** The plan of a batch, or null when Redis has none. @throws FormatError when the stored plan is not JSON. */
  async readPlan(batchId: string): Promise<BatchPlan | null> {
    const text = await this.redis.get(batchKeys(this.queue, batchId).plan);
    if (text === null) return null;
    try {
      return JSON.parse(text) as BatchPlan;
    } catch {
      throw new FormatError(`tfjs-bnn study collect: the stored plan of batch '${batchId}' is not JSON.`);
    }
  }

  /**
   * Records a job's result unless one is there already.
   * @returns true when this call stored it, false for a duplicate (ignored).
   */
  async recordResult(batchId: string, jobId: string, result: unknown): Promise<boolean> {
    const keys = batchKeys(this.queue, batchId);
    const added = await this.redis.hsetnx(keys.results, jobId, encodeResult(result));
    await this.redis.expire(keys.results, BATCH_TTL_SECONDS);
    return added === 1;
  }

  /** Every stored result of a batch, by job id (parsed JSON). */
  async readResults(batchId: string): Promise<Map<string, unknown>> {
    const raw = await this.redis.hgetall(batchKeys(this.queue, batchId).results);
    return new Map(Object.entries(raw).map(([jobId, text]) => [jobId, decodeResult(text)]));
  }

  /** Closes the client (this store's owner decides; `quit` waits for pending replies). */
  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** How many results a batch has. */
  async countResults(batchId: string): Promise<number> {
    return this.redis.hlen(batchKeys(this.queue, batchId).results);
  }
}
