/** `predict` job payloads: checked key by key like the command's options; every path confined to the worker's output root. */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareJob } from '../../../cli/queue/job-runner.js';
import { validateJobPayload } from '../../../cli/queue/payload.js';
import { relativeToRoot } from '../../../cli/queue/predict-batch.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const PREDICT = {
  kind: 'predict',
  batchId: 'predict-1',
  model: 'runs/trained',
  inputs: ['data/a-flair.nii.gz', 'data/a-t1.nii.gz'],
  mask: 'data/a-mask.nii.gz',
  out: 'runs/maps',
  samples: 4,
  seed: 2,
  minLesionSize: 3,
};

test('a predict payload validates to itself; without a mask too', (t) => {
  t.deepEqual(validateJobPayload(PREDICT), PREDICT);
  const { mask: _mask, ...unmasked } = PREDICT;
  t.deepEqual(validateJobPayload(unmasked), unmasked);
});

test('predict payloads: unknown keys, wrong types and missing keys fail with the typed error naming the key', (t) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...PREDICT, code: 'process.exit()' }, /argument 'job\.data\.code' was "process\.exit\(\)"; expected no such key in a 'predict' job/],
    [{ ...PREDICT, samples: '4' }, /argument 'job\.data\.samples' was "4"; expected an integer ≥ 1/],
    [{ ...PREDICT, samples: 0 }, /'job\.data\.samples' was 0/],
    [{ ...PREDICT, inputs: 'a.nii.gz' }, /'job\.data\.inputs' was "a\.nii\.gz"; expected a list of non-empty strings/],
    [{ ...PREDICT, inputs: [] }, /'job\.data\.inputs'/],
    [{ ...PREDICT, mask: 3 }, /'job\.data\.mask' was 3; expected a non-empty string \(or no mask key\)/],
    [{ ...PREDICT, model: undefined }, /'job\.data\.model' was undefined; expected a non-empty string/],
    [{ ...PREDICT, batchId: 'a:b' }, /'job\.data\.batchId' was "a:b"/],
  ];
  for (const [payload, message] of cases) t.throws(() => validateJobPayload(payload), { instanceOf: InvalidArgumentError, message });
});

test('predict job paths: resolved under the output root; absolute paths and .. escapes refused for every path key', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tfjs-bnn-predict-root-'));
  try {
    const prepared = prepareJob(validateJobPayload(PREDICT), root);
    t.is(prepared.kind, 'predict');
    if (prepared.kind !== 'predict') return;
    t.is(prepared.model, join(root, 'runs/trained'));
    t.deepEqual(prepared.input, {
      channels: [join(root, 'data/a-flair.nii.gz'), join(root, 'data/a-t1.nii.gz')],
      mask: join(root, 'data/a-mask.nii.gz'),
    });
    t.is(prepared.outDir, join(root, 'runs/maps'));
    for (const [key, value] of [
      ['model', '../elsewhere'],
      ['out', '/tmp/maps'],
      ['mask', 'data/../../x.nii.gz'],
    ] as const) {
      t.throws(() => prepareJob(validateJobPayload({ ...PREDICT, [key]: value }), root), {
        instanceOf: InvalidArgumentError,
        message: new RegExp(`job\\.data\\.${key}.*relative to the output root`),
      });
    }
    t.throws(() => prepareJob(validateJobPayload({ ...PREDICT, inputs: ['a.nii.gz', '../b.nii.gz'] }), root), {
      message: /job\.data\.inputs\[1\]/,
    });
    t.is(relativeToRoot(root, join(root, 'data', 'a.nii.gz'), '--inputs'), join('data', 'a.nii.gz'));
    t.throws(() => relativeToRoot(root, tmpdir(), '--out'), {
      instanceOf: InvalidArgumentError,
      message: /'--out' .*inside --output-root/,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
