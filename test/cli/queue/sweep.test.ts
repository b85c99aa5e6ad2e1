/**
 * A `study kl` sweep over a real Redis server with 3 worker processes, one of which is SIGKILLed
 * while it holds a job: every run's result arrives exactly once and equals the local command's.
 */
import test from 'ava';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchKeys } from '../../../cli/queue/names.js';
import { redisTestsMayBeLeftOut, startRedisServer, ALLOW_MISSING_REDIS_ENV, type TestRedisServer } from '../../helpers/redis-server.js';
import { lastJsonLine, startCli, startWorker, stopAll, waitFor, type CliProcess } from './processes.js';

interface RunJson {
  weighting: string;
  seed: number;
  metrics: Record<string, number>;
  finalTrain: Record<string, number>;
  stepsSkipped: number;
}

const STUDY = ['study', 'kl', '--task', 'regression-toy', '--epochs', '4', '--weightings', 'perExample,blundell', '--seeds', '3'];

if (redisTestsMayBeLeftOut()) {
  test('queue sweep: left out because redis-server is missing and the developer allowed it', (t) => {
    t.is(process.env[ALLOW_MISSING_REDIS_ENV], '1');
  });
} else {
  const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-sweep-'));
  let server: TestRedisServer | null = null;
  test.after.always(async () => {
    await stopAll();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('a sweep of 6 runs on 3 workers, one SIGKILLed holding a job: each result arrives once and equals the local run', async (t) => {
    server = await startRedisServer();
    const local = startCli([...STUDY, '--out', join(scratch, 'local'), '--json']);
    const workers = [startWorker(server.url), startWorker(server.url), startWorker(server.url)];
    const batch = startCli([...STUDY, '--redis', server.url, '--out', join(scratch, 'queued'), '--json']);
    const queue = new Queue('tfjs-bnn', { connection: { url: server.url } });
    let victim: CliProcess | undefined;
    let killedJobId: string;
    try {
      // Kill the first worker seen holding a job, mid-run.
      [victim, killedJobId] = await waitFor(
        'a worker holding a job',
        async () => {
          for (const job of await queue.getJobs(['active'])) {
            const holder = workers.find((w) => w.workerName === job.processedBy);
            if (holder !== undefined && job.id !== undefined) return [holder, job.id] as [CliProcess, string];
          }
          return undefined;
        },
        90_000,
      );
      victim.child.kill('SIGKILL');
      t.is(await victim.exited, 'SIGKILL');
      const [localStatus, batchStatus] = await Promise.all([local.exited, batch.exited]);
      t.is(localStatus, 0, local.output());
      t.is(batchStatus, 0, batch.output());

      const localRuns = (lastJsonLine(local.stdout()).runs as RunJson[]).map(({ weighting, seed, metrics, finalTrain, stepsSkipped }) => ({
        weighting,
        seed,
        metrics,
        finalTrain,
        stepsSkipped,
      }));
      const queued = lastJsonLine(batch.stdout()) as {
        runs: RunJson[];
        batchId: string;
        failed: unknown[];
        paths: { results: string; report: string };
      };
      const queuedRuns = queued.runs.map(({ weighting, seed, metrics, finalTrain, stepsSkipped }) => ({
        weighting,
        seed,
        metrics,
        finalTrain,
        stepsSkipped,
      }));
      t.is(queuedRuns.length, 6);
      t.deepEqual(queuedRuns, localRuns, 'identical numbers to the local command, in the same order');
      t.deepEqual(queued.failed, []);

      // Exactly once: one stored result per job, and the killed job was finished by another worker.
      const redis = new Redis(server.url);
      try {
        const stored = await redis.hkeys(batchKeys('tfjs-bnn', queued.batchId).results);
        t.is(stored.length, 6);
        t.is(new Set(stored).size, 6);
      } finally {
        redis.disconnect();
      }
      const killedJob = await queue.getJob(killedJobId);
      t.truthy(killedJob);
      t.not(killedJob?.processedBy, victim.workerName, 'the stalled job was handed to another worker');
      t.is(await killedJob?.getState(), 'completed', `${killedJob?.failedReason ?? ''} ${JSON.stringify(killedJob?.stacktrace)}`);
      t.log(
        `job ${killedJobId}: killed on ${victim.workerName}, finished on ${killedJob?.processedBy ?? '?'} after ${killedJob?.stalledCounter ?? '?'} stall(s); return value ${JSON.stringify(killedJob?.returnvalue)}`,
      );
      const results = JSON.parse(readFileSync(queued.paths.results, 'utf8')) as { notes: string[] };
      t.true(results.notes.some((n) => n.includes(queued.batchId)));
      t.regex(readFileSync(queued.paths.report, 'utf8'), /test RMSE/);
    } finally {
      await queue.close();
    }
  });
}
