/**
 * The fuzz list: hostile values for every public entry point that takes user data (files, options,
 * configs, expressions). Each must fail with a typed `BnnError` subclass, never a raw RangeError,
 * TypeError or a tfjs message, and leave no tensor behind.
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bnn from '../../src/node.js';
import { readConfigFile } from '../../cli/config.js';
import { SEGMENT_OPTIONS } from '../../cli/command-options.js';
import { resolveWeighting } from '../../cli/study/weightings.js';
import { parsePrior } from '../../cli/segment/choices.js';

const { BnnError } = bnn;
const scratch = await mkdtemp(join(tmpdir(), 'tfjs-bnn-fuzz-'));

/** Values that are wrong for any required argument (`undefined` too). */
const HOSTILE: readonly unknown[] = [undefined, null, Number.NaN, -1, Infinity, '', 'x', [], {}, () => 1, Symbol('s')];
/** Values that are wrong for an optional numeric option (`undefined` and `null` mean "use the default" there, as `??` reads them). */
const HOSTILE_OPTIONAL: readonly unknown[] = HOSTILE.filter((value) => value !== undefined && value !== null);
/** Values that are wrong for a seed (any finite number or non-empty string is a valid seed). */
const HOSTILE_SEED: readonly unknown[] = [undefined, null, Number.NaN, Infinity, '', [], {}, () => 1, Symbol('s')];

type Call = () => unknown;
const cases: Array<[string, Call]> = [];
const add = (name: string, call: Call) => cases.push([name, call]);

// Files and formats.
const niftiHeader = bnn.encodeNifti(new Float32Array(8), bnn.defaultGeometry([2, 2, 2]));
for (const [name, bytes] of [
  ['empty', new Uint8Array(0)],
  ['random', Uint8Array.from({ length: 400 }, (_, i) => (i * 37) % 256)],
  ['gzip header only', Uint8Array.from([0x1f, 0x8b, 8, 0])],
  [
    'header with dim[1]=0',
    (() => {
      const b = Uint8Array.from(niftiHeader);
      new DataView(b.buffer).setInt16(42, 0, true);
      return b;
    })(),
  ],
  [
    'header with vox_offset=-100',
    (() => {
      const b = Uint8Array.from(niftiHeader);
      new DataView(b.buffer).setFloat32(108, -100, true);
      return b;
    })(),
  ],
] as const) {
  add(`parseNifti(${name})`, () => bnn.parseNifti(bytes));
  add(`decodePng(${name})`, () => bnn.decodePng(bytes));
}
add('readNifti(missing file)', () => bnn.readNifti(join(scratch, 'missing.nii')));
add('readNifti(a folder)', () => bnn.readNifti(scratch));
add('readPng(missing file)', () => bnn.readPng(join(scratch, 'missing.png')));
add('readPngSlices(missing folder)', () => bnn.readPngSlices(join(scratch, 'none')));
add('loadModel(empty folder)', () => bnn.loadModel(scratch));
for (const value of HOSTILE) add(`loadModel(${String(value)})`, () => bnn.loadModel(value as string));
add('parseDigitsCsv(garbage)', () => bnn.parseDigitsCsv('a,b,c\n1,2'));
add('parseDigitsCsv(empty)', () => bnn.parseDigitsCsv(''));
add('readCheckpoint(foreign file)', async () => {
  const dir = join(scratch, 'foreign-checkpoint');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'checkpoint.json'), 'not a checkpoint');
  return bnn.readCheckpoint(dir);
});
// A path that does not exist is "no checkpoint" (null), by design; anything that is not a path is refused.
for (const value of HOSTILE.filter((v) => typeof v !== 'string' || v === ''))
  add(`readCheckpoint(${String(value)})`, () => bnn.readCheckpoint(value as string));
add('readConfigFile(not JSON)', async () => {
  const path = join(scratch, 'bad.json');
  await writeFile(path, '{"epochs": ');
  return readConfigFile(path, 'segment', SEGMENT_OPTIONS);
});
add('readConfigFile(array)', async () => {
  const path = join(scratch, 'array.json');
  await writeFile(path, '[1, 2]');
  return readConfigFile(path, 'segment', SEGMENT_OPTIONS);
});

// Configs and expressions.
for (const spec of [
  null,
  1,
  'blundell',
  { name: 'nope' },
  { name: 'expression', config: { source: 'import("fs")' } },
  { name: 'product', config: { factors: 'x' } },
  { name: 'expression', config: { source: '('.repeat(5000) } },
]) {
  add(`klWeightingFromJSON(${JSON.stringify(spec)})`, () => bnn.klWeightingFromJSON(spec));
}
for (const source of ['', 'x +', 'epoch.constructor', 'a = 1', '1+'.repeat(30000) + '1', '-'.repeat(100) + '1', 'blundel']) {
  add(`expression(${source.slice(0, 12)})`, () => resolveWeighting(source, 10, 'fuzz', '--kl-weighting'));
}
for (const prior of ['', 'cauchy', 'normal:-1', 'normal:abc', 'scale-mixture:2,1,1', 'scale-mixture:0.5'])
  add(`parsePrior(${prior})`, () => parsePrior(prior, 'fuzz'));
for (const value of HOSTILE)
  add(`segmentationRecipe({epochs: ${String(value)}})`, () => bnn.segmentationRecipe({ epochs: value as number }));

