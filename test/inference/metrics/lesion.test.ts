import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { lesionMetrics, labelComponents } from '../../../inference/metrics/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';

// 6 × 6 truth: a single voxel at (0,0), a 2×2 block at rows 2–3 / cols 2–3, and a diagonal pair (5,4)-(4,5).
const truth2d = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
// Prediction: touches the block with one voxel, hits one voxel of the diagonal pair, adds a false blob at (0,4)-(0,5).
const predicted2d = [0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0];

test('8-connectivity: 3 true lesions, 2 detected; 3 predicted components, 1 false discovery', (t) => {
  const m = lesionMetrics(predicted2d, truth2d, { shape: [6, 6] });
  t.deepEqual([m.trueLesions, m.detectedLesions, m.predictedLesions, m.falseDiscoveries], [3, 2, 3, 1]);
  t.is(m.tpr, 2 / 3);
  t.is(m.fdr, 1 / 3);
});

test('4-connectivity splits the diagonal pair: 4 true lesions, 2 detected', (t) => {
  const m = lesionMetrics(predicted2d, truth2d, { shape: [6, 6], connectivity: 'face' });
  t.is(m.trueLesions, 4);
  t.is(m.detectedLesions, 2);
  t.is(m.tpr, 0.5);
});

test('minLesionSize drops components smaller than the size in both masks', (t) => {
  const m = lesionMetrics(predicted2d, truth2d, { shape: [6, 6], minLesionSize: 2 });
  // Truth keeps the block and the diagonal pair; prediction keeps only the false blob.
  t.is(m.trueLesions, 2);
  t.is(m.detectedLesions, 0);
  t.is(m.predictedLesions, 1);
  t.is(m.falseDiscoveries, 1);
});

test('3D: corner-touching voxels are one lesion under 26- and two under 6-connectivity', (t) => {
  const volume = new Uint8Array(27);
  volume[0] = 1; // (0,0,0)
  volume[13] = 1; // (1,1,1)
  t.is(labelComponents(volume, [3, 3, 3], 'full').count, 1);
  t.is(labelComponents(volume, [3, 3, 3], 'face').count, 2);
});

test('components never cross examples of a batch [N, H, W, 1]', async (t) => {
  await expectNoLeak(t, () => {
    // Example 0 has a lesion on its last row, example 1 on its first row, same column.
    const mask = tf.tensor4d([0, 0, 1, 0, 1, 0, 0, 0], [2, 2, 2, 1]);
    const labels = labelComponents(mask.dataSync(), mask.shape);
    t.is(labels.count, 2);
    t.deepEqual(Array.from(labels.sizes), [1, 1]);
    const m = lesionMetrics(mask, mask);
    t.is(m.trueLesions, 2);
    t.is(m.tpr, 1);
    t.is(m.fdr, 0);
    mask.dispose();
  });
});

test('empty masks give NaN rates instead of dividing by zero', (t) => {
  const m = lesionMetrics([0, 0, 0, 0], [0, 0, 0, 0], { shape: [2, 2] });
  t.is(m.trueLesions, 0);
  t.true(Number.isNaN(m.tpr));
  t.true(Number.isNaN(m.fdr));
});

test('lesion metrics reject missing or inconsistent shapes with typed errors', (t) => {
  t.throws(() => lesionMetrics([1, 0], [1, 0]), { instanceOf: InvalidArgumentError, message: /lesionMetrics: argument 'options.shape'/ });
  t.throws(() => lesionMetrics([1, 0, 0], [1, 0, 0], { shape: [2, 2] }), {
    instanceOf: ShapeError,
    message: /labelComponents: 'mask' has shape \[3\]; expected 4 voxels/,
  });
  t.throws(() => labelComponents([1, 0, 0, 0], [1, 2, 1, 2]), { instanceOf: ShapeError, message: /\[N, H, W, 1\]/ });
  t.throws(() => lesionMetrics([1], [1], { shape: [1, 1], minLesionSize: 0 }), { instanceOf: InvalidArgumentError });
});
