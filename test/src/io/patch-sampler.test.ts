import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { PatchSampler } from '../../../src/io/patch-sampler.js';
import { samplePatches } from '../../../src/io/patches.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';

/** A 1D sequence set with isolated positive timesteps (about 0.1 %), two channels: value = 10·t + c. */
function sequences(): { image: Float32Array; mask: Uint8Array; shape: number[] } {
  const [n, length, channels] = [3, 4000, 2];
  const image = new Float32Array(n * length * channels);
  const mask = new Uint8Array(n * length);
  for (let i = 0; i < n * length; i++) {
    for (let c = 0; c < channels; c++) image[i * channels + c] = 10 * i + c;
    if (i % 997 === 500) mask[i] = 1;
  }
  return { image, mask, shape: [n, length, channels] };
}

for (const fraction of [0.1, 1 / 3, 0.8]) {
  test(`the share of lesion-centred windows over 4000 draws is the configured ${fraction.toFixed(3)} (1D, 0.1 % positives)`, (t) => {
    const data = sequences();
    const sampler = new PatchSampler(data, { patchSize: [1], batchSize: 200, positiveFraction: fraction, seed: 3 });
    let positiveCentres = 0;
    let total = 0;
    for (let b = 0; b < 20; b++) {
      const batch = sampler.batch(b);
      // Windows of one step: the window is positive exactly when it is centred on a positive.
      positiveCentres += Array.from(batch.masks.dataSync()).reduce((a, v) => a + v, 0);
      total += batch.masks.shape[0];
      tf.dispose([batch.images, batch.masks]);
    }
    const measured = positiveCentres / total;
    // Binomial standard error √(f(1−f)/4000) ≤ 0.008; uniform draws add ≈ 0.1 %·(1 − f).
    const expected = fraction + (1 - fraction) * (12 / 12000);
    t.true(
      Math.abs(measured - expected) < 4 * Math.sqrt((fraction * (1 - fraction)) / total),
      `measured ${measured}, configured ${fraction}`,
    );
  });
}

test('a lesion-centred window of a sequence has its positive timestep at the centre, every channel copied', (t) => {
  const data = sequences();
  const patches = samplePatches(data, { patchSize: [101], count: 30, seed: 5, positiveFraction: 1 });
  const masks = patches.masks.arraySync() as number[][][];
  const images = patches.images.dataSync();
  for (let p = 0; p < 30; p++) {
    t.is(masks[p][50][0], 1, `patch ${p}`);
    const [example, start] = patches.origins[p];
    t.is(images[(p * 101 + 7) * 2 + 1], 10 * (example * 4000 + start + 7) + 1);
  }
  tf.dispose([patches.images, patches.masks]);
});

