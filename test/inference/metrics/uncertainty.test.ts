import test from 'ava';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { auroc, errorDetectionAuroc, uncertaintyErrorOverlap, retentionCurve } from '../../../inference/metrics/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';

function bruteForceAuroc(scores: number[], targets: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!targets[i]) return;
    scores.forEach((r, j) => {
      if (targets[j]) return;
      pairs++;
      wins += s > r ? 1 : s === r ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

test('AUROC: perfect ranking = 1, reversed = 0, all ties = 0.5', (t) => {
  t.is(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  t.is(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  t.is(auroc([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1]), 0.5);
});

test('AUROC matches the scikit-learn example (0.75) and a partial tie (0.75)', (t) => {
  t.is(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  t.is(auroc([1, 1, 2], [0, 1, 1]), 0.75);
});

test('AUROC equals the pairwise (average-rank) definition on random inputs with ties', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 2, maxLength: 40 }), (pairs) => {
        const scores = pairs.map(([s]) => s);
        const targets = pairs.map(([, y]) => (y ? 1 : 0));
        if (!targets.includes(1) || !targets.includes(0)) return Number.isNaN(auroc(scores, targets));
        return Math.abs(auroc(scores, targets) - bruteForceAuroc(scores, targets)) < 1e-12;
      }),
      { seed: 11, numRuns: 200 },
    ),
  );
});

test('errorDetectionAuroc is 1 when uncertainty is high exactly on the errors, NaN without errors', async (t) => {
  await expectNoLeak(t, () => {
    const predicted = tf.tensor1d([0.9, 0.2, 0.7, 0.1, 0.6]);
    const truth = tf.tensor1d([1, 1, 0, 0, 1]);
    const uncertainty = tf.tensor1d([0.1, 0.6, 0.5, 0.0, 0.2]); // errors at voxels 1 and 2
    t.is(errorDetectionAuroc(uncertainty, predicted, truth), 1);
    t.true(Number.isNaN(errorDetectionAuroc(uncertainty, truth, truth)));
    tf.dispose([predicted, truth, uncertainty]);
  });
});

test('uncertainty–error overlap is 1 for an oracle map and matches a hand count at a fixed threshold', (t) => {
  const predicted = [1, 1, 0, 0, 1, 0];
  const truth = [1, 0, 1, 0, 1, 0]; // errors at 1 and 2
  const oracle = [0, 1, 1, 0, 0, 0];
  const best = uncertaintyErrorOverlap(oracle, predicted, truth);
  t.is(best.overlap, 1);
  // Uncertain = {1, 3}: overlap with errors {1, 2} is 1 voxel → Dice 2·1 / (2 + 2) = 0.5.
  t.is(uncertaintyErrorOverlap([0, 0.8, 0.1, 0.9, 0, 0], predicted, truth, { uncertaintyThreshold: 0.5 }).overlap, 0.5);
});

test('retention curve: oracle uncertainty reaches Dice 1 once all errors are referred; constant uncertainty is the closed form', (t) => {
  const predicted = [1, 1, 0, 0, 1, 0, 0, 0, 0, 0];
  const truth = [1, 0, 1, 0, 1, 0, 0, 0, 0, 0]; // TP 2, FP 1, FN 1
  const oracle = [0, 1, 1, 0, 0, 0, 0, 0, 0, 0];
  const curve = retentionCurve(oracle, predicted, truth, { points: 11 });
  t.is(curve.dice[0], 4 / 6);
  t.is(curve.dice[2], 1); // 20 % referred = both errors
  t.is(curve.dice[10], 1);
  // Constant uncertainty: every voxel referred with probability f, so FP' = 1−f, FN' = 1−f, TP' = 2+f.
  const flat = retentionCurve(new Array(10).fill(0.3), predicted, truth, { points: 11 });
  flat.fractions.forEach((f, i) => {
    const expected = (2 * (2 + f)) / (2 * (2 + f) + 2 * (1 - f));
    t.true(Math.abs(flat.dice[i] - expected) < 1e-12, `f=${f}`);
  });
  t.true(curve.area > flat.area);
  t.true(curve.area <= 1);
});

test('uncertainty metrics validate their inputs', (t) => {
  t.throws(() => auroc([0.1, Number.NaN], [0, 1]), { instanceOf: InvalidArgumentError, message: /auroc: argument 'scores\[1\]' was NaN/ });
  t.throws(() => errorDetectionAuroc([0.1], [1, 0], [1, 0]), { instanceOf: ShapeError, message: /errorDetectionAuroc/ });
  t.throws(() => retentionCurve([0.1], [1], [1], { points: 1 }), { instanceOf: InvalidArgumentError, message: /options.points/ });
  t.throws(() => retentionCurve([], [], []), { instanceOf: InvalidArgumentError, message: /at least one voxel/ });
});
