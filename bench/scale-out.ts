/**
 * Scale-out measurements of `study kl --redis` on this machine (see docs/scale-out.md):
 *
 *   npx tsc -p . && node dist/bench/scale-out.js [--epochs 60] [--workers 1,2,4] [--lock 4000] [--stalled 1000] [--json]
 *
 * 1. A sweep of 12 regression-toy runs (6 weightings × 2 seeds, `--epochs` each; 60 = `--quick`)
 *    run locally (`study kl`) and through a private Redis with 1, 2, 4 local worker processes:
 *    wall time, speed-up over one worker and efficiency (speed-up / workers).
 * 2. Queue overhead per job: enqueue → start of the first job on an idle worker, and the gap
 *    between one job's end and the next one's start on the same worker (BullMQ timestamps), and
 *    last result → report written (the collector polls every 500 ms).
 * 3. Recovery after SIGKILL of a worker holding a job: time from the kill to the job's new start on
 *    another worker, with the given lock duration and stalled-job interval.
 * Every process it starts is stopped at the end. Needs `redis-server` on PATH.
 */
import { Queue, type Job } from 'bullmq';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type TestRedisServer } from '../test/helpers/redis-server.js';
import { lastJsonLine, startCli, startWorker, stopAll, waitFor, type CliProcess } from '../test/cli/queue/processes.js';
import { checkedArgv, integerFlag, listFlag } from './flags.js';

const WEIGHTINGS = 'perExample,perMinibatch,blundell,tempered:0.1,tempered:1,warmup';
const argv = checkedArgv(
  process.argv.slice(2),
  'bench/scale-out',
  'Usage: node dist/bench/scale-out.js [--epochs 60] [--workers 1,2,4] [--lock 4000] [--stalled 1000]\n\nA sweep of 12 study kl regression-toy runs through BullMQ with 1, 2 and 4 local workers, the queue overhead and the recovery after a SIGKILL.',
  { values: ['--epochs', '--workers', '--lock', '--stalled'] },
);
const epochs = integerFlag(argv, '--epochs', 60, 'scale-out');
const workerCounts = listFlag(argv, '--workers', ['1', '2', '4']).map(Number);
const lockMs = integerFlag(argv, '--lock', 4000, 'scale-out');
const stalledMs = integerFlag(argv, '--stalled', 1000, 'scale-out');
const study = ['study', 'kl', '--task', 'regression-toy', '--epochs', String(epochs), '--seeds', '2', '--weightings', WEIGHTINGS, '--json'];
const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-scale-out-'));

async function exitedOk(processRun: CliProcess, what: string): Promise<void> {
  const status = await processRun.exited;
  if (status !== 0) throw new Error(`${what} exited with ${String(status)}:\n${processRun.output()}`);
}

async function workersReady(workers: readonly CliProcess[]): Promise<void> {
  await waitFor('workers to start', () => (workers.every((w) => /worker \S+: queue /.test(w.output())) ? true : undefined), 120_000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)];
}

/** Gaps between consecutive jobs of the same worker (ms), from BullMQ's processedOn/finishedOn. */
function sameWorkerGaps(jobs: readonly Job[]): number[] {
  const byWorker = new Map<string, Job[]>();
  for (const job of jobs) byWorker.set(job.processedBy ?? '?', [...(byWorker.get(job.processedBy ?? '?') ?? []), job]);
  const gaps: number[] = [];
  for (const list of byWorker.values()) {
    list.sort((a, b) => (a.processedOn ?? 0) - (b.processedOn ?? 0));
    for (let i = 1; i < list.length; i++) gaps.push((list[i].processedOn ?? 0) - (list[i - 1].finishedOn ?? 0));
  }
  return gaps;
}

/** One sweep's figures. */
interface SweepRow {
  readonly workers: number;
  readonly jobs: number;
  readonly wallSeconds: number;
  readonly enqueueToFirstStartMs: number;
  readonly medianGapBetweenJobsMs: number;
  readonly lastResultToReportMs: number;
}

