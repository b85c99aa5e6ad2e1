import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conv2dVariational, denseVariational, priors, variationalLayers, ESTIMATORS, type VariationalLayer } from '../../layers/index.js';
import { saveModel, loadModel } from '../../layers/io.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { FormatError } from '../../src/errors.js';
import { fixedTensor, fixedValues, setParameter } from './fixtures.js';

test('save → load round-trips weights, priors, estimators and init settings; outputs at the same noise position are bit-identical', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-io-'));
  const model = tf.sequential({
    layers: [
      conv2dVariational({
        filters: 2,
        kernelSize: 3,
        padding: 'same',
        inputShape: [5, 5, 1],
        estimator: 'flipout',
        activation: 'relu',
        posteriorInit: { rawScaleInit: -4 },
      }),
      tf.layers.flatten(),
      denseVariational({ units: 3, estimator: 'local', prior: priors.normal({ loc: 0.1, scale: 0.5 }), bayesianBias: false }),
      denseVariational({
        units: 2,
        prior: priors.scaleMixture({ pi: 0.25, scale1: Math.exp(-1), scale2: Math.exp(-7) }),
        posteriorInit: { locInitializer: 'heNormal' },
      }),
    ],
  });
  const last = model.layers[3] as VariationalLayer;
  setParameter(
    last,
    'kernel',
    fixedValues(6, 61),
    fixedValues(6, 62).map((v) => v - 3),
  );
  await saveModel(model, dir);
  t.deepEqual((await readdir(dir)).sort(), ['model.json', 'weights.bin'], 'no temporary files remain');
  const loaded = await loadModel(dir);
  const before = variationalLayers(model);
  const after = variationalLayers(loaded);
  t.deepEqual(
    after.map((l) => [
      l.name,
      l.getClassName(),
      l.estimator,
      l.prior,
      l.biasPrior,
      l.bayesianBias,
      l.activation,
      l.posteriorInit.rawScaleInit,
      l.posteriorInit.locInitializer.getClassName(),
    ]),
    before.map((l) => [
      l.name,
      l.getClassName(),
      l.estimator,
      l.prior,
      l.biasPrior,
      l.bayesianBias,
      l.activation,
      l.posteriorInit.rawScaleInit,
      l.posteriorInit.locInitializer.getClassName(),
    ]),
  );
  const x = fixedTensor([2, 5, 5, 1], 63);
  const noise = new NoiseSource('io');
  const run = (m: tf.LayersModel) =>
    tf.tidy(() => Array.from(withNoise(noise, { step: 9, particle: 1 }, () => m.predict(x) as tf.Tensor).dataSync()));
  t.deepEqual(run(loaded), run(model));
  const kl = (m: tf.LayersModel) =>
    variationalLayers(m).map((l) => withNoise(noise, { step: 9 }, () => tf.tidy(() => l.kl().dataSync()[0])));
  t.deepEqual(kl(loaded), kl(model));
  tf.dispose(x);
  model.dispose();
  loaded.dispose();
  await rm(dir, { recursive: true });
});

for (const estimator of ESTIMATORS) {
  test(`${estimator}: a reloaded dense model replays the same output bit for bit`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-io-'));
    const model = tf.sequential({
      layers: [denseVariational({ units: 4, inputShape: [3], estimator, activation: 'tanh' }), denseVariational({ units: 1, estimator })],
    });
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = fixedTensor([5, 3], 64);
    const noise = new NoiseSource(1);
    const run = (m: tf.LayersModel) => tf.tidy(() => Array.from(withNoise(noise, { step: 0 }, () => m.predict(x) as tf.Tensor).dataSync()));
    t.deepEqual(run(loaded), run(model));
    x.dispose();
    model.dispose();
    loaded.dispose();
    await rm(dir, { recursive: true });
  });
}

test('loading from a directory without a model is a FormatError naming the path', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-io-'));
  await t.throwsAsync(loadModel(dir), { instanceOf: FormatError, message: new RegExp(`loadModel: cannot read a model from '${dir}'`) });
  await rm(dir, { recursive: true });
});

