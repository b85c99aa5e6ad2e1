import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { voxelMetrics, diceScore, countConfusion } from '../../../inference/metrics/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';

test('voxel Dice, TPR and FDR match hand counts (TP 2, FP 1, FN 1, TN 1)', (t) => {
  const m = voxelMetrics([1, 1, 0, 0, 1], [1, 0, 0, 1, 1]);
  t.deepEqual([m.truePositives, m.falsePositives, m.falseNegatives, m.trueNegatives], [2, 1, 1, 1]);
  t.is(m.dice, 4 / 6);
  t.is(m.tpr, 2 / 3);
  t.is(m.fdr, 1 / 3);
});

test('Dice is 1 for identical masks, 0 for disjoint ones, and 1 when both are empty (TPR, FDR NaN)', (t) => {
  t.is(diceScore([0, 1, 1, 0], [0, 1, 1, 0]), 1);
  t.is(diceScore([1, 0, 0, 0], [0, 1, 1, 0]), 0);
  const empty = voxelMetrics([0, 0, 0], [0, 0, 0]);
  t.is(empty.dice, 1);
  t.true(Number.isNaN(empty.tpr));
  t.true(Number.isNaN(empty.fdr));
});

test('probability tensors are thresholded at 0.5 (or the given threshold) and not disposed', async (t) => {
  await expectNoLeak(t, () => {
    const probability = tf.tensor4d([0.9, 0.6, 0.4, 0.1], [1, 2, 2, 1]);
    const truth = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    t.is(diceScore(probability, truth), 2 / 4);
    t.is(diceScore(probability, truth, { threshold: 0.3 }), (2 * 2) / (3 + 2));
    t.false(probability.isDisposed);
    probability.dispose();
    truth.dispose();
  });
});

test('countConfusion counts every voxel exactly once', (t) => {
  const predicted = Uint8Array.from([1, 0, 1, 0, 1, 1, 0, 0]);
  const truth = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 1]);
  const c = countConfusion(predicted, truth);
  t.is(c.truePositives + c.falsePositives + c.falseNegatives + c.trueNegatives, 8);
  t.deepEqual([c.truePositives, c.falsePositives, c.falseNegatives, c.trueNegatives], [2, 2, 2, 2]);
});

test('bad inputs give typed errors naming the function and argument', (t) => {
  const lengthError = t.throws(() => voxelMetrics([1, 0], [1, 0, 1]), { instanceOf: ShapeError });
  t.regex(lengthError.message, /voxelMetrics: 'truth' has shape \[3\]; expected 2 voxels/);
  const nanError = t.throws(() => diceScore([Number.NaN], [1]), { instanceOf: InvalidArgumentError });
  t.regex(nanError.message, /diceScore: argument 'predicted\[0\]' was NaN/);
  t.throws(() => diceScore('abc' as unknown as number[], [1]), { instanceOf: InvalidArgumentError, message: /array-like/ });
  t.throws(() => diceScore([1], [1], { threshold: Number.POSITIVE_INFINITY }), {
    instanceOf: InvalidArgumentError,
    message: /options.threshold/,
  });
});
