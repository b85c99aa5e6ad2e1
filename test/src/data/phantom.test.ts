import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { generatePhantom, generatePhantomArrays, Tissue } from '../../../src/data/phantom/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';

test('achieved lesion fraction equals the requested one up to rounding to whole voxels, from 5 % down to 0.02 %', (t) => {
  for (const requested of [0.05, 0.005, 0.0002]) {
    const phantom = generatePhantomArrays({ seed: 'fraction', count: 16, size: [48, 48], lesionFraction: requested });
    const counted = phantom.mask.reduce((a, b) => a + b, 0);
    t.is(counted, phantom.lesionVoxels);
    t.is(phantom.lesionVoxels, Math.round(requested * 16 * 48 * 48), `requested ${requested}`);
    // Beyond the rounding to whole voxels (7 of 36,864 at 0.02 %), the fraction is the requested one.
    t.true(Math.abs(phantom.lesionFraction - requested) <= 0.5 / (16 * 48 * 48), `requested ${requested}, got ${phantom.lesionFraction}`);
  }
  const volume = generatePhantomArrays({ seed: 'fraction', rank: 3, size: [32, 32, 32], lesionFraction: 0.005 });
  t.is(volume.lesionVoxels, Math.round(0.005 * 32 ** 3));
  t.is(generatePhantomArrays({ seed: 1, size: [16, 16], lesionFraction: 0 }).lesionVoxels, 0);
});

test('the same seed replays the phantom bit for bit; another seed changes it', (t) => {
  const options = { seed: 42, count: 2, size: [32, 32], lesionFraction: 0.01 } as const;
  const a = generatePhantomArrays(options);
  const b = generatePhantomArrays(options);
  t.deepEqual(a.image, b.image);
  t.deepEqual(a.mask, b.mask);
  const c = generatePhantomArrays({ ...options, seed: 43 });
  t.notDeepEqual(a.image, c.image);
});

test('lesions lie in white matter and are hyperintense; tissues have FLAIR-like ordering', (t) => {
  const p = generatePhantomArrays({ seed: 3, count: 4, size: [64, 64], lesionFraction: 0.02, noiseLevel: 0, biasStrength: 0 });
  const sums = new Map<string, [number, number]>();
  const add = (key: string, value: number) => {
    const [s, n] = sums.get(key) ?? [0, 0];
    sums.set(key, [s + value, n + 1]);
  };
  for (let i = 0; i < p.mask.length; i++) {
    if (p.mask[i]) {
      t.is(p.tissue[i], Tissue.whiteMatter);
      add('lesion', p.image[i]);
    } else add(String(p.tissue[i]), p.image[i]);
  }
  const mean = (key: string) => {
    const [s, n] = sums.get(key)!;
    return s / n;
  };
  t.true(mean('lesion') > mean(String(Tissue.whiteMatter)) + 0.1);
  t.true(mean(String(Tissue.greyMatter)) > mean(String(Tissue.whiteMatter)));
  t.true(mean(String(Tissue.whiteMatter)) > mean(String(Tissue.csf)));
  t.true(mean(String(Tissue.background)) < 0.05);
});

test('Rician noise: background is Rayleigh with mean σ√(π/2)', (t) => {
  const p = generatePhantomArrays({ seed: 5, size: [64, 64], noiseLevel: 0.05, biasStrength: 0 });
  let sum = 0;
  let n = 0;
  for (let i = 0; i < p.image.length; i++) {
    // Corner voxels lie outside the head and are not touched by the blur of its border.
    const x = i % 64;
    const y = Math.floor(i / 64);
    if (x < 4 && y < 4) {
      sum += p.image[i];
      n++;
    }
  }
  t.true(Math.abs(sum / n - 0.05 * Math.sqrt(Math.PI / 2)) < 0.015, `${sum / n}`);
});

test('generatePhantom returns caller-owned tensors [N, H, W, 1] / [N, D, H, W, 1] matching the arrays', async (t) => {
  await expectNoLeak(t, () => {
    const slice = generatePhantom({ seed: 1, count: 2, size: [16, 24] });
    t.deepEqual(slice.image.shape, [2, 16, 24, 1]);
    t.deepEqual(slice.mask.shape, [2, 16, 24, 1]);
    t.deepEqual(slice.image.dataSync(), slice.arrays.image);
    t.is(
      tf.tidy(() => tf.sum(slice.mask).dataSync()[0]),
      slice.arrays.lesionVoxels,
    );
    const volume = generatePhantom({ seed: 1, rank: 3, size: [8, 16, 16], lesionFraction: 0.01 });
    t.deepEqual(volume.image.shape, [1, 8, 16, 16, 1]);
    tf.dispose([slice.image, slice.mask, volume.image, volume.mask]);
  });
});

test('invalid phantom options give typed errors naming the option', (t) => {
  t.throws(() => generatePhantomArrays({} as { seed: number }), {
    instanceOf: InvalidArgumentError,
    message: /generatePhantom: argument 'options.seed'/,
  });
  t.throws(() => generatePhantomArrays({ seed: 1, lesionFraction: 0.5 }), {
    instanceOf: InvalidArgumentError,
    message: /options.lesionFraction/,
  });
  t.throws(() => generatePhantomArrays({ seed: 1, size: [64] }), { instanceOf: InvalidArgumentError, message: /options.size/ });
  t.throws(() => generatePhantomArrays({ seed: 1, rank: 4 as 3 }), { instanceOf: InvalidArgumentError, message: /options.rank/ });
  t.throws(() => generatePhantomArrays({ seed: 1, lesionRadius: [3, 1] }), {
    instanceOf: InvalidArgumentError,
    message: /options.lesionRadius/,
  });
});