/** Saves a 4→3 dense variational model (30 float32 values: kernel and bias loc and rawScale, 120 bytes). */
async function savedModel(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-io-'));
  const model = tf.sequential({ layers: [denseVariational({ units: 3, inputShape: [4] })] });
  await saveModel(model, dir);
  model.dispose();
  return dir;
}

type Damage = (dir: string) => Promise<void>;
const weightsPath = (dir: string) => join(dir, 'weights.bin');
const jsonPath = (dir: string) => join(dir, 'model.json');
async function editJson(
  dir: string,
  edit: (json: Record<string, unknown> & { weightsManifest: Array<{ weights: Array<Record<string, unknown>> }> }) => void,
): Promise<void> {
  const json = JSON.parse(await readFile(jsonPath(dir), 'utf8'));
  edit(json);
  await writeFile(jsonPath(dir), JSON.stringify(json));
}

const damagedModels: Array<[string, Damage, RegExp]> = [
  [
    'a truncated weights.bin',
    async (dir) => writeFile(weightsPath(dir), (await readFile(weightsPath(dir))).subarray(0, 50)),
    /weights.bin' has 50 bytes but the weights manifest describes 120 \(truncated\)/,
  ],
  [
    '16 extra bytes in weights.bin',
    async (dir) => writeFile(weightsPath(dir), Buffer.concat([await readFile(weightsPath(dir)), Buffer.alloc(16)])),
    /has 136 bytes but the weights manifest describes 120 \(longer than its manifest\)/,
  ],
  [
    'one altered byte in weights.bin',
    async (dir) => {
      const bytes = await readFile(weightsPath(dir));
      bytes[7] ^= 0xff;
      await writeFile(weightsPath(dir), bytes);
    },
    /is damaged: its sha256 [0-9a-f]{64} differs from the [0-9a-f]{64} recorded in model.json/,
  ],
  ['model.json that is not JSON', async (dir) => writeFile(jsonPath(dir), '{"modelTopology": '), /model.json' is not valid JSON/],
  [
    'a manifest entry with a negative dim',
    (dir) =>
      editJson(dir, (json) => {
        json.weightsManifest[0].weights[0].shape = [4, -3];
      }),
    /weightsManifest entry 0 \('.*'\) has shape \[4,-3\]; expected a list of integers ≥ 0/,
  ],
  [
    'a manifest entry with an unknown dtype',
    (dir) =>
      editJson(dir, (json) => {
        json.weightsManifest[0].weights[1].dtype = 'float128';
      }),
    /entry 1 .* has dtype "float128"/,
  ],
  [
    'a manifest entry without a name',
    (dir) =>
      editJson(dir, (json) => {
        delete json.weightsManifest[0].weights[2].name;
      }),
    /entry 2 has no string 'name'/,
  ],
  [
    'a manifest group without weights',
    (dir) =>
      editJson(dir, (json) => {
        json.weightsManifest = [{} as { weights: [] }];
      }),
    /a weightsManifest group without a 'weights' list/,
  ],
  [
    'a non-string checksum',
    (dir) =>
      editJson(dir, (json) => {
        json.weightsSha256 = 42;
      }),
    /weightsSha256 42; expected a hex string/,
  ],
  [
    'a topology with an unknown layer class',
    (dir) =>
      editJson(dir, (json) => {
        const topology = json.modelTopology as { config: { layers: Array<{ class_name: string }> } };
        topology.config.layers[0].class_name = 'NoSuchLayer';
      }),
    /holds a model that tfjs cannot rebuild \(.*NoSuchLayer/,
  ],
];

for (const [name, damage, message] of damagedModels) {
  test(`loadModel of a model with ${name} is a FormatError`, async (t) => {
    const dir = await savedModel();
    await damage(dir);
    await t.throwsAsync(loadModel(dir), { instanceOf: FormatError, message });
    await rm(dir, { recursive: true });
  });
}

test('a model saved without a recorded checksum (older saves) loads after the length check', async (t) => {
  const dir = await savedModel();
  await editJson(dir, (json) => {
    delete json.weightsSha256;
  });
  const model = await loadModel(dir);
  t.is(model.countParams(), 30);
  model.dispose();
  await rm(dir, { recursive: true });
});
