import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectMatchesOriginal, randomTensor, useFastCpuBackend } from './compare.js';

test.before(useFastCpuBackend);

test('SplitV matches tfjs on every axis, equal and uneven pieces, with an inferred −1 size', (t) => {
  const cases: Array<[number[], number | number[], number]> = [
    [[2, 5, 4, 6], [2, 4], 3],
    [[2, 5, 4, 6], 3, 3],
    [[2, 5, 4, 6], [1, -1, 2], 1],
    [[3, 4, 5], [2, 1], 0],
    [[2, 6, 3, 3, 4], [1, 3], 4],
    [[7], [3, 4], 0],
  ];
  for (const [shape, splits, axis] of cases) {
    expectMatchesOriginal(
      t,
      () => tf.split(randomTensor(shape, shape.length + axis), splits, axis),
      `split ${shape} ${JSON.stringify(splits)} axis ${axis}`,
    );
  }
});

test('SplitV places known values: the gradient of a channel concatenation splits the channels back', (t) => {
  const a = tf.tensor4d([1, 2, 3, 4], [1, 2, 1, 2]);
  const b = tf.tensor4d([5, 6], [1, 2, 1, 1]);
  const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
    tf.sum(tf.mul(tf.concat([p, q], 3), tf.tensor4d([1, 10, 100, 2, 20, 200], [1, 2, 1, 3]))),
  )([a, b]);
  t.deepEqual(Array.from(ga.dataSync()), [1, 10, 2, 20]);
  t.deepEqual(Array.from(gb.dataSync()), [100, 200]);
  tf.dispose([a, b, ga, gb]);
});

test('MaxPoolGrad matches tfjs for same/valid padding, overlapping windows and uneven strides', (t) => {
  const cases: Array<{
    x: [number, number, number, number];
    filter: number | [number, number];
    strides: number | [number, number];
    pad: 'same' | 'valid';
  }> = [
    { x: [2, 6, 6, 3], filter: 2, strides: 2, pad: 'valid' },
    { x: [2, 7, 5, 2], filter: 2, strides: 2, pad: 'same' },
    { x: [1, 7, 7, 2], filter: 3, strides: 2, pad: 'same' },
    { x: [1, 8, 6, 1], filter: [3, 2], strides: [1, 2], pad: 'valid' },
  ];
  for (const c of cases) {
    expectMatchesOriginal(
      t,
      () => {
        const x = randomTensor(c.x, 3);
        const r = randomTensor(tf.maxPool(x as tf.Tensor4D, c.filter, c.strides, c.pad).shape, 4);
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, c.filter, c.strides, c.pad), r)))(x);
      },
      `maxPool grad ${JSON.stringify(c)}`,
    );
  }
});

test('MaxPoolGrad sends the gradient to the first maximum of a tied window (ReLU zeros), as tfjs does', (t) => {
  const x = tf.tensor4d([0, 0, 2, 2, 0, 0, 2, 1], [1, 2, 4, 1]);
  const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([7, 9], [1, 1, 2, 1]))))(x);
  t.deepEqual(Array.from(dx.dataSync()), [7, 0, 9, 0, 0, 0, 0, 0]);
  tf.dispose([x, dx]);
});

test('the layout kernels leak no tensors', async (t) => {
  await expectNoLeak(t, () => {
    const x = randomTensor([2, 4, 4, 3], 9);
    const [a, b] = tf.split(x, [1, 2], 3);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'same')))(x);
    tf.dispose([x, a, b, g]);
  });
});
