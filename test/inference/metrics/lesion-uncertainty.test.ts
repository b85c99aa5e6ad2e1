import test from 'ava';
import { lesionUncertainty } from '../../../inference/metrics/lesion-uncertainty.js';
import { fdrAtTpr, lesionFilterCurve, probabilityFilter, uncertaintyFilter } from '../../../inference/metrics/lesion-filter-curve.js';
import { lesionMetrics } from '../../../inference/metrics/lesion.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';

const [D, H, W] = [4, 6, 6];
const at = (z: number, y: number, x: number) => (z * H + y) * W + x;

/**
 * A hand-made 4×6×6 volume: true lesion A {(1,1,1), (1,1,2)} found by a detection that also holds
 * (2,2,3), touching A's (1,1,2) only at a corner; a false positive at (3,5,5) with high MI; true
 * lesion B {(0,4,0), (0,4,1)} missed with p̄ = 0.01 and MI 0.001 (a confident miss).
 */
function handMade(): { p: Float32Array; mi: Float32Array; entropy: Float32Array; truth: Uint8Array } {
  const n = D * H * W;
  const p = new Float32Array(n).fill(0.02);
  const mi = new Float32Array(n).fill(0.002);
  const entropy = new Float32Array(n).fill(0.05);
  const truth = new Uint8Array(n);
  for (const [[z, y, x], prob, m] of [
    [[1, 1, 1], 0.9, 0.1],
    [[1, 1, 2], 0.8, 0.2],
    [[2, 2, 3], 0.7, 0.3],
    [[3, 5, 5], 0.6, 0.5],
  ] as const) {
    p[at(z, y, x)] = prob;
    mi[at(z, y, x)] = m;
    entropy[at(z, y, x)] = 0.4;
  }
  for (const [z, y, x] of [
    [1, 1, 1],
    [1, 1, 2],
    [0, 4, 0],
    [0, 4, 1],
  ])
    truth[at(z, y, x)] = 1;
  for (const [z, y, x] of [
    [0, 4, 0],
    [0, 4, 1],
  ]) {
    p[at(z, y, x)] = 0.01;
    mi[at(z, y, x)] = 0.001;
  }
  return { p, mi, entropy, truth };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

test('26-connectivity joins the corner-touching voxel: 2 detections with their voxel counts, mean/max p̄ and MI, most uncertain first', (t) => {
  const { p, mi, entropy, truth } = handMade();
  const report = lesionUncertainty({
    meanProbability: p,
    maps: { mutualInformation: mi, predictiveEntropy: entropy },
    truth,
    shape: [D, H, W],
  });
  t.is(report.trueLesions, 2);
  t.is(report.detections.length, 2);
  const [falsePositive, found] = report.detections;
  t.is(falsePositive.voxels, 1);
  t.deepEqual(falsePositive.truthLabels, [], 'overlaps no true lesion');
  t.true(close(falsePositive.uncertainty.mutualInformation.mean, 0.5));
  t.deepEqual(falsePositive.centroid, [3, 5, 5]);
  t.is(found.voxels, 3);
  t.true(close(found.probability.mean, 0.8) && close(found.probability.max, 0.9));
  t.true(close(found.uncertainty.mutualInformation.mean, 0.2) && close(found.uncertainty.mutualInformation.max, 0.3));
  t.true(close(found.uncertainty.predictiveEntropy.mean, 0.4));
  t.deepEqual(found.truthLabels, [2], 'B is label 1 (met first in scan order), A is label 2');
  t.true(found.centroid.every((c, i) => close(c, [4 / 3, 4 / 3, 2][i])));
});

test('the missed lesion is reported with the uncertainty inside it: a confident miss (p̄ 0.01, MI 0.001)', (t) => {
  const { p, mi, entropy, truth } = handMade();
  const report = lesionUncertainty({
    meanProbability: p,
    maps: { mutualInformation: mi, predictiveEntropy: entropy },
    truth,
    shape: [D, H, W],
  });
  t.is(report.missed.length, 1);
  const [miss] = report.missed;
  t.is(miss.voxels, 2);
  t.deepEqual(miss.truthLabels, [1]);
  t.true(close(miss.probability.max, 0.01));
  t.true(close(miss.uncertainty.mutualInformation.max, 0.001));
  t.deepEqual(miss.centroid, [0, 4, 0.5]);
  // The counts agree with lesionMetrics on the same masks.
  const metrics = lesionMetrics(p, truth, { shape: [D, H, W] });
  t.is(metrics.detectedLesions, report.trueLesions - report.missed.length);
  t.is(metrics.falseDiscoveries, report.detections.filter((d) => d.truthLabels.length === 0).length);
});

test('6-connectivity splits off the corner voxel as a third detection; minLesionSize drops single voxels', (t) => {
  const { p, mi, truth } = handMade();
  const face = lesionUncertainty({ meanProbability: p, maps: { mi }, truth, shape: [D, H, W] }, { connectivity: 'face' });
  t.deepEqual(face.detections.map((d) => d.voxels).sort(), [1, 1, 2]);
  const large = lesionUncertainty({ meanProbability: p, maps: { mi }, truth, shape: [D, H, W] }, { minLesionSize: 2 });
  t.deepEqual(
    large.detections.map((d) => d.voxels),
    [3],
  );
  t.is(large.trueLesions, 2);
});

test('lesion TPR/FDR as a function of the uncertainty threshold; filtering by MI lowers FDR at equal TPR', (t) => {
  const { p, mi, truth } = handMade();
  const report = lesionUncertainty({ meanProbability: p, maps: { mutualInformation: mi }, truth, shape: [D, H, W] });
  const byUncertainty = lesionFilterCurve(report, uncertaintyFilter('mutualInformation'));
  t.deepEqual(
    byUncertainty.map((point) => [point.kept, point.tpr, point.fdr]),
    [
      [1, 0.5, 0],
      [2, 0.5, 0.5],
    ],
  );
  t.true(close(byUncertainty[0].threshold, 0.2));
  t.is(fdrAtTpr(byUncertainty, 0.5), 0);
  t.true(Number.isNaN(fdrAtTpr(byUncertainty, 0.9)));
  const byProbability = lesionFilterCurve(report, probabilityFilter('max'));
  t.deepEqual(
    byProbability.map((point) => point.threshold),
    [0.9, 0.6].map((v) => Math.fround(v)),
  );
  // A confident-looking false positive (p̄ 0.95, but MI 0.5): the probability filter must keep it
  // to reach TPR 0.5, the uncertainty filter drops it.
  p[at(3, 5, 5)] = 0.95;
  const bright = lesionUncertainty({ meanProbability: p, maps: { mutualInformation: mi }, truth, shape: [D, H, W] });
  t.is(fdrAtTpr(lesionFilterCurve(bright, probabilityFilter('mean')), 0.5), 0.5);
  t.is(fdrAtTpr(lesionFilterCurve(bright, uncertaintyFilter('mutualInformation')), 0.5), 0);
});

test('components never cross examples of a batch [N, D, H, W, 1]; the example index is reported', (t) => {
  const { p, mi, truth } = handMade();
  const batchP = new Float32Array(2 * p.length);
  batchP.set(p, p.length);
  const batchMi = new Float32Array(2 * p.length);
  batchMi.set(mi, p.length);
  const batchTruth = new Uint8Array(2 * p.length);
  batchTruth.set(truth);
  const report = lesionUncertainty({ meanProbability: batchP, maps: { mi: batchMi }, truth: batchTruth, shape: [2, D, H, W, 1] });
  t.true(
    report.detections.every((d) => d.example === 1 && d.truthLabels.length === 0),
    'detections in example 1, truth in example 0',
  );
  t.deepEqual(
    report.missed.map((m) => m.example),
    [0, 0],
  );
});

test('bad input: no maps, NaN values, mismatched lengths, an unknown sortBy map', (t) => {
  const { p, mi, truth } = handMade();
  t.throws(() => lesionUncertainty({ meanProbability: p, maps: {}, shape: [D, H, W] }), {
    instanceOf: InvalidArgumentError,
    message: /input.maps/,
  });
  const nan = Float32Array.from(mi);
  nan[7] = Number.NaN;
  t.throws(() => lesionUncertainty({ meanProbability: p, maps: { mi: nan }, shape: [D, H, W] }), {
    instanceOf: InvalidArgumentError,
    message: /input\.maps\.mi\[7\]' was NaN/,
  });
  t.throws(() => lesionUncertainty({ meanProbability: p, maps: { mi: mi.subarray(1) }, shape: [D, H, W] }), { instanceOf: ShapeError });
  t.throws(() => lesionUncertainty({ meanProbability: p, maps: { mi }, truth: truth.subarray(3), shape: [D, H, W] }), {
    instanceOf: ShapeError,
  });
  t.throws(
    () => lesionUncertainty({ meanProbability: p, maps: { mi }, shape: [D, H, W] }, { sortBy: { map: 'entropy', statistic: 'mean' } }),
    { instanceOf: InvalidArgumentError, message: /sortBy/ },
  );
  const withoutTruth = lesionUncertainty({ meanProbability: p, maps: { mi }, shape: [D, H, W] });
  t.throws(() => lesionFilterCurve(withoutTruth, uncertaintyFilter('mi')), { instanceOf: InvalidArgumentError, message: /truth mask/ });
});
