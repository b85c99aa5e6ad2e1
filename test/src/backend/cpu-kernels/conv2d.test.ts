import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectMatchesOriginal, randomTensor, useFastCpuBackend } from './compare.js';

test.before(useFastCpuBackend);

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Conv2DCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  rounding?: 'floor' | 'round' | 'ceil';
}

const CASES: Conv2DCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [1, 7, 9, 3], filter: [2, 3, 3, 2], strides: [2, 1], pad: 'valid' },
  { x: [3, 6, 6, 4], filter: [1, 1, 4, 3], strides: 1, pad: 'valid' },
  { x: [2, 6, 5, 2], filter: [1, 1, 2, 3], strides: 2, pad: 'same' },
  { x: [1, 9, 7, 2], filter: [5, 3, 2, 9], strides: [1, 2], pad: 'same' },
  { x: [2, 7, 7, 1], filter: [3, 3, 1, 2], strides: 2, pad: 1, rounding: 'floor' },
  {
    x: [1, 6, 7, 2],
    filter: [3, 2, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 10, 10, 16], filter: [3, 3, 16, 17], strides: 1, pad: 'same' },
];

const DILATED: Conv2DCase[] = [
  { x: [2, 9, 9, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 11, 8, 3], filter: [3, 2, 3, 2], strides: 1, pad: 'valid', dilations: [2, 3] },
];

function describe(c: Conv2DCase): string {
  return `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)} dilations ${c.dilations ?? 1}`;
}

function conv(c: Conv2DCase, x: tf.Tensor, filter: tf.Tensor): tf.Tensor {
  return tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1, c.rounding);
}

/** Forward output and both gradients of Σ r ⊙ conv(x, filter) for a fixed random r. */
function forwardAndGrads(c: Conv2DCase, seed: number): () => tf.Tensor[] {
  return () => {
    const x = randomTensor(c.x, seed);
    const filter = randomTensor(c.filter, seed + 1);
    const y = conv(c, x, filter);
    const r = randomTensor(y.shape, seed + 2);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c, a, b), r)))([x, filter]);
    return [y, ...grads];
  };
}

test('conv2d forward, input gradient and filter gradient match tfjs on strides, paddings, odd sizes, batch 1 and channels 1 and > 1', (t) => {
  CASES.forEach((c, i) => expectMatchesOriginal(t, forwardAndGrads(c, 10 * i + 1), describe(c)));
});

test('conv2d gradients that span several im2col chunks (2304 positions × 576 patch entries) match tfjs', (t) => {
  const c: Conv2DCase = { x: [1, 48, 48, 64], filter: [3, 3, 64, 1], strides: 1, pad: 'same' };
  expectMatchesOriginal(t, forwardAndGrads(c, 77), describe(c));
});

test('dilated conv2d forward matches tfjs', (t) => {
  DILATED.forEach((c, i) => expectMatchesOriginal(t, () => conv(c, randomTensor(c.x, i + 3), randomTensor(c.filter, i + 4)), describe(c)));
});

test('conv2dTranspose (Conv2DBackpropInput as a forward op) matches tfjs', (t) => {
  expectMatchesOriginal(
    t,
    () =>
      tf.conv2dTranspose(
        randomTensor([2, 4, 5, 3], 5) as tf.Tensor4D,
        randomTensor([3, 3, 2, 3], 6) as tf.Tensor4D,
        [2, 8, 10, 2],
        2,
        'same',
      ),
    'conv2dTranspose',
  );
});

test('fused conv2d keeps bias and activation semantics (relu, relu6, elu, sigmoid, leakyrelu, prelu, linear) and its gradient', (t) => {
  const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  for (const activation of activations) {
    expectMatchesOriginal(
      t,
      () =>
        tf.fused.conv2d({
          x: randomTensor([2, 6, 6, 3], 7) as tf.Tensor4D,
          filter: randomTensor([3, 3, 3, 4], 8) as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          bias: randomTensor([4], 9),
          activation,
          preluActivationWeights: activation === 'prelu' ? randomTensor([4], 10) : undefined,
          leakyreluAlpha: 0.3,
        }),
      `fused conv2d ${activation}`,
    );
  }
  expectMatchesOriginal(
    t,
    () => {
      const x = randomTensor([2, 5, 5, 2], 11);
      const filter = randomTensor([3, 3, 2, 3], 12);
      const bias = randomTensor([3], 13);
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'valid', bias: c })));
      return tf.grads(f)([x, filter, bias]);
    },
    'fused conv2d gradient',
  );
});

test('channels-first (NCHW) conv2d still runs through tfjs’s own kernel and gives its result', (t) => {
  // The cpu backend's original Conv2D supports NCHW; the fast kernel delegates it.
  expectMatchesOriginal(
    t,
    () => tf.conv2d(randomTensor([1, 2, 5, 5], 14) as tf.Tensor4D, randomTensor([3, 3, 2, 3], 15) as tf.Tensor4D, 1, 'same', 'NCHW'),
    'NCHW conv2d',
  );
});

test('property: random conv2d shapes, strides and paddings match tfjs (forward and both gradients)', (t) => {
  fc.assert(
    fc.property(
      fc.record({
        batch: fc.integer({ min: 1, max: 2 }),
        height: fc.integer({ min: 3, max: 9 }),
        width: fc.integer({ min: 3, max: 9 }),
        inChannels: fc.integer({ min: 1, max: 5 }),
        outChannels: fc.integer({ min: 1, max: 10 }),
        filterHeight: fc.integer({ min: 1, max: 3 }),
        filterWidth: fc.integer({ min: 1, max: 3 }),
        strideHeight: fc.integer({ min: 1, max: 3 }),
        strideWidth: fc.integer({ min: 1, max: 3 }),
        pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
        seed: fc.integer({ min: 1, max: 1000 }),
      }),
      (p) => {
        const c: Conv2DCase = {
          x: [p.batch, p.height, p.width, p.inChannels],
          filter: [p.filterHeight, p.filterWidth, p.inChannels, p.outChannels],
          strides: [p.strideHeight, p.strideWidth],
          pad: p.pad,
        };
        expectMatchesOriginal(t, forwardAndGrads(c, p.seed), describe(c));
      },
    ),
    { numRuns: 25, seed: 20240601 },
  );
});

test('fast conv2d and its gradients leak no tensors and no backend buffers', async (t) => {
  const run = () => {
    const outputs = tf.tidy(forwardAndGrads(CASES[2], 99));
    const fused = tf.tidy(() =>
      tf.fused.conv2d({
        x: randomTensor([1, 4, 4, 2], 1) as tf.Tensor4D,
        filter: randomTensor([3, 3, 2, 2], 2) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: tf.ones([2]),
        activation: 'relu',
      }),
    );
    tf.dispose([...outputs, fused]);
  };
  run();
  const buffersBefore = tf.memory().numDataBuffers;
  await expectNoLeak(t, run, 'conv2d');
  t.is(tf.memory().numDataBuffers, buffersBefore, 'backend data buffers');
});
