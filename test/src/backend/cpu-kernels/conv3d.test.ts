import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectMatchesOriginal, randomTensor, useFastCpuBackend } from './compare.js';

test.before(useFastCpuBackend);

interface Conv3DCase {
  x: [number, number, number, number, number];
  filter: [number, number, number, number, number];
  strides: number | [number, number, number];
  pad: 'same' | 'valid';
  dilations?: number | [number, number, number];
}

const CASES: Conv3DCase[] = [
  { x: [1, 4, 4, 4, 1], filter: [3, 3, 3, 1, 1], strides: 1, pad: 'same' },
  { x: [2, 5, 4, 6, 2], filter: [2, 3, 2, 2, 3], strides: 1, pad: 'valid' },
  { x: [1, 6, 6, 5, 3], filter: [3, 3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 5, 7, 5, 2], filter: [3, 1, 2, 2, 2], strides: [1, 2, 1], pad: 'same' },
  { x: [1, 4, 5, 3, 4], filter: [1, 1, 1, 4, 5], strides: 1, pad: 'valid' },
  // 4096 positions × 432 patch entries: more than one im2col chunk.
  { x: [1, 16, 16, 16, 16], filter: [3, 3, 3, 16, 2], strides: 1, pad: 'same' },
];

function describe(c: Conv3DCase): string {
  return `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${c.pad} dilations ${c.dilations ?? 1}`;
}

function conv(c: Conv3DCase, x: tf.Tensor, filter: tf.Tensor): tf.Tensor {
  return tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, c.strides, c.pad, 'NDHWC', c.dilations ?? 1);
}

function forwardAndGrads(c: Conv3DCase, seed: number): () => tf.Tensor[] {
  return () => {
    const x = randomTensor(c.x, seed);
    const filter = randomTensor(c.filter, seed + 1);
    const y = conv(c, x, filter);
    const r = randomTensor(y.shape, seed + 2);
    return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c, a, b), r)))([x, filter])];
  };
}

test('conv3d forward, input gradient and filter gradient match tfjs on strides, paddings, odd sizes, batch 1 and channels 1 and > 1', (t) => {
  CASES.forEach((c, i) => expectMatchesOriginal(t, forwardAndGrads(c, 10 * i + 1), describe(c)));
});

test('dilated conv3d forward matches tfjs', (t) => {
  const c: Conv3DCase = { x: [1, 7, 6, 7, 2], filter: [3, 2, 3, 2, 3], strides: 1, pad: 'same', dilations: [2, 1, 2] };
  expectMatchesOriginal(t, () => conv(c, randomTensor(c.x, 5), randomTensor(c.filter, 6)), describe(c));
});

test('conv3dTranspose (Conv3DBackpropInputV2 as a forward op) matches tfjs', (t) => {
  expectMatchesOriginal(
    t,
    () =>
      tf.conv3dTranspose(
        randomTensor([1, 3, 3, 3, 2], 7) as tf.Tensor5D,
        randomTensor([3, 3, 3, 4, 2], 8) as tf.Tensor5D,
        [1, 6, 6, 6, 4],
        2,
        'same',
      ),
    'conv3dTranspose',
  );
});

test('property: random conv3d shapes, strides and paddings match tfjs (forward and both gradients)', (t) => {
  fc.assert(
    fc.property(
      fc
        .record({
          batch: fc.integer({ min: 1, max: 2 }),
          size: fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 })),
          inChannels: fc.integer({ min: 1, max: 3 }),
          outChannels: fc.integer({ min: 1, max: 9 }),
          filter: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          strides: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
          seed: fc.integer({ min: 1, max: 1000 }),
        })
        .filter((p) => p.pad === 'same' || p.size.every((s, i) => s >= p.filter[i])),
      (p) => {
        const c: Conv3DCase = {
          x: [p.batch, ...p.size, p.inChannels],
          filter: [...p.filter, p.inChannels, p.outChannels],
          strides: p.strides,
          pad: p.pad,
        };
        expectMatchesOriginal(t, forwardAndGrads(c, p.seed), describe(c));
      },
    ),
    { numRuns: 20, seed: 20240602 },
  );
});

test('fast conv3d and its gradients leak no tensors and no backend buffers', async (t) => {
  const run = () => tf.dispose(tf.tidy(forwardAndGrads(CASES[2], 5)));
  run();
  const buffersBefore = tf.memory().numDataBuffers;
  await expectNoLeak(t, run, 'conv3d');
  t.is(tf.memory().numDataBuffers, buffersBefore, 'backend data buffers');
});
