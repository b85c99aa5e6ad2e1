import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBayesian, setSamplingMode, variationalLayers, isVariationalLayer } from '../../layers/index.js';
import { saveModel, loadModel } from '../../layers/io.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fixedTensor } from './fixtures.js';

function sourceUNetLike(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 1] });
  const encoded = tf.layers
    .conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'enc' })
    .apply(input) as tf.SymbolicTensor;
  const normed = tf.layers.batchNormalization({ name: 'bn' }).apply(encoded) as tf.SymbolicTensor;
  const down = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(normed) as tf.SymbolicTensor;
  const up = tf.layers
    .conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', name: 'up' })
    .apply(down) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate({ name: 'skip' }).apply([normed, up]) as tf.SymbolicTensor;
  const logits = tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'head' }).apply(merged) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: 'source' });
  // Non-trivial batch-norm statistics, so that copying them matters.
  const bn = model.getLayer('bn');
  bn.setWeights(bn.getWeights().map((w, i) => tf.tidy(() => tf.add(fixedTensor(w.shape, 70 + i, 0.3), i === 3 ? 1 : 0))));
  return model;
}

test('toBayesian keeps the functional topology: same layer names, shapes and connections; converts exactly the conv layers', async (t) => {
  const source = sourceUNetLike();
  const converted = await toBayesian(source, { estimator: 'flipout' });
  t.deepEqual(
    converted.layers.map((l) => l.name),
    source.layers.map((l) => l.name),
  );
  t.deepEqual(
    converted.layers.map((l) => l.outputShape),
    source.layers.map((l) => l.outputShape),
  );
  t.deepEqual(
    variationalLayers(converted).map((l) => [l.name, l.getClassName(), l.estimator]),
    [
      ['enc', 'ConvVariational', 'flipout'],
      ['up', 'ConvTransposeVariational', 'flipout'],
      ['head', 'ConvVariational', 'flipout'],
    ],
  );
  t.deepEqual(
    converted.getLayer('skip').inboundNodes[0].inboundLayers.map((l) => l.name),
    ['bn', 'up'],
  );
  t.deepEqual(
    converted
      .getLayer('bn')
      .getWeights()
      .map((w) => Array.from(w.dataSync())),
    source
      .getLayer('bn')
      .getWeights()
      .map((w) => Array.from(w.dataSync())),
  );
  source.dispose();
  converted.dispose();
});

test('toBayesian with MOPED predicts like the source model in mean mode, starts with KL ≈ 0, samples near it, and survives save/load', async (t) => {
  const source = sourceUNetLike();
  const converted = await toBayesian(source, { moped: { delta: 0.1 } });
  const x = fixedTensor([2, 6, 6, 1], 71);
  setSamplingMode(converted, 'mean');
  const expected = source.predict(x) as tf.Tensor;
  const actual = converted.predict(x) as tf.Tensor;
  const meanError = tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]);
  t.true(meanError < 1e-5, `mean-mode |Δ| ${meanError}`);
  for (const layer of variationalLayers(converted)) {
    const kl = tf.tidy(() => layer.kl().dataSync()[0]);
    t.true(Math.abs(kl) < 1e-2 * layer.numVariationalWeights, `${layer.name}: KL at the MOPED init ${kl} (prior = posterior)`);
  }
  setSamplingMode(converted, 'sample');
  const sampled = withNoise(new NoiseSource(2), { step: 0 }, () => converted.predict(x) as tf.Tensor);
  const relative = tf.tidy(() => tf.norm(tf.sub(sampled, expected)).div(tf.norm(expected)).dataSync()[0]);
  t.true(relative > 0 && relative < 0.5, `a δ = 0.1 sample stays near the source: relative error ${relative}`);
  const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-moped-'));
  await saveModel(converted, dir);
  const loaded = await loadModel(dir);
  const klOf = (m: tf.LayersModel) => variationalLayers(m).map((l) => tf.tidy(() => l.kl().dataSync()[0]));
  t.deepEqual(klOf(loaded), klOf(converted), 'the empirical prior weights are saved');
  tf.dispose([x, expected, actual, sampled]);
  source.dispose();
  converted.dispose();
  loaded.dispose();
  await rm(dir, { recursive: true });
});

test('toBayesian converts a sequential dense model, honours `convert`, and rejects bad options with typed errors', async (t) => {
  const source = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', name: 'd1' }),
      tf.layers.dropout({ rate: 0.1 }),
      tf.layers.dense({ units: 2, name: 'd2' }),
    ],
  });
  const converted = await toBayesian(source, { convert: (name) => name !== 'd2', estimator: 'local' });
  t.true(isVariationalLayer(converted.getLayer('d1')));
  t.false(isVariationalLayer(converted.getLayer('d2')));
  t.deepEqual(
    Array.from(converted.getLayer('d2').getWeights()[0].dataSync()),
    Array.from(source.getLayer('d2').getWeights()[0].dataSync()),
  );
  await t.throwsAsync(toBayesian(source, { moped: { delta: -1 } }), {
    instanceOf: InvalidArgumentError,
    message: /toBayesian: argument 'moped.delta' was -1/,
  });
  await t.throwsAsync(toBayesian(source, { estimator: 'mc' as 'local' }), {
    instanceOf: InvalidArgumentError,
    message: /toBayesian: argument 'estimator'/,
  });
  const channelsFirst = tf.sequential({
    layers: [tf.layers.conv2d({ filters: 1, kernelSize: 1, inputShape: [1, 4, 4], dataFormat: 'channelsFirst', name: 'cf' })],
  });
  await t.throwsAsync(toBayesian(channelsFirst), {
    instanceOf: InvalidArgumentError,
    message: /toBayesian: argument 'layer 'cf'.dataFormat' was "channelsFirst"/,
  });
  source.dispose();
  converted.dispose();
  channelsFirst.dispose();
});
