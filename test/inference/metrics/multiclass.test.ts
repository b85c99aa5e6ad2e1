import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  accuracyRejectionCurve,
  brierScore,
  classificationAccuracy,
  classwiseExpectedCalibrationError,
  expectedCalibrationError,
  misclassificationAuroc,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassNegativeLogLikelihood,
  multiclassReliabilityBins,
  reliabilityBins,
} from '../../../inference/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, near } from '../../helpers/leak.js';

// Hand-computed case: 4 examples, 3 classes (bins numbered from 0).
const probs = [
  [0.9, 0.05, 0.05], // label 0: correct, confidence 0.9 → bin 13 (0.8667, 0.9333]
  [0.6, 0.3, 0.1], // label 1: wrong, confidence 0.6 → bin 8 (0.5333, 0.6]
  [0.2, 0.7, 0.1], // label 1: correct, confidence 0.7 → bin 10 (0.6667, 0.7333]
  [0.5, 0.2, 0.3], // label 2: wrong, confidence 0.5 → bin 7 (0.4667, 0.5333]
];
const labels = [0, 1, 1, 2];

test('multi-class top-label ECE equals the hand-computed value (15 equal-width bins)', (t) => {
  // Each example alone in its bin: ECE = ¼(|1 − 0.9| + |0 − 0.6| + |1 − 0.7| + |0 − 0.5|) = 0.375.
  near(t, multiclassExpectedCalibrationError(probs, labels), 0.375, 1e-12);
  const bins = multiclassReliabilityBins(probs, labels);
  t.is(bins.length, 15);
  t.deepEqual(
    bins.map((b) => b.count),
    [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0],
  );
  // Two bins of width ½: [0, 0.5] holds 0.5 (wrong); (0.5, 1] holds 0.6 (wrong), 0.7, 0.9 → acc ⅔, conf 0.7333.
  near(t, multiclassExpectedCalibrationError(probs, labels, { bins: 2 }), 0.25 * 0.5 + 0.75 * Math.abs(2 / 3 - 2.2 / 3), 1e-12);
  // Adaptive, 2 bins: sorted confidences 0.5, 0.6 (acc 0, conf 0.55) | 0.7, 0.9 (acc 1, conf 0.8).
  near(t, multiclassExpectedCalibrationError(probs, labels, { bins: 2, binning: 'adaptive' }), 0.5 * 0.55 + 0.5 * 0.2, 1e-12);
});

test('class-wise ECE, Brier, NLL and accuracy equal their hand-computed values', (t) => {
  // One bin: class-wise ECE is the mean over classes of |mean p_k − frequency of k|.
  const meanP = [0.55, 0.3125, 0.1375];
  const freq = [0.25, 0.5, 0.25];
  near(
    t,
    classwiseExpectedCalibrationError(probs, labels, { bins: 1 }),
    meanP.reduce((s, p, k) => s + Math.abs(p - freq[k]), 0) / 3,
    1e-12,
  );
  const brier = probs.reduce((s, row, i) => s + row.reduce((r, p, k) => r + (p - (labels[i] === k ? 1 : 0)) ** 2, 0), 0) / 4;
  near(t, multiclassBrierScore(probs, labels), brier, 1e-12);
  near(t, multiclassNegativeLogLikelihood(probs, labels), -(Math.log(0.9) + Math.log(0.3) + Math.log(0.7) + Math.log(0.3)) / 4, 1e-12);
  t.is(classificationAccuracy(probs, labels), 0.5);
});

test('a perfectly calibrated multi-class predictor has a small ECE; an overconfident one does not', (t) => {
  // 3 classes, confidence c with the label drawn so that P(correct) = c exactly in frequency.
  const rows: number[][] = [];
  const ys: number[] = [];
  for (const c of [0.4, 0.6, 0.8, 1]) {
    for (let i = 0; i < 100; i++) {
      rows.push([c, (1 - c) / 2, (1 - c) / 2]);
      ys.push(i < c * 100 ? 0 : 1 + (i % 2));
    }
  }
  near(t, multiclassExpectedCalibrationError(rows, ys), 0, 1e-9);
  const sharp = rows.map(() => [0.98, 0.01, 0.01]);
  near(t, multiclassExpectedCalibrationError(sharp, ys), 0.98 - 0.7, 1e-9);
});

test('binary-only metrics refuse [N, K] softmax output and name the multi-class function', async (t) => {
  await expectNoLeak(t, () => {
    const softmax = tf.tensor2d(probs);
    const labelTensor = tf.tensor1d(labels);
    t.throws(() => expectedCalibrationError(softmax, labelTensor), {
      instanceOf: ShapeError,
      message: /multiclassExpectedCalibrationError/,
    });
    t.throws(() => reliabilityBins(softmax, labelTensor), { instanceOf: ShapeError, message: /multiclassReliabilityBins/ });
    t.throws(() => brierScore(softmax, labelTensor), { instanceOf: ShapeError, message: /multiclassBrierScore/ });
    // The multi-class function accepts the same tensors.
    near(t, multiclassExpectedCalibrationError(softmax, labelTensor), 0.375, 1e-6);
    // A [N, 1] binary column is still accepted by the binary metric.
    const column = tf.tensor2d([0.9, 0.2], [2, 1]);
    const columnLabels = tf.tensor1d([1, 0]);
    t.notThrows(() => expectedCalibrationError(column, columnLabels));
    tf.dispose([softmax, labelTensor, column, columnLabels]);
  });
});

test('misclassification AUROC and the accuracy–rejection curve on a hand case', (t) => {
  // Uncertainty 1 − max p: 0.1, 0.4, 0.3, 0.5; errors at examples 1 and 3 (uncertainties 0.4, 0.5) → AUROC 1.
  const uncertainty = probs.map((row) => 1 - Math.max(...row));
  near(t, misclassificationAuroc(uncertainty, probs, labels), 1, 1e-12);
  near(
    t,
    misclassificationAuroc(
      uncertainty.map((u) => -u),
      probs,
      labels,
    ),
    0,
    1e-12,
  );
  const curve = accuracyRejectionCurve(uncertainty, probs, labels, { points: 4 });
  t.deepEqual(curve.rejected, [0, 0.25, 0.5, 0.75]);
  // Keep 4: 2/4; keep 3 (drop u = 0.5): 2/3; keep 2 (0.1, 0.3): 1; keep 1: 1.
  curve.accuracy.forEach((a, i) => near(t, a, [0.5, 2 / 3, 1, 1][i], 1e-12));
  near(t, curve.area, (0.5 + 2 / 3 + 2) / 4, 1e-12);
});

test('bad multi-class inputs are typed errors', (t) => {
  t.throws(() => multiclassExpectedCalibrationError([[0.5, 0.6]], [0]), { instanceOf: InvalidArgumentError, message: /sum to 1/ });
  t.throws(() => multiclassExpectedCalibrationError(probs, [0, 1, 3, 2]), { instanceOf: InvalidArgumentError, message: /labels\[2\]/ });
  t.throws(() => multiclassExpectedCalibrationError(probs, [0, 1]), { instanceOf: ShapeError });
  t.throws(() => multiclassExpectedCalibrationError(probs, labels, { binning: 'quantile' as 'adaptive' }), {
    instanceOf: InvalidArgumentError,
    message: /binning/,
  });
  t.throws(() => misclassificationAuroc([0.1], probs, labels), { instanceOf: ShapeError, message: /uncertainty/ });
});