test('flips reverse exactly the flipped axes of a 3D two-channel volume, for image and mask alike', async (t) => {
  await expectNoLeak(t, () => {
    const [d, h, w, c] = [6, 7, 8, 2];
    const image = Float32Array.from({ length: d * h * w * c }, (_, i) => i);
    const mask = Uint8Array.from({ length: d * h * w }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const sampler = new PatchSampler(
      { image, mask, shape: [1, d, h, w, c] },
      { patchSize: [4, 5, 6], batchSize: 16, positiveFraction: 0.5, seed: 9 },
    );
    const patches = sampler.batch(0);
    const values = patches.images.arraySync() as number[][][][][];
    const masks = patches.masks.arraySync() as number[][][][][];
    const seen = [false, false, false];
    patches.flips.forEach((flip, p) => {
      flip.forEach((f, axis) => (seen[axis] ||= f));
      const [, z0, y0, x0] = patches.origins[p];
      for (const [z, y, x] of [
        [0, 0, 0],
        [3, 4, 5],
        [1, 2, 3],
      ]) {
        const sz = z0 + (flip[0] ? 3 - z : z);
        const sy = y0 + (flip[1] ? 4 - y : y);
        const sx = x0 + (flip[2] ? 5 - x : x);
        const voxel = (sz * h + sy) * w + sx;
        t.is(values[p][z][y][x][1], image[voxel * c + 1]);
        t.is(masks[p][z][y][x][0], mask[voxel]);
      }
    });
    t.deepEqual(seen, [true, true, true], 'each axis is flipped in some of 16 patches');
    tf.dispose([patches.images, patches.masks]);
  });
});

test('seeded replay: batch k is the same whatever was drawn before; another seed differs', (t) => {
  const data = sequences();
  const a = new PatchSampler(data, { patchSize: [64], batchSize: 8, seed: 1 });
  const b = new PatchSampler(data, { patchSize: [64], batchSize: 8, seed: 1 });
  const c = new PatchSampler(data, { patchSize: [64], batchSize: 8, seed: 2 });
  const first = a.batch(0);
  const third = a.batch(2);
  const thirdAgain = b.batch(2);
  const other = c.batch(2);
  t.deepEqual(thirdAgain.origins, third.origins);
  t.deepEqual(thirdAgain.flips, third.flips);
  t.deepEqual(Array.from(thirdAgain.images.dataSync()), Array.from(third.images.dataSync()));
  t.notDeepEqual(other.origins, third.origins);
  tf.dispose([first, third, thirdAgain, other].flatMap((p) => [p.images, p.masks]));
});

test('the dataset feeds batches k·M … (k+1)·M − 1 on its k-th iteration', async (t) => {
  const data = sequences();
  const sampler = new PatchSampler(data, { patchSize: [32], batchSize: 4, seed: 4 });
  const dataset = sampler.dataset(3);
  await dataset.forEachAsync((element) => tf.dispose(element as tf.TensorContainer));
  const second = await dataset.toArray();
  t.is(second.length, 3);
  const expected = sampler.batch(4);
  t.deepEqual(Array.from(second[1].xs.dataSync()), Array.from(expected.images.dataSync()));
  tf.dispose([expected.images, expected.masks, ...second.flatMap((e) => [e.xs, e.ys])]);
});

test('a dataset started at firstEpoch e feeds the batches of epoch e first, as the uninterrupted dataset does on its e-th iteration', async (t) => {
  const data = sequences();
  const sampler = new PatchSampler(data, { patchSize: [32], batchSize: 4, seed: 4 });
  const resumed = await sampler.dataset(3, 2).toArray();
  const straight = sampler.dataset(3);
  for (let epoch = 0; epoch < 2; epoch++) await straight.forEachAsync((element) => tf.dispose(element as tf.TensorContainer));
  const third = await straight.toArray();
  resumed.forEach((element, b) => t.deepEqual(Array.from(element.xs.dataSync()), Array.from(third[b].xs.dataSync()), `batch ${b}`));
  tf.dispose([...resumed, ...third].flatMap((e) => [e.xs, e.ys]));
  t.throws(() => sampler.dataset(3, -1), { message: /PatchSampler\.dataset: argument 'firstEpoch' was -1; expected an integer ≥ 0/ });
});

test('bad input: patch larger than the volume, empty mask with positives, bad flip axis, mismatched mask', (t) => {
  const image = new Float32Array(2 * 8 * 8 * 8);
  const mask = new Uint8Array(8 * 8 * 8);
  mask[17] = 1;
  const volumes = { image, mask, shape: [1, 8, 8, 8, 2] };
  t.throws(() => new PatchSampler(volumes, { patchSize: [16, 4, 4], batchSize: 1, seed: 1 }), {
    instanceOf: ShapeError,
    message: /PatchSampler: 'options.patchSize' has shape \[16, 4, 4\]; expected 3 integers, each between 1 and the image size \[8, 8, 8\]/,
  });
  const empty = { image, mask: new Uint8Array(512), shape: [1, 8, 8, 8, 2] };
  t.throws(() => new PatchSampler(empty, { patchSize: [4, 4, 4], batchSize: 1, seed: 1 }), {
    instanceOf: InvalidArgumentError,
    message: /empty mask/,
  });
  t.notThrows(() => new PatchSampler(empty, { patchSize: [4, 4, 4], batchSize: 1, seed: 1, positiveFraction: 0 }));
  t.throws(() => new PatchSampler(volumes, { patchSize: [4, 4, 4], batchSize: 1, seed: 1, flipAxes: [3] }), {
    instanceOf: InvalidArgumentError,
    message: /flipAxes/,
  });
  t.throws(
    () => new PatchSampler({ image, mask: new Uint8Array(100), shape: [1, 8, 8, 8, 2] }, { patchSize: [4, 4, 4], batchSize: 1, seed: 1 }),
    { instanceOf: ShapeError, message: /'mask'/ },
  );
  t.throws(() => new PatchSampler(volumes, { patchSize: [4, 4, 4], batchSize: 1, seed: Number.NaN }), {
    instanceOf: InvalidArgumentError,
    message: /options.seed/,
  });
});
