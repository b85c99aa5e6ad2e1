import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { embeddingVariational, lstmVariational, priors, type Estimator } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError, ShapeError } from '../../src/errors.js';
import { expectNoLeak } from '../helpers/leak.js';
import { fixedValues, klNormal64, setParameter, softplus64 } from './fixtures.js';

const VOCAB = 6;
const WIDTH = 3;
const RAW_SCALE = -1;
// Row 0 of sequence 0 repeats index 2; index 5 is never looked up.
const IDS = [
  [2, 1, 2, 0],
  [4, 4, 3, 0],
];
const ESTIMATORS: Estimator[] = ['reparameterization', 'flipout', 'local'];

function builtEmbedding(estimator: Estimator, name: string, maskZero = false) {
  const layer = embeddingVariational({ inputDim: VOCAB, outputDim: WIDTH, estimator, name, maskZero });
  layer.apply(tf.input({ shape: [4] }));
  setParameter(layer, 'embeddings', fixedValues(VOCAB * WIDTH, 81), new Float32Array(VOCAB * WIDTH).fill(RAW_SCALE));
  return layer;
}

const rowsOf = (output: tf.Tensor) => output.arraySync() as number[][][];

test("'mean' mode equals tf.layers.embedding with the same table (int32 and float indices, rank-3 input)", (t) => {
  const layer = builtEmbedding('reparameterization', 'mean_embedding');
  layer.samplingMode = 'mean';
  const reference = tf.layers.embedding({ inputDim: VOCAB, outputDim: WIDTH });
  tf.tidy(() => {
    reference.apply(tf.input({ shape: [4] }));
    reference.setWeights([layer.variationalParameters[0].loc]);
    for (const ids of [tf.tensor2d(IDS, undefined, 'int32'), tf.tensor2d(IDS), tf.tensor3d([IDS, IDS])]) {
      const actual = layer.apply(ids) as tf.Tensor;
      const expected = reference.apply(ids) as tf.Tensor;
      t.deepEqual(actual.shape, [...ids.shape, WIDTH]);
      t.deepEqual(Array.from(actual.dataSync()), Array.from(expected.dataSync()));
    }
  });
  layer.dispose();
  reference.dispose();
});

test('maskZero: the mask is ids ≠ 0, and embedding → LSTM equals the tf.layers pipeline with masking in mean mode', (t) => {
  const ours = tf.sequential({
    layers: [
      embeddingVariational({ inputDim: VOCAB, outputDim: WIDTH, maskZero: true, samplingMode: 'mean' }),
      lstmVariational({ units: 2, returnSequences: true, samplingMode: 'mean' }),
    ],
  });
  const theirs = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: VOCAB, outputDim: WIDTH, maskZero: true }),
      tf.layers.lstm({ units: 2, returnSequences: true }),
    ],
  });
  const ids = tf.tensor2d(IDS);
  tf.tidy(() => {
    t.deepEqual(
      Array.from((ours.layers[0].computeMask(ids) as tf.Tensor).dataSync()),
      IDS.flat().map((id) => (id !== 0 ? 1 : 0)),
    );
    theirs.predict(ids);
    ours.predict(ids);
    theirs.setWeights(ours.getWeights().filter((_, i) => [0, 2, 4, 6].includes(i)));
    const actual = ours.predict(ids) as tf.Tensor;
    const expected = theirs.predict(ids) as tf.Tensor;
    const difference = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0];
    t.true(difference < 1e-5, `max |Δ| ${difference}`);
    const values = rowsOf(actual);
    t.deepEqual(values[0][3], values[0][2], 'the padded step keeps the previous output');
  });
  tf.dispose(ids);
  ours.dispose();
  theirs.dispose();
});

test('reparameterization draws the rows the batch looks up, once: loc + σ·ε with ε from <name>/embeddings in first-occurrence order; a repeated index gets the same row everywhere', (t) => {
  const layer = builtEmbedding('reparameterization', 'rows');
  const noise = new NoiseSource('rows');
  tf.tidy(() => {
    const output = rowsOf(withNoise(noise, { step: 2 }, () => layer.apply(tf.tensor2d(IDS)) as tf.Tensor));
    const distinct = [2, 1, 0, 4, 3];
    const epsilon = noise.draws({ step: 2 }, 'rows/embeddings').normal([distinct.length, WIDTH]).arraySync() as number[][];
    const loc = layer.variationalParameters[0].loc.arraySync() as number[][];
    const sigma = softplus64(RAW_SCALE);
    IDS.forEach((sequence, b) =>
      sequence.forEach((id, position) => {
        const expected = loc[id].map((m, j) => m + sigma * epsilon[distinct.indexOf(id)][j]);
        output[b][position].forEach((value, j) =>
          t.true(Math.abs(value - expected[j]) < 1e-5, `[${b},${position},${j}] ${value} vs ${expected[j]}`),
        );
      }),
    );
  });
  layer.dispose();
});

