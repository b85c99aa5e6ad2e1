// The recurrent and embedding layers inside models: bidirectional wrapping, save/load, toBayesian.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bidirectionalVariational,
  collectKL,
  denseVariational,
  disposeKLBreakdown,
  embeddingVariational,
  gruVariational,
  lstmVariational,
  setSamplingMode,
  simpleRNNVariational,
  toBayesian,
  variationalLayers,
  type RecurrentVariational,
} from '../../layers/index.js';
import { loadModel, saveModel } from '../../layers/io.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { parameterGroups } from '../../inference/inspector/index.js';
import { fixedTensor } from './fixtures.js';
import { setRecurrentWeights } from './recurrent-fixtures.js';

const IDS = [
  [3, 1, 4, 1, 0, 0],
  [5, 2, 6, 5, 3, 0],
];

for (const mergeMode of ['concat', 'sum'] as const) {
  test(`bidirectional (${mergeMode}): mean mode equals tf.layers.bidirectional(lstm) with the same weights; both clones are variational layers with their own KL and noise`, (t) => {
    const x = fixedTensor([2, 5, 3], 101);
    const ours = bidirectionalVariational({ layer: lstmVariational({ units: 2, returnSequences: true, name: 'encoder' }), mergeMode });
    const theirs = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnSequences: true }) as tf.RNN, mergeMode });
    const input = tf.input({ shape: [5, 3] });
    const model = tf.model({ inputs: input, outputs: ours.apply(input) as tf.SymbolicTensor });
    theirs.apply(input);
    const clones = variationalLayers(model) as RecurrentVariational[];
    t.deepEqual(
      clones.map((layer) => [layer.name, layer.goBackwards]),
      [
        ['forward_encoder', false],
        ['backward_encoder', true],
      ],
    );
    clones.forEach((layer, i) => setRecurrentWeights(layer, 110 + 10 * i, -3));
    theirs.setWeights(clones.flatMap((layer) => layer.variationalParameters.map((parameter) => parameter.loc)));
    tf.tidy(() => {
      const expected = theirs.apply(x) as tf.Tensor;
      t.is(setSamplingMode(model, 'mean'), 2);
      const difference = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, expected))).dataSync()[0];
      t.true(difference < 1e-5, `max |Δ| ${difference}`);
      setSamplingMode(model, 'sample');
      const sampled = withNoise(new NoiseSource(1), { step: 0 }, () => model.predict(x) as tf.Tensor);
      t.true(tf.max(tf.abs(tf.sub(sampled, expected))).dataSync()[0] > 1e-4, 'sampling draws from both clones');
    });
    const breakdown = collectKL(model);
    const sum = tf.tidy(() => tf.add(clones[0].kl(), clones[1].kl()).dataSync()[0]);
    t.is(breakdown.total.dataSync()[0], sum);
    t.true(sum > 0);
    disposeKLBreakdown(breakdown);
    tf.dispose(x);
    model.dispose();
    theirs.dispose();
  });
}

test('bidirectionalVariational refuses a layer that is not a variational recurrent layer', (t) => {
  t.throws(() => bidirectionalVariational({ layer: denseVariational({ units: 2 }) as unknown as RecurrentVariational }), {
    instanceOf: InvalidArgumentError,
    message: /bidirectionalVariational: argument 'layer' was .*; expected a variational recurrent layer/,
  });
});

function sequenceModel(): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const embedded = embeddingVariational({ inputDim: 7, outputDim: 4, maskZero: true, estimator: 'flipout', name: 'embed' }).apply(
    input,
  ) as tf.SymbolicTensor;
  const both = bidirectionalVariational({
    layer: lstmVariational({ units: 3, returnSequences: true, estimator: 'flipout', unitForgetBias: true, name: 'bi' }),
  }).apply(embedded) as tf.SymbolicTensor;
  const gru = gruVariational({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid', goBackwards: true, name: 'gru' }).apply(
    both,
  ) as tf.SymbolicTensor;
  const rnn = simpleRNNVariational({ units: 2, activation: 'relu', bayesianBias: false, name: 'rnn' }).apply(gru) as tf.SymbolicTensor;
  const output = denseVariational({ units: 1, name: 'head' }).apply(rnn) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

test('save → load keeps every recurrent/embedding setting and replays outputs and KL bit for bit (embedding, bidirectional LSTM, GRU, simple RNN)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-recurrent-io-'));
  const model = sequenceModel();
  variationalLayers(model).forEach((layer, i) => {
    if (layer.getClassName() !== 'EmbeddingVariational') setRecurrentWeights(layer as RecurrentVariational, 130 + 10 * i, -2);
  });
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  const settings = (m: tf.LayersModel) =>
    variationalLayers(m).map((layer) => {
      const config = layer.getConfig();
      return [
        layer.name,
        layer.getClassName(),
        layer.estimator,
        config.units,
        config.returnSequences,
        config.goBackwards,
        config.recurrentActivation,
        config.unitForgetBias,
        config.maskZero,
        layer.bayesianBias,
      ];
    });
  t.deepEqual(settings(loaded), settings(model));
  t.is(variationalLayers(loaded).length, 6);
  const ids = tf.tensor2d(IDS);
  const noise = new NoiseSource('recurrent-io');
  const run = (m: tf.LayersModel) =>
    tf.tidy(() => Array.from(withNoise(noise, { step: 4, particle: 1 }, () => m.predict(ids) as tf.Tensor).dataSync()));
  t.deepEqual(run(loaded), run(model));
  const kl = (m: tf.LayersModel) => variationalLayers(m).map((layer) => tf.tidy(() => layer.kl().dataSync()[0]));
  t.deepEqual(kl(loaded), kl(model));
  ids.dispose();
  model.dispose();
  loaded.dispose();
  await rm(dir, { recursive: true });
});

