/** The queue's pure parts: URL masking, payload validation, result encoding, progress line, names. */
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confinedPath } from '../../../cli/queue/output-root.js';
import { decodeResult, encodeResult } from '../../../cli/queue/batch-store.js';
import { isSettled, progressLine } from '../../../cli/queue/batch-state.js';
import { reconnectDelay, MAX_RECONNECT_DELAY_MS } from '../../../cli/queue/connection.js';
import { checkQueueName, jobIdOf, newBatchId } from '../../../cli/queue/names.js';
import { prepareJob } from '../../../cli/queue/job-runner.js';
import { BATCH_ID_PATTERN, validateJobPayload } from '../../../cli/queue/payload.js';
import { maskRedisUrl, maskSecrets, parseRedisUrl } from '../../../cli/queue/redis-url.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const VALID = {
  kind: 'study-run',
  batchId: 'b-1',
  task: 'regression-toy',
  weighting: 'perExample',
  seed: 3,
  epochs: 2,
  estimator: 'flipout',
};

test('redis URLs: the password is masked in every form, TLS is recognised, other protocols are refused', (t) => {
  t.is(maskRedisUrl('redis://:hunter2@db.example:6380/2'), 'redis://:***@db.example:6380/2');
  t.is(maskRedisUrl('rediss://alice:hunter2@db.example'), 'rediss://alice:***@db.example');
  t.is(maskRedisUrl('redis://hunter2@db.example'), 'redis://***@db.example', 'ioredis reads a lone user part as the password');
  t.is(maskRedisUrl('redis://db.example:6379?password=hunter2'), 'redis://db.example:6379?password=***');
  t.is(maskRedisUrl('not a url hunter2'), '<unparsable redis URL>');
  const target = parseRedisUrl('rediss://alice:hunter2@db.example:6380', 'cmd');
  t.true(target.tls);
  t.is(target.password, 'hunter2');
  t.is(
    maskSecrets('connect ECONNREFUSED rediss://alice:hunter2@db.example:6380 (auth hunter2)', target),
    'connect ECONNREFUSED rediss://alice:***@db.example:6380 (auth ***)',
  );
  t.false(parseRedisUrl('redis://127.0.0.1:6379', 'cmd').tls);
  const refused = t.throws(() => parseRedisUrl('http://u:hunter2@host', 'cmd'), { instanceOf: InvalidArgumentError });
  t.false(refused.message.includes('hunter2'));
  t.throws(() => parseRedisUrl('redis://host/abc', 'cmd'), { message: /database number/ });
  t.throws(() => parseRedisUrl(undefined, 'cmd'), { message: /argument '--redis' was undefined; .*required/ });
});

test('job payloads: the valid one passes; unknown keys, wrong types, unknown kinds and non-objects are typed errors', (t) => {
  t.deepEqual(validateJobPayload(VALID), VALID);
  const cases: Array<[unknown, RegExp]> = [
    [{ ...VALID, command: 'rm -rf /' }, /argument 'job\.data\.command' was "rm -rf \/"; expected no such key in a 'study-run' job/],
    [{ ...VALID, seed: 1.5 }, /argument 'job\.data\.seed' was 1\.5; expected an integer ≥ 0/],
    [{ ...VALID, epochs: '2' }, /argument 'job\.data\.epochs' was "2"; expected an integer ≥ 1/],
    [{ ...VALID, task: 'mnist' }, /argument 'job\.data\.task' was "mnist"; expected one of regression-toy, digits, phantom/],
    [{ ...VALID, batchId: '../x' }, /argument 'job\.data\.batchId' was "\.\.\/x"/],
    [{ ...VALID, estimator: undefined }, /argument 'job\.data\.estimator'/],
    [{ kind: 'eval', code: 'process.exit()' }, /argument 'job\.data\.kind' was "eval"; expected one of study-run, segment/],
    [[VALID], /argument 'job\.data' was .*; expected a plain object/],
    [null, /argument 'job\.data' was null/],
  ];
  for (const [data, message] of cases)
    t.throws(() => validateJobPayload(data), { instanceOf: InvalidArgumentError, message }, JSON.stringify(data));
  // The weighting is parsed by mathjs (never evaluated as JavaScript) before any training.
  t.throws(() => prepareJob(validateJobPayload({ ...VALID, weighting: 'process.exit(1)' }), tmpdir()), {
    instanceOf: InvalidArgumentError,
  });
  const prepared = prepareJob(validateJobPayload({ ...VALID, weighting: 'blundell' }), tmpdir());
  t.is(prepared.kind === 'study-run' ? prepared.weighting.reduction : null, 'sum');
});