test('flipout keeps one row per index within a sequence and decorrelates sequences; local draws every position independently', (t) => {
  const noise = new NoiseSource('rows');
  const STEPS = 8;
  for (const estimator of ['flipout', 'local'] as const) {
    const layer = builtEmbedding(estimator, `rows_${estimator}`);
    let acrossSequencesEqual = 0;
    for (let step = 0; step < STEPS; step++) {
      tf.tidy(() => {
        const output = rowsOf(
          withNoise(
            noise,
            { step },
            () =>
              layer.apply(
                tf.tensor2d([
                  [2, 1, 2, 0],
                  [2, 1, 2, 0],
                ]),
              ) as tf.Tensor,
          ),
        );
        const same = (a: number[], b: number[]) => a.every((v, j) => Math.abs(v - b[j]) < 1e-6);
        t.is(same(output[0][0], output[0][2]), estimator === 'flipout', `${estimator}, step ${step}: index 2 twice in one sequence`);
        if (same(output[0][0], output[1][0])) acrossSequencesEqual += 1;
      });
    }
    // Flipout: the two sequences' rows of index 2 are equal only where every one of the WIDTH = 3
    // sign products agrees (probability 2·2⁻³ = ¼ per step); local reparameterization: never.
    if (estimator === 'flipout')
      t.true(acrossSequencesEqual <= STEPS / 2, `flipout: index 2 equal across sequences in ${acrossSequencesEqual} of ${STEPS} steps`);
    else t.is(acrossSequencesEqual, 0, 'local: index 2 equal across sequences');
    layer.dispose();
  }
});

for (const estimator of ESTIMATORS) {
  test(`${estimator}: unbiased — the average looked-up row over K draws is loc within 4.5 standard errors σ/√K`, (t) => {
    const K = 300;
    const layer = builtEmbedding(estimator, `unbiased_${estimator}`);
    const noise = new NoiseSource(`embedding-${estimator}`);
    const ids = tf.tensor2d(IDS);
    const average = tf.tidy(() =>
      rowsOf(tf.mean(tf.stack(Array.from({ length: K }, (_, step) => withNoise(noise, { step }, () => layer.apply(ids) as tf.Tensor))), 0)),
    );
    const loc = layer.variationalParameters[0].loc.arraySync() as number[][];
    const standardError = softplus64(RAW_SCALE) / Math.sqrt(K);
    IDS.forEach((sequence, b) =>
      sequence.forEach((id, position) =>
        average[b][position].forEach((value, j) =>
          t.true(Math.abs(value - loc[id][j]) < 4.5 * standardError, `[${b},${position},${j}] ${value} vs ${loc[id][j]}`),
        ),
      ),
    );
    ids.dispose();
    layer.dispose();
  });
}

test('the KL is the closed form summed over the whole table, rows never looked up included', (t) => {
  const layer = embeddingVariational({ inputDim: VOCAB, outputDim: WIDTH, prior: priors.normal({ loc: 0, scale: 0.3 }) });
  layer.apply(tf.input({ shape: [4] }));
  const loc = fixedValues(VOCAB * WIDTH, 90);
  const raw = fixedValues(VOCAB * WIDTH, 91).map((v) => v - 2);
  setParameter(layer, 'embeddings', loc, raw);
  const expected = Array.from(loc).reduce((sum, m, i) => sum + klNormal64(m, softplus64(raw[i]), 0, 0.3), 0);
  const kl = tf.tidy(() => layer.kl().dataSync()[0]);
  t.true(Math.abs(kl - expected) < 1e-4 * expected, `${kl} vs ${expected}`);
  t.is(layer.numVariationalWeights, VOCAB * WIDTH);
  t.deepEqual(
    layer.variationalParameters.map((p) => p.name),
    ['embeddings'],
  );
  layer.dispose();
});

test('likelihood gradients are finite, reach exactly the looked-up rows, and leave no tensors behind (all estimators)', async (t) => {
  const ids = tf.tensor2d(IDS);
  await expectNoLeak(t, () => {
    for (const estimator of ESTIMATORS) {
      const layer = builtEmbedding(estimator, `grads_${estimator}`);
      const [table] = layer.variationalParameters;
      const { value, grads } = tf.variableGrads(
        () =>
          withNoise(new NoiseSource(9), { step: 0 }, () => tf.tidy(() => tf.sum(tf.square(layer.apply(ids) as tf.Tensor)) as tf.Scalar)),
        [table.loc, table.rawScale],
      );
      for (const gradient of Object.values(grads)) {
        const rows = gradient.arraySync() as number[][];
        t.true(rows.flat().every(Number.isFinite));
        rows.forEach((row, id) =>
          t.is(
            row.some((v) => v !== 0),
            IDS.flat().includes(id),
            `${estimator}: row ${id}`,
          ),
        );
      }
      tf.dispose([value, ...Object.values(grads)]);
      layer.dispose();
    }
  });
  ids.dispose();
});

test('bad arguments and inputs are typed errors', (t) => {
  t.throws(() => embeddingVariational({ inputDim: 0, outputDim: 2 }), {
    instanceOf: InvalidArgumentError,
    message: "embeddingVariational: argument 'inputDim' was 0; expected an integer ≥ 1.",
  });
  t.throws(() => embeddingVariational({ inputDim: 3, outputDim: 2.5 }), {
    instanceOf: InvalidArgumentError,
    message: /argument 'outputDim' was 2.5/,
  });
  t.throws(() => embeddingVariational({ inputDim: 3, outputDim: 2, estimator: 'bbb' as 'local' }), {
    instanceOf: InvalidArgumentError,
    message: /'estimator' was "bbb"/,
  });
  const layer = embeddingVariational({ inputDim: 3, outputDim: 2, inputLength: 4 });
  t.throws(() => layer.apply(tf.input({ shape: [4, 2] })), {
    instanceOf: ShapeError,
    message: /EmbeddingVariational.computeOutputShape: 'input' has shape \[-1, 4, 2\]; expected rank 2 \(inputLength 4\)/,
  });
  layer.apply(tf.input({ shape: [4] }));
  t.throws(() => tf.tidy(() => layer.apply(tf.tensor2d([[1, 2, 0, 1]])) as tf.Tensor), {
    instanceOf: NoiseSourceError,
    message: /EmbeddingVariational.call: a stochastic forward pass ran without a noise source/,
  });
  layer.dispose();
});