// Options of the library's entry points.
for (const value of HOSTILE_SEED) add(`new NoiseSource(${String(value)})`, () => new bnn.NoiseSource(value as number));
for (const value of HOSTILE_OPTIONAL) {
  add(`generatePhantom({seed: 1, lesionFraction: ${String(value)}})`, () =>
    bnn.generatePhantom({ seed: 1, lesionFraction: value as number }),
  );
  add(`regressionToy({seed: 1, size: ${String(value)}})`, () => bnn.regressionToy({ seed: 1, size: value as number }));
  add(`earlyStopping({patience: ${String(value)}})`, () => bnn.earlyStopping({ patience: value as number }));
}
for (const value of HOSTILE) {
  add(`denseVariational({units: ${String(value)}})`, () => bnn.denseVariational({ units: value as number }));
  add(`conv2dVariational({filters: 2, kernelSize: ${String(value)}})`, () =>
    bnn.conv2dVariational({ filters: 2, kernelSize: value as number }),
  );
  add(`bayesianUNet(${String(value)})`, () => bnn.bayesianUNet(value as bnn.BayesianUNetArgs));
  add(`new Normal({loc: 0, scale: ${String(value)}})`, () => new bnn.Normal(0, value as number));
  add(`percentileClip([1, 2], [${String(value)}, 99])`, () => bnn.percentileClip([1, 2], [value as number, 99]));
  add(`reliabilityBins(${String(value)})`, () => bnn.reliabilityBins(value as Float32Array, new Float32Array(2)));
}

// fit, predictive and the ELBO with bad data and options.
function tinyModel(): tf.Sequential {
  return tf.sequential({ layers: [bnn.denseVariational({ units: 1, inputShape: [1] })] });
}
interface FuzzTensors {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly y3: tf.Tensor;
  readonly xInt: tf.Tensor;
  readonly xBool: tf.Tensor;
  readonly optimizer: tf.Optimizer;
}
const elboOptions = () => ({ likelihood: bnn.gaussian({ scale: 1 }), klWeighting: bnn.klWeighting.perExample() });
const fitCases: Array<[string, (model: tf.Sequential, d: FuzzTensors) => Promise<unknown> | unknown]> = [
  [
    'fit(x int32)',
    (model, d) => bnn.fit(model, { x: d.xInt, y: d.y }, { elbo: elboOptions(), optimizer: d.optimizer, epochs: 1, progress: 'silent' }),
  ],
  [
    'fit(epochs NaN)',
    (model, d) =>
      bnn.fit(model, { x: d.x, y: d.y }, { elbo: elboOptions(), optimizer: d.optimizer, epochs: Number.NaN, progress: 'silent' }),
  ],
  [
    'fit(y of another length)',
    (model, d) => bnn.fit(model, { x: d.x, y: d.y3 }, { elbo: elboOptions(), optimizer: d.optimizer, epochs: 1, progress: 'silent' }),
  ],
  [
    'fit(checkpoint keep "all")',
    (model, d) =>
      bnn.fit(
        model,
        { x: d.x, y: d.y },
        { elbo: elboOptions(), optimizer: d.optimizer, epochs: 1, checkpoint: { dir: scratch, keep: 'all' as 'last' }, progress: 'silent' },
      ),
  ],
  [
    'fit(elbo null)',
    (model, d) =>
      bnn.fit(
        model,
        { x: d.x, y: d.y },
        { elbo: null as unknown as bnn.ElboOptions, optimizer: d.optimizer, epochs: 1, progress: 'silent' },
      ),
  ],
  ['predictive(x bool)', (model, d) => bnn.predictive(model, d.xBool)],
  ['predictive(samples 0)', (model, d) => bnn.predictive(model, d.x, { samples: 0 })],
  [
    'new Elbo(model, {particles: -1})',
    (model) => new bnn.Elbo(model, { likelihood: bnn.gaussian({ scale: 1 }), klWeighting: bnn.klWeighting.perExample(), particles: -1 }),
  ],
  ['saveModel(not a model)', () => bnn.saveModel({} as tf.LayersModel, scratch)],
  ['writeNifti(wrong size)', () => bnn.writeNifti(join(scratch, 'x.nii'), new Float32Array(3), bnn.defaultGeometry([2, 2, 2]))],
];

test('the fuzz list: every hostile input to a public entry point is a typed BnnError', async (t) => {
  const untyped: string[] = [];
  const check = async (name: string, call: Call) => {
    try {
      await call();
      untyped.push(`${name}: did not throw`);
    } catch (error) {
      if (!(error instanceof BnnError))
        untyped.push(
          `${name}: ${(error as Error)?.constructor?.name ?? typeof error}: ${String((error as Error)?.message ?? error).split('\n')[0]}`,
        );
    }
  };
  for (const [name, call] of cases) await check(name, call);
  const before = tf.memory().numTensors;
  const data: FuzzTensors = {
    x: tf.zeros([4, 1]),
    y: tf.zeros([4, 1]),
    y3: tf.zeros([3, 1]),
    xInt: tf.zeros([4, 1], 'int32'),
    xBool: tf.zeros([4, 1], 'bool'),
    optimizer: tf.train.sgd(0.1),
  };
  for (const [name, call] of fitCases) {
    const start = tf.memory().numTensors;
    const model = tinyModel();
    await check(name, () => call(model, data));
    model.dispose();
    if (tf.memory().numTensors !== start) t.log(`${name}: ${tf.memory().numTensors - start} tensors left`);
  }
  tf.dispose([data.x, data.y, data.y3, data.xInt, data.xBool]);
  data.optimizer.dispose();
  t.is(tf.memory().numTensors, before, 'the failed calls leave no tensor behind');
  t.deepEqual(untyped, [], `${untyped.length} of ${cases.length + fitCases.length} hostile inputs were not typed errors`);
  t.true(cases.length + fitCases.length > 150, `${cases.length + fitCases.length} cases`);
});