test('toBayesian converts Embedding, LSTM, GRU, SimpleRNN (inside Bidirectional too); with MOPED the mean-mode model predicts like the source', async (t) => {
  const source = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 7, outputDim: 4, maskZero: true, inputLength: 6, name: 'embed' }),
      tf.layers.lstm({ units: 3, returnSequences: true, name: 'lstm' }),
      tf.layers.bidirectional({
        layer: tf.layers.gru({ units: 2, returnSequences: true, recurrentActivation: 'sigmoid', name: 'gru' }) as tf.RNN,
        name: 'bi',
      }),
      tf.layers.simpleRNN({ units: 2, goBackwards: true, name: 'rnn' }),
      tf.layers.dense({ units: 1, name: 'head' }),
    ],
  });
  const converted = await toBayesian(source, { estimator: 'flipout', moped: { delta: 0.1 } });
  t.deepEqual(
    variationalLayers(converted).map((layer) => [layer.name, layer.getClassName(), layer.estimator]),
    [
      ['embed', 'EmbeddingVariational', 'flipout'],
      ['lstm', 'LSTMVariational', 'flipout'],
      ['forward_gru', 'GRUVariational', 'flipout'],
      ['backward_gru', 'GRUVariational', 'flipout'],
      ['rnn', 'SimpleRNNVariational', 'flipout'],
      ['head', 'DenseVariational', 'flipout'],
    ],
  );
  const ids = tf.tensor2d(IDS);
  setSamplingMode(converted, 'mean');
  tf.tidy(() => {
    const difference = tf.max(tf.abs(tf.sub(converted.predict(ids) as tf.Tensor, source.predict(ids) as tf.Tensor))).dataSync()[0];
    t.true(difference < 1e-5, `mean-mode max |Δ| ${difference}`);
  });
  const fresh = await toBayesian(source);
  t.is(variationalLayers(fresh).length, 6);
  await t.throwsAsync(toBayesian(source, { estimator: 'local' }), {
    instanceOf: InvalidArgumentError,
    message: /lstmVariational: argument 'estimator' was "local"/,
  });
  ids.dispose();
  source.dispose();
  converted.dispose();
  fresh.dispose();
});

test('wrappers are walked: variationalLayers and the inspector find the clones of a Bidirectional and the layer of a TimeDistributed', (t) => {
  const input = tf.input({ shape: [4, 3] });
  const both = bidirectionalVariational({ layer: gruVariational({ units: 2, returnSequences: true, name: 'gru' }) }).apply(
    input,
  ) as tf.SymbolicTensor;
  const head = tf.layers.timeDistributed({ layer: denseVariational({ units: 1, name: 'step_head' }) }).apply(both) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: head });
  t.deepEqual(
    variationalLayers(model).map((layer) => layer.name),
    ['forward_gru', 'backward_gru', 'step_head'],
  );
  const groups = parameterGroups(model).map((group) => `${group.layer}/${group.parameter}/${group.role}`);
  t.deepEqual(groups.slice(0, 6), [
    'forward_gru/kernel/loc',
    'forward_gru/kernel/rawScale',
    'forward_gru/recurrent_kernel/loc',
    'forward_gru/recurrent_kernel/rawScale',
    'forward_gru/bias/loc',
    'forward_gru/bias/rawScale',
  ]);
  t.is(groups.length, 16);
  t.true(groups.every((group) => !group.endsWith('/weight')));
  tf.tidy(() => {
    const output = withNoise(new NoiseSource(3), { step: 0 }, () => model.predict(fixedTensor([2, 4, 3], 140)) as tf.Tensor);
    t.deepEqual(output.shape, [2, 4, 1]);
  });
  model.dispose();
});
