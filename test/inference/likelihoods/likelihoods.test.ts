import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { bernoulli, categorical, focal, gaussian, gaussianHeteroscedastic, weightedBernoulli } from '../../../inference/index.js';
import { DtypeError, InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const logits = [-4, -1.5, -0.2, 0, 0.3, 2, 5];
const labels = [0, 1, 0, 1, 1, 0, 1];

test('bernoulli equals −[y log σ(z) + (1 − y) log(1 − σ(z))] and its gradient is σ(z) − y', (t) => {
  const y = tf.tensor2d(labels, [7, 1]);
  const z = tf.tensor2d(logits, [7, 1]);
  const values = take(bernoulli().perElement(y, z));
  logits.forEach((zi, i) =>
    near(t, values[i], -(labels[i] * Math.log(sigmoid(zi)) + (1 - labels[i]) * Math.log(1 - sigmoid(zi))), 1e-6, `z=${zi}`),
  );
  const grad = take(tf.grad((zz: tf.Tensor) => tf.sum(bernoulli().perElement(y, zz)))(z));
  logits.forEach((zi, i) => near(t, grad[i], sigmoid(zi) - labels[i], 1e-6));
  tf.dispose([y, z]);
});

test('bernoulli is finite for logits ±100 (and ±1e4) with finite gradients', (t) => {
  const z = tf.tensor1d([100, -100, 100, -100, 1e4, -1e4]);
  const y = tf.tensor1d([0, 1, 1, 0, 0, 1]);
  const values = take(bernoulli().perElement(y, z));
  t.deepEqual(
    values.map((v) => Math.round(v)),
    [100, 100, 0, 0, 1e4, 1e4],
  );
  t.true(values.every(Number.isFinite));
  const grad = take(tf.grad((zz: tf.Tensor) => tf.sum(bernoulli().perElement(y, zz)))(z));
  t.deepEqual(
    grad.map((g) => Math.round(g)),
    [1, -1, 0, 0, 1, -1],
  );
  tf.dispose([y, z]);
});

test('weightedBernoulli: w = 1 is bernoulli, w = 4 scales only the positive term', (t) => {
  const y = tf.tensor1d(labels);
  const z = tf.tensor1d(logits);
  t.deepEqual(
    take(weightedBernoulli({ positiveWeight: 1 }).perElement(y, z)).map((v) => v.toFixed(5)),
    take(bernoulli().perElement(y, z)).map((v) => v.toFixed(5)),
  );
  const weighted = take(weightedBernoulli({ positiveWeight: 4 }).perElement(y, z));
  logits.forEach((zi, i) =>
    near(t, weighted[i], -(4 * labels[i] * Math.log(sigmoid(zi)) + (1 - labels[i]) * Math.log(1 - sigmoid(zi))), 1e-5),
  );
  t.true(take(weightedBernoulli({ positiveWeight: 4 }).perElement(tf.tensor1d([1, 0]), tf.tensor1d([100, -100]))).every(Number.isFinite));
  tf.dispose([y, z]);
});

test('categorical: one-hot and integer labels both give −log softmax(z)_label, finite for large logits', (t) => {
  const rows = [
    [2, 0.5, -1],
    [0, 0, 0],
    [300, -300, 0],
  ];
  const label = [0, 2, 1];
  const z = tf.tensor2d(rows);
  const fromIndices = take(categorical().perElement(tf.tensor1d(label, 'int32'), z));
  const fromFloatIndices = take(categorical().perElement(tf.tensor1d(label), z));
  const fromOneHot = take(categorical().perElement(tf.oneHot(tf.tensor1d(label, 'int32'), 3).toFloat(), z));
  rows.forEach((row, i) => {
    const max = Math.max(...row);
    const logSumExp = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    near(t, fromIndices[i], logSumExp - row[label[i]], 1e-5, `row ${i}`);
    near(t, fromOneHot[i], fromIndices[i], 1e-6);
    near(t, fromFloatIndices[i], fromIndices[i], 1e-6);
  });
  z.dispose();
});

test('categorical keeps the spatial shape for segmentation: [B, H, W, K] logits give [B, H, W]', (t) => {
  const z = tf.zeros([2, 3, 4, 5]);
  const values = categorical().perElement(tf.zeros([2, 3, 4], 'int32'), z);
  t.deepEqual(values.shape, [2, 3, 4]);
  for (const v of take(values)) near(t, v, Math.log(5), 1e-6);
  z.dispose();
});

test('gaussian with fixed σ equals ½((y − μ)/σ)² + log σ + ½ log 2π', (t) => {
  const y = tf.tensor2d([[1], [-2], [0.5]]);
  const mean = tf.tensor2d([[0.5], [0], [0.5]]);
  const values = take(gaussian({ scale: 0.3 }).perElement(y, mean));
  [1, -2, 0.5].forEach((yi, i) => {
    const mu = [0.5, 0, 0.5][i];
    near(t, values[i], 0.5 * ((yi - mu) / 0.3) ** 2 + Math.log(0.3) + 0.5 * Math.log(2 * Math.PI), 1e-5);
  });
  tf.dispose([y, mean]);
});

test('heteroscedastic gaussian equals ½ e^(−s)(y − μ)² + ½ s + ½ log 2π (Kendall & Gal 2017)', (t) => {
  const y = tf.tensor2d([
    [1, 2],
    [-1, 0],
  ]);
  const output = tf.tensor2d([
    [0.5, 2.5, -1, 0.7],
    [0, 0, 2, -3],
  ]); // [μ1, μ2, s1, s2]
  const values = take(gaussianHeteroscedastic().perElement(y, output));
  const expected = [
    [1, 0.5, -1],
    [2, 2.5, 0.7],
    [-1, 0, 2],
    [0, 0, -3],
  ].map(([yi, mu, s]) => 0.5 * Math.exp(-s) * (yi - mu) ** 2 + 0.5 * s + 0.5 * Math.log(2 * Math.PI));
  values.forEach((v, i) => near(t, v, expected[i], 1e-5));
  tf.dispose([y, output]);
});

test('focal with γ = 0 and α = none equals binary cross-entropy; γ = 2, α = ¼ equals its formula', (t) => {
  const y = tf.tensor1d(labels);
  const z = tf.tensor1d(logits);
  const crossEntropy = take(bernoulli().perElement(y, z));
  take(focal({ gamma: 0, alpha: null }).perElement(y, z)).forEach((v, i) => near(t, v, crossEntropy[i], 1e-6));
  const values = take(focal().perElement(y, z));
  logits.forEach((zi, i) => {
    const pt = labels[i] === 1 ? sigmoid(zi) : 1 - sigmoid(zi);
    const alphaT = labels[i] === 1 ? 0.25 : 0.75;
    near(t, values[i], -alphaT * (1 - pt) ** 2 * Math.log(pt), 1e-5, `z=${zi}`);
  });
  const grad = take(tf.grad((zz: tf.Tensor) => tf.sum(focal({ gamma: 0.5 }).perElement(tf.tensor1d([1, 0]), zz)))(tf.tensor1d([40, -40])));
  t.true(grad.every(Number.isFinite), 'γ < 1 keeps finite gradients for confident examples');
  tf.dispose([y, z]);
});

test('mismatched shapes of y and output are ShapeErrors naming the function', (t) => {
  const a = tf.zeros([4, 1]);
  const b = tf.zeros([4, 2]);
  t.throws(() => bernoulli().perElement(a, b), {
    instanceOf: ShapeError,
    message: /bernoulli\.perElement: 'yTrue' has shape \[4, 1\]; expected the shape of 'modelOutput', \[4, 2\]/,
  });
  t.throws(() => focal().perElement(a, b), { instanceOf: ShapeError, message: /focal\.perElement/ });
  t.throws(() => gaussian().perElement(a, b), { instanceOf: ShapeError });
  t.throws(() => gaussianHeteroscedastic().perElement(b, b), { instanceOf: ShapeError, message: /\[4, 4\] \(means then log-variances/ });
  t.throws(() => categorical().perElement(tf.zeros([3], 'int32'), b), { instanceOf: ShapeError, message: /categorical\.perElement/ });
  t.throws(() => bernoulli().perElement(tf.zeros([4, 1], 'int32'), a), { instanceOf: DtypeError });
  t.throws(() => bernoulli().perElement([1, 0] as never, a), { instanceOf: InvalidArgumentError });
  tf.dispose([a, b]);
});

test('bad options are typed errors: γ < 0, α outside [0, 1], positiveWeight ≤ 0, σ ≤ 0', (t) => {
  t.throws(() => focal({ gamma: -1 }), {
    instanceOf: InvalidArgumentError,
    message: /focal: argument 'gamma' was -1; expected a finite number ≥ 0/,
  });
  t.throws(() => focal({ alpha: 1.5 }), { instanceOf: InvalidArgumentError, message: /'alpha' was 1.5/ });
  t.throws(() => weightedBernoulli({ positiveWeight: 0 }), {
    instanceOf: InvalidArgumentError,
    message: /weightedBernoulli: argument 'positiveWeight' was 0/,
  });
  t.throws(() => gaussian({ scale: -0.1 }), { instanceOf: InvalidArgumentError, message: /gaussian: argument 'scale'/ });
});

test('no likelihood leaks tensors', async (t) => {
  const y = tf.tensor2d([
    [1, 0],
    [0, 1],
  ]);
  const z = tf.tensor2d([
    [0.3, -2],
    [1, 4],
  ]);
  await expectNoLeak(t, () => {
    for (const likelihood of [bernoulli(), weightedBernoulli({ positiveWeight: 2 }), focal(), gaussian(), categorical()]) {
      likelihood.perElement(y, z).dispose();
    }
    const target = tf.slice(y, [0, 0], [2, 1]);
    gaussianHeteroscedastic().perElement(target, z).dispose();
    target.dispose();
    tf.grad((zz: tf.Tensor) => tf.sum(focal().perElement(y, zz)))(z).dispose();
  });
  tf.dispose([y, z]);
});