test('stored results keep NaN and ±Infinity, which plain JSON would turn into null', (t) => {
  const value = { metrics: { a: Number.NaN, b: Infinity, c: -Infinity, d: 0.125 }, list: [1, Number.NaN], text: 'x' };
  const back = decodeResult(encodeResult(value)) as typeof value;
  t.true(Number.isNaN(back.metrics.a));
  t.is(back.metrics.b, Infinity);
  t.is(back.metrics.c, -Infinity);
  t.is(back.metrics.d, 0.125);
  t.true(Number.isNaN(back.list[1]));
  t.is(back.text, 'x');
});

test('the progress line counts done, running, failed and waiting with a bar over the finished fraction', (t) => {
  const counts = { total: 8, done: 3, running: 2, failed: 1, waiting: 2, missing: 0 };
  t.is(progressLine(counts), '[############------------] 4/8 · done 3 · running 2 · failed 1 · waiting 2');
  t.false(isSettled(counts));
  t.true(isSettled({ total: 2, done: 1, running: 0, failed: 1, waiting: 0, missing: 0 }));
  t.regex(progressLine({ total: 1, done: 0, running: 0, failed: 0, waiting: 0, missing: 1 }), /missing 1$/);
});

test('names: batch ids fit the payload pattern and job ids are deterministic; bad queue names are refused', (t) => {
  const id = newBatchId('kl', new Date('2026-01-02T03:04:05.678Z'));
  t.regex(id, /^kl-2026-01-02T03-04-05Z-[0-9a-f]{6}$/);
  t.true(BATCH_ID_PATTERN.test(id));
  t.is(jobIdOf(id, 4), `${id}-r4`);
  t.is(checkQueueName('sweeps.gpu-1', 'cmd'), 'sweeps.gpu-1');
  t.throws(() => checkQueueName('a:b', 'cmd'), { instanceOf: InvalidArgumentError });
  t.is(reconnectDelay(1), 100);
  t.is(reconnectDelay(1000), MAX_RECONNECT_DELAY_MS);
});

test('job paths are confined to the output root: absolute paths, .. escapes and links out are refused', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tfjs-bnn-root-'));
  const outside = mkdtempSync(join(tmpdir(), 'tfjs-bnn-outside-'));
  try {
    symlinkSync(outside, join(root, 'link-out'));
    mkdirSync(join(root, 'data'));
    t.is(confinedPath(root, 'runs/a', 'w', 'out'), join(root, 'runs', 'a'));
    t.is(confinedPath(root, 'data/../runs/b', 'w', 'out'), join(root, 'runs', 'b'));
    for (const bad of ['../x', '/etc/passwd', 'runs/../../x', '.', '', 'link-out/x', 'link-out']) {
      t.throws(
        () => confinedPath(root, bad, 'tfjs-bnn worker', 'job.data.out'),
        {
          instanceOf: InvalidArgumentError,
          message: /argument 'job\.data\.out' was .*; expected a path relative to the output root that stays inside it/,
        },
        bad,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('segment job payloads are checked against the segment command options; their paths against the output root', (t) => {
  const segment = { kind: 'segment', batchId: 'maps-1', out: 'runs/one', options: { epochs: 1, phantomSize: 16, loss: 'focal' } };
  t.deepEqual(validateJobPayload(segment), segment);
  t.throws(() => validateJobPayload({ ...segment, options: { epochs: 0 } }), {
    message: /argument 'job\.data\.options\.epochs' was 0; expected an integer ≥ 1/,
  });
  t.throws(() => validateJobPayload({ ...segment, options: { out: '/tmp/x' } }), {
    message: /argument 'job\.data\.options\.out' was "\/tmp\/x"; expected no such key/,
  });
  t.throws(() => validateJobPayload({ ...segment, options: { loss: 'mse' } }), { message: /job\.data\.options\.loss/ });
  t.throws(() => validateJobPayload({ ...segment, out: 7 }), { message: /argument 'job\.data\.out' was 7/ });
  const root = tmpdir();
  t.throws(() => prepareJob(validateJobPayload({ ...segment, out: '../escape' }), root), {
    message: /argument 'job\.data\.out' was "\.\.\/escape"/,
  });
  t.throws(() => prepareJob(validateJobPayload({ ...segment, options: { nifti: ['a.nii', '/etc/b.nii'] } }), root), {
    message: /argument 'job\.data\.options\.nifti\[1\]' was "\/etc\/b\.nii"/,
  });
  t.throws(() => prepareJob(validateJobPayload({ ...segment, options: { prior: 'cauchy' } }), root), { instanceOf: InvalidArgumentError });
  const prepared = prepareJob(validateJobPayload({ ...segment, options: { images: 'data/pngs' } }), root);
  t.is(prepared.kind === 'segment' ? prepared.options.images : null, join(root, 'data', 'pngs'));
  t.is(prepared.kind === 'segment' ? prepared.outDir : null, join(root, 'runs', 'one'));
});
