import test from 'ava';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { bernoulli, diceCoefficient, ohem, ohemMask, softDice, tversky, tverskyIndex } from '../../../inference/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

// 2 positives, 8 negatives with distinct losses: k = 3 × 2 = 6 negatives are kept.
const labels = [1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
const logits = [0.5, 3, -2, -1, 0.1, 2.5, -4, 1, 0.8, -0.5];

test('OHEM keeps every positive and exactly the k = 3·P hardest negatives; the rest have zero loss and zero gradient', (t) => {
  const y = tf.tensor2d(labels, [1, 10]);
  const z = tf.tensor2d(logits, [1, 10]);
  const full = take(bernoulli().perElement(y, z));
  const mined = take(ohem().perElement(y, z));
  const negatives = labels.flatMap((l, i) => (l === 0 ? [i] : []));
  const hardest = [...negatives].sort((a, b) => full[b] - full[a]).slice(0, 6);
  for (let i = 0; i < 10; i++) {
    const kept = labels[i] === 1 || hardest.includes(i);
    near(t, mined[i], kept ? full[i] : 0, 1e-7, `element ${i}`);
  }
  const grad = take(tf.grad((zz: tf.Tensor) => tf.sum(ohem().perElement(y, zz)))(z));
  for (let i = 0; i < 10; i++) {
    const kept = labels[i] === 1 || hardest.includes(i);
    if (kept) near(t, grad[i], 1 / (1 + Math.exp(-logits[i])) - labels[i], 1e-6, `gradient of kept ${i}`);
    else t.is(grad[i], 0, `gradient of dropped ${i}`);
  }
  tf.dispose([y, z]);
});

test('OHEM keeps min(k, negatives): all negatives when k exceeds them, none without positives', (t) => {
  const y = tf.tensor1d([1, 1, 0, 0]);
  const z = tf.tensor1d([0.1, 0.2, 0.3, -0.3]);
  t.true(
    take(ohem().perElement(y, z)).every((v) => v > 0),
    'k = 6 > 2 negatives: all kept',
  );
  t.deepEqual(take(ohem().perElement(tf.tensor1d([0, 0, 0]), tf.tensor1d([1, 2, 3]))), [0, 0, 0]);
  const minimum = take(ohem({ minNegatives: 1 }).perElement(tf.tensor1d([0, 0, 0]), tf.tensor1d([1, 3, 2])));
  t.deepEqual(
    minimum.map((v) => v > 0),
    [false, true, false],
    'minNegatives keeps the hardest',
  );
  tf.dispose([y, z]);
});

test('ohemMask keeps exactly min(⌊ratio·P⌋, negatives) negatives, each at least as hard as any dropped one (property)', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.array(fc.record({ positive: fc.boolean(), loss: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        (cells, ratio) => {
          const y = cells.map((c) => (c.positive ? 1 : 0));
          const loss = cells.map((c) => c.loss); // integer losses make ties common
          const mask = ohemMask(y, loss, ratio, 0);
          const positives = y.filter((v) => v === 1).length;
          const negatives = cells.length - positives;
          const keptNegatives = cells.filter((c, i) => !c.positive && mask[i] === 1);
          const droppedNegatives = cells.filter((c, i) => !c.positive && mask[i] === 0);
          const minKept = Math.min(...keptNegatives.map((c) => c.loss));
          const maxDropped = Math.max(...droppedNegatives.map((c) => c.loss));
          return (
            cells.every((c, i) => !c.positive || mask[i] === 1) &&
            keptNegatives.length === Math.min(Math.floor(ratio * positives), negatives) &&
            (keptNegatives.length === 0 || droppedNegatives.length === 0 || minKept >= maxDropped)
          );
        },
      ),
      { numRuns: 200 },
    ),
  );
});

test('Dice of identical masks is 1, of disjoint masks ≈ 0, and of half-overlapping masks 2|A∩B|/(|A|+|B|)', (t) => {
  const a = tf.tensor4d([1, 1, 0, 0, 1, 0, 0, 0], [2, 2, 2, 1]);
  const b = tf.tensor4d([0, 0, 1, 1, 0, 1, 1, 0], [2, 2, 2, 1]);
  const c = tf.tensor4d([1, 0, 1, 0, 1, 1, 0, 0], [2, 2, 2, 1]);
  for (const v of take(diceCoefficient(a, a))) near(t, v, 1, 1e-7);
  for (const v of take(diceCoefficient(a, b))) t.true(v < 1e-5, `disjoint gives ${v}`);
  const partial = take(diceCoefficient(a, c));
  near(t, partial[0], (2 * 1) / (2 + 2), 1e-5);
  near(t, partial[1], (2 * 1) / (1 + 2), 1e-5);
  for (const v of take(diceCoefficient(tf.zeros([1, 4]), tf.zeros([1, 4])))) near(t, v, 1, 1e-7, 'empty vs empty');
  tf.dispose([a, b, c]);
});