async function sweep(server: TestRedisServer, workers: number): Promise<SweepRow> {
  const pool = Array.from({ length: workers }, () => startWorker(server.url, ['--queue', `w${workers}`]));
  await workersReady(pool);
  const started = Date.now();
  const batch = startCli([...study, '--redis', server.url, '--queue', `w${workers}`, '--out', join(scratch, `w${workers}`)]);
  await exitedOk(batch, `sweep with ${workers} worker(s)`);
  const wallSeconds = (Date.now() - started) / 1000;
  const queue = new Queue(`w${workers}`, { connection: { url: server.url } });
  const jobs = await queue.getJobs(['completed']);
  await queue.close();
  const firstStart = Math.min(...jobs.map((j) => j.processedOn ?? Infinity));
  const lastFinish = Math.max(...jobs.map((j) => j.finishedOn ?? 0));
  const enqueued = Math.min(...jobs.map((j) => j.timestamp));
  await stopAll();
  return {
    workers,
    jobs: jobs.length,
    wallSeconds,
    enqueueToFirstStartMs: firstStart - enqueued,
    medianGapBetweenJobsMs: median(sameWorkerGaps(jobs)),
    lastResultToReportMs: started + wallSeconds * 1000 - lastFinish,
  };
}

async function recovery(server: TestRedisServer): Promise<Record<string, number>> {
  const timing = ['--lock-duration', String(lockMs), '--stalled-interval', String(stalledMs)];
  const pool = [startWorker(server.url, ['--queue', 'recovery', ...timing]), startWorker(server.url, ['--queue', 'recovery', ...timing])];
  await workersReady(pool);
  const batch = startCli([
    'study',
    'kl',
    '--task',
    'regression-toy',
    '--epochs',
    String(epochs),
    '--seeds',
    '2',
    '--weightings',
    'perExample',
    '--redis',
    server.url,
    '--queue',
    'recovery',
    '--out',
    join(scratch, 'recovery'),
    '--json',
  ]);
  const queue = new Queue('recovery', { connection: { url: server.url } });
  const [victim, jobId] = await waitFor(
    'a worker holding a job',
    async () => {
      for (const job of await queue.getJobs(['active'])) {
        const holder = pool.find((w) => w.workerName === job.processedBy);
        if (holder !== undefined && job.id !== undefined && (job.progress as number) > 0) return [holder, job.id] as [CliProcess, string];
      }
      return undefined;
    },
    300_000,
  );
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  const restartedAt = await waitFor(
    'the job to start again',
    async () => {
      const job = await queue.getJob(jobId);
      return job?.processedBy !== victim.workerName && (job?.processedOn ?? 0) > killedAt ? job?.processedOn : undefined;
    },
    300_000,
  );
  await exitedOk(batch, 'recovery batch');
  await queue.close();
  await stopAll();
  return {
    lockDurationMs: lockMs,
    stalledIntervalMs: stalledMs,
    recoveryMs: restartedAt - killedAt,
    runsCollected: (lastJsonLine(batch.stdout()).runs as unknown[]).length,
  };
}

async function main(): Promise<void> {
  const server = await startRedisServer();
  try {
    const localStarted = Date.now();
    const local = startCli([...study, '--out', join(scratch, 'local')]);
    await exitedOk(local, 'local study');
    const localSeconds = (Date.now() - localStarted) / 1000;
    const rows: SweepRow[] = [];
    for (const workers of workerCounts) rows.push(await sweep(server, workers));
    const one = rows.find((r) => r.workers === 1)?.wallSeconds ?? Number.NaN;
    const table = rows.map((r) => ({ ...r, speedUp: one / r.wallSeconds, efficiency: one / r.wallSeconds / r.workers }));
    const recovered = await recovery(server);
    const result = { epochs, runs: 12, localSeconds, sweeps: table, recovery: recovered };
    if (argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write(`12 regression-toy runs, ${epochs} epochs each; local study kl: ${localSeconds.toFixed(1)} s\n`);
    process.stdout.write('workers  wall s  speed-up  efficiency  enqueue→first start ms  gap between jobs ms  last result→report ms\n');
    for (const r of table) {
      process.stdout.write(
        `${String(r.workers).padStart(7)}  ${r.wallSeconds.toFixed(1).padStart(6)}  ${r.speedUp.toFixed(2).padStart(8)}  ${r.efficiency.toFixed(2).padStart(10)}  ${String(r.enqueueToFirstStartMs).padStart(22)}  ${String(r.medianGapBetweenJobsMs).padStart(19)}  ${String(Math.round(r.lastResultToReportMs)).padStart(21)}\n`,
      );
    }
    process.stdout.write(
      `recovery after SIGKILL (lock ${lockMs} ms, stalled interval ${stalledMs} ms): ${recovered.recoveryMs} ms until the job restarted on another worker\n`,
    );
  } finally {
    await stopAll();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
