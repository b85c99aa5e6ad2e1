import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { percentile, percentileClip, zScoreNormalize, thresholdMask, samplePatches } from '../../../src/io/index.js';
import { generatePhantomArrays } from '../../../src/data/phantom/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

test('percentile interpolates linearly between order statistics (NumPy default)', (t) => {
  t.is(percentile([4, 1, 3, 2], 50), 2.5);
  t.is(percentile([4, 1, 3, 2], 0), 1);
  t.is(percentile([4, 1, 3, 2], 100), 4);
  t.is(percentile([1, 2, 3, 4, 5], 10), 1.4);
  t.is(percentile([100, 1, 2, 3], 50, [0, 1, 1, 1]), 2);
});

test('z-scoring within a mask gives mean 0 and std 1 inside the mask', (t) => {
  const values = [0, 0, 10, 12, 14, 16];
  const mask = [0, 0, 1, 1, 1, 1];
  const { values: z, mean, std } = zScoreNormalize(values, { mask });
  t.is(mean, 13);
  t.true(Math.abs(std - Math.sqrt(5)) < 1e-12);
  const inside = Array.from(z).slice(2);
  t.true(Math.abs(inside.reduce((a, b) => a + b, 0)) < 1e-5);
  t.true(Math.abs(inside.reduce((a, b) => a + b * b, 0) / 4 - 1) < 1e-5);
  t.true(Math.abs(z[0] + 13 / Math.sqrt(5)) < 1e-5, 'background uses the foreground statistics');
});

test('percentile clipping bounds outliers', (t) => {
  const values = Float32Array.from({ length: 101 }, (_, i) => i);
  values[100] = 1e6;
  const { values: clipped, low, high } = percentileClip(values, [1, 99]);
  t.is(low, 1);
  t.is(high, 99);
  t.is(clipped[100], 99);
  t.is(clipped[0], 1);
  t.deepEqual(Array.from(thresholdMask([0.1, 0.5, 0.6], 0.5)), [0, 0, 1]);
});

test('normalisation rejects empty masks and mismatched sizes', (t) => {
  t.throws(() => zScoreNormalize([1, 2], { mask: [0, 0] }), {
    instanceOf: InvalidArgumentError,
    message: /zScoreNormalize: argument 'options.mask' was "an empty mask/,
  });
  t.throws(() => percentileClip([1, 2], [0.5, 99.5], { mask: [1] }), { instanceOf: ShapeError });
  t.throws(() => percentile([1, 2], 101), { instanceOf: InvalidArgumentError });
});

const phantom = generatePhantomArrays({ seed: 'patches', count: 3, size: [32, 32], lesionFraction: 0.003 });

test('positiveFraction 1 centres every patch on a lesion; the same seed replays the patches', async (t) => {
  await expectNoLeak(t, () => {
    const volumes = { image: phantom.image, mask: phantom.mask, shape: phantom.shape };
    const patches = samplePatches(volumes, { patchSize: [8, 8], count: 20, seed: 1, positiveFraction: 1 });
    t.deepEqual(patches.images.shape, [20, 8, 8, 1]);
    t.deepEqual(patches.masks.shape, [20, 8, 8, 1]);
    const lesionPerPatch = take(tf.tidy(() => tf.sum(patches.masks, [1, 2, 3])));
    t.true(lesionPerPatch.every((v) => v > 0));
    const replay = samplePatches(volumes, { patchSize: [8, 8], count: 20, seed: 1, positiveFraction: 1 });
    t.deepEqual(replay.origins, patches.origins);
    // The first patch holds exactly the image values at its origin.
    const [example, y0, x0] = patches.origins[0];
    const first = take(tf.tidy(() => tf.slice(patches.images, [0, 0, 0, 0], [1, 8, 8, 1])));
    t.is(first[3 * 8 + 5], phantom.image[example * 1024 + (y0 + 3) * 32 + (x0 + 5)]);
    tf.dispose([patches.images, patches.masks, replay.images, replay.masks]);
  });
});

test('without over-sampling few patches hold lesions (0.3 % of voxels)', (t) => {
  const patches = samplePatches(
    { image: phantom.image, mask: phantom.mask, shape: phantom.shape },
    { patchSize: [4, 4], count: 200, seed: 2, positiveFraction: 0 },
  );
  const withLesion = take(tf.tidy(() => tf.sum(tf.cast(tf.greater(tf.sum(patches.masks, [1, 2, 3]), 0), 'float32'))))[0];
  t.true(withLesion < 40, `${withLesion} of 200 patches`);
  tf.dispose([patches.images, patches.masks]);
});

test('samplePatches gives typed errors for empty masks, mismatched shapes and oversized patches', (t) => {
  const image = new Float32Array(2 * 8 * 8);
  t.throws(() => samplePatches({ image, mask: new Uint8Array(128), shape: [2, 8, 8, 1] }, { patchSize: [4, 4], count: 1, seed: 1 }), {
    instanceOf: InvalidArgumentError,
    message: /samplePatches: argument 'volumes.mask' was "an empty mask"; expected at least one lesion voxel/,
  });
  t.throws(() => samplePatches({ image, mask: new Uint8Array(100), shape: [2, 8, 8, 1] }, { patchSize: [4, 4], count: 1, seed: 1 }), {
    instanceOf: ShapeError,
    message: /'mask'/,
  });
  t.throws(
    () => samplePatches({ image, mask: new Uint8Array(128).fill(1), shape: [2, 8, 8, 1] }, { patchSize: [16, 4], count: 1, seed: 1 }),
    { instanceOf: ShapeError, message: /options.patchSize/ },
  );
  const tensorImage = tf.zeros([1, 4, 4, 1]);
  const tensorMask = tf.ones([1, 4, 5, 1]);
  t.throws(() => samplePatches({ image: tensorImage, mask: tensorMask }, { patchSize: [2, 2], count: 1, seed: 1 }), {
    instanceOf: ShapeError,
  });
  tf.dispose([tensorImage, tensorMask]);
});