test('Tversky with α = β = ½ equals Dice (without smoothing); β > α penalises misses more than false alarms', (t) => {
  const y = tf.tensor2d([
    [1, 1, 0, 0],
    [0, 1, 1, 1],
  ]);
  const p = tf.tensor2d([
    [0.9, 0.2, 0.4, 0.1],
    [0.5, 0.5, 0.9, 0.1],
  ]);
  const dice = take(diceCoefficient(y, p, 0));
  take(tverskyIndex(y, p, 0.5, 0.5, 0)).forEach((v, i) => near(t, v, dice[i], 1e-6));
  const miss = tf.tensor2d([[1, 0, 0, 0]]);
  const alarm = tf.tensor2d([[1, 1, 1, 0]]);
  const truth = tf.tensor2d([[1, 1, 0, 0]]);
  const missLoss = take(tversky({ fromLogits: false }).perImage(truth, miss))[0];
  const alarmLoss = take(tversky({ fromLogits: false }).perImage(truth, alarm))[0];
  t.true(missLoss > alarmLoss, `miss ${missLoss} vs false alarm ${alarmLoss}`);
  tf.dispose([y, p, miss, alarm, truth]);
});

test('softDice and tversky give one value per image and a usable gradient from logits', (t) => {
  const y = tf.tensor4d([1, 0, 0, 1, 0, 0, 1, 1], [2, 2, 2, 1]);
  const z = tf.tensor4d([2, -1, 0.5, 1, -2, -2, 3, 0], [2, 2, 2, 1]);
  const loss = softDice().perImage(y, z);
  t.deepEqual(loss.shape, [2]);
  const probabilities = tf.sigmoid(z);
  take(loss).forEach((v, i) => near(t, v, 1 - take(diceCoefficient(y, probabilities))[i], 1e-6));
  const grad = take(tf.grad((zz: tf.Tensor) => tf.sum(tversky().perImage(y, zz)))(z));
  t.true(grad.every(Number.isFinite) && grad.some((g) => g !== 0));
  // Raising the logit of a missed foreground voxel lowers the loss: its gradient is negative.
  t.true(grad[7] < 0);
  tf.dispose([y, z, probabilities]);
});

test('imbalance losses reject bad arguments and shapes with typed errors', (t) => {
  t.throws(() => ohem({ ratio: 0 }), { instanceOf: InvalidArgumentError, message: /ohem: argument 'ratio' was 0/ });
  t.throws(() => ohem({ base: softDice() as never }), { instanceOf: InvalidArgumentError, message: /per-element Likelihood/ });
  t.throws(() => tversky({ alpha: -1 }), { instanceOf: InvalidArgumentError, message: /tversky: argument 'alpha'/ });
  t.throws(() => softDice({ smooth: -1 }), { instanceOf: InvalidArgumentError });
  const a = tf.zeros([2, 3]);
  const b = tf.zeros([2, 4]);
  t.throws(() => softDice().perImage(a, b), { instanceOf: ShapeError, message: /softDice\.perImage/ });
  t.throws(() => ohem().perElement(a, b), { instanceOf: ShapeError, message: /ohem\.perElement/ });
  tf.dispose([a, b]);
});

test('imbalance losses leak no tensors, gradients included', async (t) => {
  const y = tf.tensor2d(labels, [2, 5]);
  const z = tf.tensor2d(logits, [2, 5]);
  await expectNoLeak(t, () => {
    ohem().perElement(y, z).dispose();
    softDice().perImage(y, z).dispose();
    tversky().perImage(y, z).dispose();
    tf.grad((zz: tf.Tensor) => tf.sum(ohem().perElement(y, zz)))(z).dispose();
    tf.grad((zz: tf.Tensor) => tf.sum(softDice().perImage(y, zz)))(z).dispose();
  });
  tf.dispose([y, z]);
});
