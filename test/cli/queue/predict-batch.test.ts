/**
 * `predict --redis` over a real Redis server with 2 worker processes: every volume's result is
 * stored exactly once, and the collected summary and the maps the workers wrote equal the local
 * run's (same seed); `--no-wait` then `study collect` gives the same summary.
 */
import test from 'ava';
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchKeys } from '../../../cli/queue/names.js';
import { readNifti } from '../../../src/io/nifti-file.js';
import { redisTestsMayBeLeftOut, startRedisServer, ALLOW_MISSING_REDIS_ENV, type TestRedisServer } from '../../helpers/redis-server.js';
import { writePredictFixture, type PredictFixture } from '../predict-fixtures.js';
import { lastJsonLine, startCli, startWorker, stopAll, waitFor } from './processes.js';

interface VolumeRecord {
  name: string;
  maps: Record<string, string>;
  metrics: Record<string, number> | null;
}
interface Predictions {
  volumes: VolumeRecord[];
  means: Record<string, unknown>;
  failed: unknown[];
  pending: unknown[];
}

if (redisTestsMayBeLeftOut()) {
  test('predict batch: left out because redis-server is missing and the developer allowed it', (t) => {
    t.is(process.env[ALLOW_MISSING_REDIS_ENV], '1');
  });
} else {
  const root = mkdtempSync(join(tmpdir(), 'tfjs-bnn-predict-batch-'));
  let server: TestRedisServer | null = null;
  let fixture: PredictFixture;
  test.before(async () => {
    fixture = await writePredictFixture(root);
  });
  test.after.always(async () => {
    await stopAll();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const predictions = (dir: string) => JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as Predictions;

  test('predict --redis on 2 workers: each volume once, summary and maps identical to the local run; --no-wait + study collect too', async (t) => {
    server = await startRedisServer();
    const url = server.url;
    const args = [
      'predict',
      '--model',
      fixture.modelDir,
      '--inputs',
      ...fixture.subjects.map((s) => `${s.flair},${s.t1}`),
      '--mask',
      ...fixture.subjects.map((s) => s.mask),
      '--samples',
      '2',
      '--seed',
      '4',
    ];
    const local = startCli([...args, '--out', join(root, 'local'), '--json']);
    const workers = [startWorker(url, ['--output-root', root]), startWorker(url, ['--output-root', root])];
    const queued = startCli([...args, '--redis', url, '--output-root', root, '--out', join(root, 'queued'), '--json']);
    const [localStatus, queuedStatus] = await Promise.all([local.exited, queued.exited]);
    t.is(localStatus, 0, local.output());
    t.is(queuedStatus, 0, `${queued.output()}\n${workers.map((w) => w.output()).join('\n')}`);
    t.regex(queued.output(), /predict: \[#+\] 3\/3 · done 3 · running 0 · failed 0 · waiting 0/);

    const expected = predictions(join(root, 'local'));
    const got = predictions(join(root, 'queued'));
    t.is(got.volumes.length, 3);
    t.deepEqual(got.volumes, expected.volumes, 'the same records in input order');
    t.deepEqual(got.means, expected.means);
    t.deepEqual(got.failed, []);
    for (const volume of expected.volumes) {
      for (const file of Object.values(volume.maps)) {
        const [a, b] = await Promise.all([readNifti(join(root, 'local', file)), readNifti(join(root, 'queued', file))]);
        t.deepEqual(Array.from(b.data), Array.from(a.data), `${file} written by a worker equals the local one`);
      }
    }
    const batchId = String(lastJsonLine(queued.stdout()).batchId);
    const redis = new Redis(url);
    try {
      const stored = await redis.hkeys(batchKeys('tfjs-bnn', batchId).results);
      t.deepEqual(stored.sort(), [`${batchId}-r0`, `${batchId}-r1`, `${batchId}-r2`], 'one result per volume');

      // --no-wait: enqueue, let the workers finish, collect later (the summary goes to the batch's run folder).
      const later = startCli([...args, '--redis', url, '--output-root', root, '--out', join(root, 'later'), '--no-wait', '--json']);
      t.is(await later.exited, 0, later.output());
      const laterId = String(lastJsonLine(later.stdout()).batchId);
      t.regex(laterId, /^predict-/);
      await waitFor(
        'the --no-wait batch',
        async () => ((await redis.hlen(batchKeys('tfjs-bnn', laterId).results)) === 3 ? true : undefined),
        180_000,
      );
      const collect = startCli(['study', 'collect', laterId, '--redis', url, '--json']);
      t.is(await collect.exited, 0, collect.output());
      t.is((lastJsonLine(collect.stdout()).paths as { out: string }).out, join(root, 'later'));
      t.deepEqual(predictions(join(root, 'later')).volumes, expected.volumes);

      // A volume the model cannot take (one channel for a two-channel model) fails its job with the typed error; the batch completes.
      const bad = startCli([
        ...args.map((arg) => (arg === `${fixture.subjects[1].flair},${fixture.subjects[1].t1}` ? fixture.subjects[1].flair : arg)),
        '--redis',
        url,
        '--output-root',
        root,
        '--out',
        join(root, 'with-failure'),
        '--attempts',
        '1',
        '--json',
      ]);
      t.is(await bad.exited, 0, bad.output());
      const withFailure = predictions(join(root, 'with-failure')) as Predictions & { failed: Array<{ name: string; error: string }> };
      t.deepEqual(
        withFailure.volumes.map((v) => v.name),
        ['subject-0-flair', 'subject-2-flair'],
      );
      t.is(withFailure.failed.length, 1);
      t.is(withFailure.failed[0].name, 'subject-1-flair');
      t.regex(withFailure.failed[0].error, /^tfjs-bnn worker: .*subject-1-flair.*expected 2 channel file\(s\)/);
    } finally {
      redis.disconnect();
    }
  });
}
