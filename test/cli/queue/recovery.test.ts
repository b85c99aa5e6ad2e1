/**
 * Failure handling of the queue with a real Redis server: malformed jobs fail at once with the
 * typed error while the worker lives on; a run that throws is retried with back-off, then reported
 * as failed while the batch completes; a Redis restart in the middle of a batch is ridden out.
 */
import test from 'ava';
import { Queue } from 'bullmq';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchStore } from '../../../cli/queue/batch-store.js';
import { QueueEvents } from 'bullmq';
import { createRedisClient } from '../../../cli/queue/connection.js';
import { parseRedisUrl } from '../../../cli/queue/redis-url.js';
import { ALLOW_MISSING_REDIS_ENV, redisTestsMayBeLeftOut, startRedisServer, type TestRedisServer } from '../../helpers/redis-server.js';
import { lastJsonLine, startCli, startWorker, stopAll, waitFor, type CliProcess } from './processes.js';

const VALID_JOB = {
  kind: 'study-run',
  batchId: 'manual',
  task: 'regression-toy',
  weighting: 'perExample',
  seed: 0,
  epochs: 1,
  estimator: 'reparameterization',
};

if (redisTestsMayBeLeftOut()) {
  test('queue recovery: left out because redis-server is missing and the developer allowed it', (t) => {
    t.is(process.env[ALLOW_MISSING_REDIS_ENV], '1');
  });
} else {
  const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-recovery-'));
  const PASSWORD = 's3cret-pw';
  let server: TestRedisServer;
  let worker: CliProcess;
  let queue: Queue;
  test.before(async () => {
    server = await startRedisServer({ persistent: true, password: PASSWORD });
    // A long lock: these tests kill no worker, and a cpu U-Net step of the segment job can take seconds under load.
    worker = startWorker(server.url, ['--output-root', scratch, '--lock-duration', '120000']);
    queue = new Queue('tfjs-bnn', { connection: { url: server.url, maxRetriesPerRequest: null } });
  });
  test.after.always(async () => {
    await queue?.close();
    await stopAll();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('malformed jobs fail at once with the typed error, no retry, and the worker lives on', async (t) => {
    const bad = [
      {
        data: { ...VALID_JOB, extra: 1 },
        reason: /^InvalidArgumentError: tfjs-bnn worker: argument 'job\.data\.extra' was 1; expected no such key/,
      },
      { data: { ...VALID_JOB, seed: 'zero' }, reason: /argument 'job\.data\.seed' was "zero"; expected an integer ≥ 0/ },
      { data: { kind: 'shell', command: 'rm -rf /' }, reason: /argument 'job\.data\.kind' was "shell"; expected one of study-run/ },
      { data: { ...VALID_JOB, weighting: 'epoch +* 2' }, reason: /^InvalidArgumentError: klWeighting\.expression/ },
    ];
    const jobs = await Promise.all(
      bad.map((b, i) => queue.add('study-run', b.data, { jobId: `bad-${i}`, attempts: 3, backoff: { type: 'fixed', delay: 100 } })),
    );
    for (const [i, job] of jobs.entries()) {
      const reason = await waitFor(
        `job ${job.id} to fail`,
        async () => ((await queue.getJobState(job.id ?? '')) === 'failed' ? (await queue.getJob(job.id ?? ''))?.failedReason : undefined),
        60_000,
      );
      t.regex(reason, bad[i].reason);
      t.is((await queue.getJob(job.id ?? ''))?.attemptsMade, 1, 'an invalid payload is not retried');
    }
    t.is(worker.child.exitCode, null, 'the worker still runs');
  });

  test('a run that throws is retried with back-off, then listed as failed while the batch completes', async (t) => {
    const out = join(scratch, 'failing');
    const batch = startCli([
      'study',
      'kl',
      '--task',
      'regression-toy',
      '--epochs',
      '1',
      '--seeds',
      '1',
      '--weightings',
      'perExample,1/(epoch-epoch)',
      '--attempts',
      '2',
      '--backoff',
      '200',
      '--redis',
      server.url,
      '--out',
      out,
      '--json',
    ]);
    t.is(await batch.exited, 0, batch.output());
    const result = lastJsonLine(batch.stdout()) as {
      runs: Array<{ weighting: string }>;
      failed: Array<{ weighting: string; attempts: number; error: string }>;
      redis: string;
    };
    t.deepEqual(
      result.runs.map((r) => r.weighting),
      ['perExample'],
    );
    t.is(result.failed.length, 1);
    t.is(result.failed[0].weighting, '1/(epoch-epoch)');
    t.is(result.failed[0].attempts, 2);
    t.regex(result.failed[0].error, /argument 'weight' was Infinity/);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    t.regex(report, /Failed runs/);
    // The password appears nowhere: not in the result, the report, results.json or the output.
    t.is(result.redis, `redis://:***@127.0.0.1:${server.port}`);
    for (const text of [batch.output(), report, readFileSync(join(out, 'results.json'), 'utf8'), worker.output()])
      t.false(text.includes(PASSWORD));
  });

  test('a Redis restart during a batch: the worker and the waiting command reconnect and the batch completes', async (t) => {
    const out = join(scratch, 'restart');
    const batch = startCli([
      'study',
      'kl',
      '--task',
      'regression-toy',
      '--epochs',
      '3',
      '--seeds',
      '2',
      '--weightings',
      'perExample,blundell',
      '--redis',
      server.url,
      '--out',
      out,
      '--json',
    ]);
    const target = parseRedisUrl(server.url, 'test');
    const store = new BatchStore(
      createRedisClient(target, () => undefined),
      'tfjs-bnn',
    );
    try {
      const batchId = await waitFor('the batch id', () => /batch (kl-[\w-]+):/.exec(batch.output())?.[1], 60_000);
      await waitFor('a first result', async () => ((await store.countResults(batchId)) >= 1 ? true : undefined), 90_000);
      t.true((await store.countResults(batchId)) < 4, 'Redis restarts while runs are still to do');
      await server.restart();
      t.is(await batch.exited, 0, batch.output());
      const result = lastJsonLine(batch.stdout()) as { runs: unknown[]; failed: unknown[] };
      t.is(result.runs.length, 4);
      t.deepEqual(result.failed, []);
      t.is(worker.child.exitCode, null);
      t.regex(worker.output(), /worker: redis connection lost; reconnecting\n(.*\n)*worker: redis connection restored/);
      t.regex(batch.output(), /study kl: redis connection lost; reconnecting/);
    } finally {
      await store.close();
    }
  });

  test('a segment job writes its maps and report under the output root, once; a path out of the root fails the job', async (t) => {
    const tiny = { epochs: 1, phantomSize: 16, phantomCount: 4, batchSize: 3, samples: 2 };
    const events = new QueueEvents('tfjs-bnn', { connection: { url: server.url } });
    await events.waitUntilReady();
    try {
      const escape = await queue.add(
        'segment',
        { kind: 'segment', batchId: 'maps', out: '../escaped', options: tiny },
        { jobId: 'maps-escape', attempts: 3 },
      );
      await t.throwsAsync(() => escape.waitUntilFinished(events, 60_000), {
        message: /argument 'job\.data\.out' was "\.\.\/escaped"; expected a path relative to the output root/,
      });
      const first = await queue.add('segment', { kind: 'segment', batchId: 'maps', out: 'maps/run-1', options: tiny }, { jobId: 'maps-1' });
      t.deepEqual(await first.waitUntilFinished(events, 180_000), { stored: true });
      const out = join(scratch, 'maps', 'run-1');
      for (const file of [
        'report.html',
        'results.json',
        'maps/mean-probability.nii.gz',
        'maps/predictive-entropy.nii.gz',
        'maps/mutual-information.nii.gz',
      ])
        t.true(existsSync(join(out, file)), file);
      t.deepEqual(readdirSync(join(scratch, 'maps')), ['run-1'], 'no temporary folder is left');
      t.is(readFileSync(join(out, '.tfjs-bnn-job'), 'utf8'), 'maps-1');
      const written = statSync(join(out, 'results.json')).mtimeMs;
      // The same output folder again (a late duplicate): the first output and result are kept.
      const again = await queue.add(
        'segment',
        { kind: 'segment', batchId: 'maps', out: 'maps/run-1', options: tiny },
        { jobId: 'maps-1-again' },
      );
      t.deepEqual(await again.waitUntilFinished(events, 180_000), { stored: false });
      t.is(statSync(join(out, 'results.json')).mtimeMs, written);
      t.deepEqual(readdirSync(join(scratch, 'maps')), ['run-1']);
      const store = new BatchStore(
        createRedisClient(parseRedisUrl(server.url, 'test'), () => undefined),
        'tfjs-bnn',
      );
      const results = await store.readResults('maps');
      await store.close();
      t.deepEqual([...results.keys()], ['maps-1']);
      const result = results.get('maps-1') as { dice: number; paths: { report: string } };
      t.is(result.paths.report, join('maps', 'run-1', 'report.html'));
      t.true(result.dice >= 0 && result.dice <= 1);
      t.regex(worker.output(), /job maps-1-again finished again; the first result is kept and this duplicate is ignored/);
    } finally {
      await events.close();
    }
  });

  test('--no-wait prints the batch id; study collect writes the report later; an unknown batch is one line', async (t) => {
    const enqueue = startCli([
      'study',
      'kl',
      '--task',
      'regression-toy',
      '--epochs',
      '1',
      '--seeds',
      '1',
      '--weightings',
      'perExample',
      '--redis',
      server.url,
      '--no-wait',
      '--json',
    ]);
    t.is(await enqueue.exited, 0, enqueue.output());
    const { batchId, jobs, redis } = lastJsonLine(enqueue.stdout()) as { batchId: string; jobs: number; redis: string };
    t.is(jobs, 1);
    t.false(redis.includes(PASSWORD));
    const store = new BatchStore(
      createRedisClient(parseRedisUrl(server.url, 'test'), () => undefined),
      'tfjs-bnn',
    );
    await waitFor('the result', async () => ((await store.countResults(batchId)) === 1 ? true : undefined), 90_000);
    await store.close();
    const out = join(scratch, 'collected');
    const collect = startCli(['study', 'collect', batchId, '--redis', server.url, '--out', out, '--json']);
    t.is(await collect.exited, 0, collect.output());
    const result = lastJsonLine(collect.stdout()) as {
      batchId: string;
      status: string;
      runs: Array<{ weighting: string; seed: number }>;
      paths: { report: string };
    };
    t.is(result.batchId, batchId);
    t.is(result.status, 'complete');
    t.deepEqual(
      result.runs.map((r) => [r.weighting, r.seed]),
      [['perExample', 0]],
    );
    t.true(existsSync(result.paths.report));
    const unknown = startCli(['study', 'collect', 'kl-nothing-here', '--redis', server.url]);
    t.is(await unknown.exited, 2);
    t.regex(
      unknown.output(),
      /^tfjs-bnn study collect: queue tfjs-bnn at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ has no batch 'kl-nothing-here'/m,
    );
    const both = startCli(['study', 'kl', '--redis', server.url, '--no-wait', '--out', out]);
    t.is(await both.exited, 2);
    t.regex(both.output(), /argument '--out' .*expected no --out with --no-wait/);
  });

  test('SIGTERM while the worker holds a job: it finishes the job, stores its result and exits 0', async (t) => {
    const enqueue = startCli([
      'study',
      'kl',
      '--task',
      'regression-toy',
      '--epochs',
      '3',
      '--seeds',
      '1',
      '--weightings',
      'blundell',
      '--redis',
      server.url,
      '--no-wait',
      '--json',
    ]);
    t.is(await enqueue.exited, 0, enqueue.output());
    const { batchId } = lastJsonLine(enqueue.stdout()) as { batchId: string };
    await waitFor('the job to start', async () => ((await queue.getJobState(`${batchId}-r0`)) === 'active' ? true : undefined), 90_000);
    worker.child.kill('SIGTERM');
    t.is(await worker.exited, 0, worker.output());
    t.is(await queue.getJobState(`${batchId}-r0`), 'completed');
    const store = new BatchStore(
      createRedisClient(parseRedisUrl(server.url, 'test'), () => undefined),
      'tfjs-bnn',
    );
    t.is(await store.countResults(batchId), 1);
    await store.close();
    t.regex(worker.output(), /SIGTERM: finishing the running job, then stopping[\s\S]*job \S+-r0 done: blundell seed 0[\s\S]*stopped/);
  });
}
