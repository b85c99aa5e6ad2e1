import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { bernoulli, diceCrossEntropy, weightedBernoulli } from '../../../inference/likelihoods/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

// Two 2×2 images, channels last: image 0 holds one lesion voxel, image 1 none.
const labels = [0, 1, 0, 0, 0, 0, 0, 0];
const logits = [-1, 2, 0.5, -3, 1, -2, -0.5, 0];
const shape: [number, number, number, number] = [2, 2, 2, 1];
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The formula written out voxel by voxel in float64. */
function expected(lambda: number, w: number, s: number): number[] {
  return [0, 1].map((b) => {
    let ce = 0;
    let py = 0;
    let sumP = 0;
    let sumY = 0;
    for (let v = 0; v < 4; v++) {
      const y = labels[b * 4 + v];
      const p = sigmoid(logits[b * 4 + v]);
      ce += -w * y * Math.log(p) - (1 - y) * Math.log(1 - p);
      py += p * y;
      sumP += p;
      sumY += y;
    }
    return ce + lambda * 4 * (1 - (2 * py + s) / (sumP + sumY + s));
  });
}

test('diceCrossEntropy per image = Σ weighted CE + λ·V·(1 − soft Dice), checked against the formula in float64', (t) => {
  const y = tf.tensor4d(labels, shape);
  const z = tf.tensor4d(logits, shape);
  for (const [lambda, w, s] of [
    [1, 1, 1],
    [0.5, 10, 1],
    [2, 3, 1e-5],
    [1, 1, 0],
  ]) {
    const got = take(diceCrossEntropy({ diceWeight: lambda, positiveWeight: w, smooth: s }).perImage(y, z));
    const want = expected(lambda, w, s);
    t.is(got.length, 2);
    got.forEach((g, b) => near(t, g, want[b], 1e-5, `λ ${lambda}, w ${w}, s ${s}, image ${b}`));
  }
  tf.dispose([y, z]);
});

test('with λ = 0 the loss is the image sum of bernoulli() (w = 1) and of weightedBernoulli(w): the exact image NLL', (t) => {
  const y = tf.tensor4d(labels, shape);
  const z = tf.tensor4d(logits, shape);
  const plain = take(diceCrossEntropy({ diceWeight: 0 }).perImage(y, z));
  const reference = take(tf.sum(bernoulli().perElement(y, z), [1, 2, 3]));
  plain.forEach((v, b) => near(t, v, reference[b], 1e-6, `image ${b}`));
  const weighted = take(diceCrossEntropy({ diceWeight: 0, positiveWeight: 7 }).perImage(y, z));
  const weightedReference = take(tf.sum(weightedBernoulli({ positiveWeight: 7 }).perElement(y, z), [1, 2, 3]));
  weighted.forEach((v, b) => near(t, v, weightedReference[b], 1e-6, `weighted image ${b}`));
  tf.dispose([y, z]);
});

test('the Dice term rewards overlap: a confident correct prediction scores near 0, the same logits shifted off the lesion score ≈ λ·V', (t) => {
  const y = tf.tensor4d([0, 1, 0, 0], [1, 2, 2, 1]);
  const right = tf.tensor4d([-20, 20, -20, -20], [1, 2, 2, 1]);
  const wrong = tf.tensor4d([20, -20, -20, -20], [1, 2, 2, 1]);
  const loss = diceCrossEntropy({ diceWeight: 1, smooth: 0 });
  near(t, take(loss.perImage(y, right))[0], 0, 1e-6, 'correct');
  // CE: two voxels wrong by 20 nats each; Dice 0 → λ·V·1 = 4.
  near(t, take(loss.perImage(y, wrong))[0], 40 + 4, 1e-4, 'shifted');
  tf.dispose([y, right, wrong]);
});

test('the gradient of the Dice part pulls up the lesion logit and pushes down the others', (t) => {
  const y = tf.tensor4d([0, 1, 0, 0], [1, 2, 2, 1]);
  const z = tf.zeros([1, 2, 2, 1]);
  const grad = take(tf.grad((zz: tf.Tensor) => tf.sum(diceCrossEntropy().perImage(y, zz)))(z));
  t.true(grad[1] < 0, `lesion gradient ${grad[1]} < 0`);
  for (const i of [0, 2, 3]) t.true(grad[i] > 0, `background gradient ${grad[i]} > 0`);
  tf.dispose([y, z]);
});

test('diceCrossEntropy validates its options and inputs, naming the function, argument and value', (t) => {
  t.throws(() => diceCrossEntropy({ diceWeight: -1 }), {
    instanceOf: InvalidArgumentError,
    message: /diceCrossEntropy: argument 'diceWeight' was -1/,
  });
  t.throws(() => diceCrossEntropy({ positiveWeight: 0 }), {
    instanceOf: InvalidArgumentError,
    message: /diceCrossEntropy: argument 'positiveWeight' was 0/,
  });
  t.throws(() => diceCrossEntropy({ smooth: Number.NaN }), {
    instanceOf: InvalidArgumentError,
    message: /diceCrossEntropy: argument 'smooth'/,
  });
  t.throws(() => diceCrossEntropy(null as never), { instanceOf: InvalidArgumentError, message: /diceCrossEntropy: argument 'options'/ });
  const y = tf.zeros([1, 2, 2, 1]);
  const z = tf.zeros([1, 2, 3, 1]);
  t.throws(() => diceCrossEntropy().perImage(y, z), { instanceOf: ShapeError, message: /diceCrossEntropy\.perImage/ });
  tf.dispose([y, z]);
});

test('diceCrossEntropy leaks no tensors, forward or through its gradient', async (t) => {
  const y = tf.tensor4d(labels, shape);
  const z = tf.tensor4d(logits, shape);
  await expectNoLeak(t, () => {
    tf.dispose(diceCrossEntropy({ positiveWeight: 5 }).perImage(y, z));
    tf.dispose(tf.grad((zz: tf.Tensor) => tf.sum(diceCrossEntropy().perImage(y, zz)))(z));
  });
  tf.dispose([y, z]);
});
