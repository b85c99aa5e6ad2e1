import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectMatchesOriginal, randomTensor, useFastCpuBackend } from './compare.js';

test.before(useFastCpuBackend);

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 2],
  [4, 8, 8],
  [7, 13, 9],
  [65, 257, 19],
  [16, 784, 40],
];

test('matMul with every combination of transposes matches tfjs, as do its gradients', (t) => {
  SHAPES.forEach(([m, k, n], i) => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        expectMatchesOriginal(
          t,
          () => {
            const a = randomTensor(transposeA ? [k, m] : [m, k], i + 1);
            const b = randomTensor(transposeB ? [n, k] : [k, n], i + 2);
            const y = tf.matMul(a, b, transposeA, transposeB);
            const r = randomTensor(y.shape, i + 3);
            return [y, ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, transposeA, transposeB), r)))([a, b])];
          },
          `matMul m=${m} k=${k} n=${n} transposeA=${transposeA} transposeB=${transposeB}`,
        );
      }
    }
  });
});

test('batched matMul with broadcast batch dimensions matches tfjs', (t) => {
  expectMatchesOriginal(t, () => tf.matMul(randomTensor([3, 4, 6], 1), randomTensor([3, 6, 5], 2)), 'batch 3 × batch 3');
  expectMatchesOriginal(t, () => tf.matMul(randomTensor([2, 3, 4, 6], 3), randomTensor([1, 1, 6, 5], 4)), 'batch [2,3] × batch [1,1]');
  expectMatchesOriginal(
    t,
    () => tf.matMul(randomTensor([1, 6, 4], 5), randomTensor([4, 5, 6], 6), true, true),
    'batch 1 × batch 4, both transposed',
  );
});

test('fused matMul keeps bias and activation semantics (linear, relu, relu6, elu, sigmoid, leakyrelu, prelu)', (t) => {
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
    expectMatchesOriginal(
      t,
      () =>
        tf.fused.matMul({
          a: randomTensor([9, 12], 1),
          b: randomTensor([12, 10], 2),
          bias: randomTensor([10], 3),
          activation,
          preluActivationWeights: activation === 'prelu' ? randomTensor([10], 4) : undefined,
          leakyreluAlpha: 0.1,
        }),
      `fused matMul ${activation}`,
    );
  }
});

test('a dense tf.layers model (784-40-10, batch 16) gives tfjs’s outputs and gradients', (t) => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [784], units: 40, activation: 'relu' }), tf.layers.dense({ units: 10 })],
  });
  const x = randomTensor([16, 784], 8);
  expectMatchesOriginal(
    t,
    () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.predict(x) as tf.Tensor)) as tf.Scalar);
      return [value, ...Object.values(grads)];
    },
    'dense model',
  );
  model.dispose();
  x.dispose();
});

test('int32 matMul still runs through tfjs’s own kernel and gives its result', (t) => {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
  const b = tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32');
  const y = tf.matMul(a, b);
  t.is(y.dtype, 'int32');
  t.deepEqual(Array.from(y.dataSync()), [19, 22, 43, 50]);
  tf.dispose([a, b, y]);
});

test('matMul with mismatched inner sizes throws tfjs’s error', (t) => {
  t.throws(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 2])), { message: /inner shapes \(3\) and \(4\)/ });
});

test('fast matMul, fused matMul and their gradients leak no tensors and no backend buffers', async (t) => {
  const run = () => {
    const grads = tf.tidy(() =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q, false, true)))([randomTensor([5, 7], 1), randomTensor([3, 7], 2)]),
    );
    const fused = tf.tidy(() =>
      tf.fused.matMul({
        a: randomTensor([4, 6], 3),
        b: randomTensor([6, 2], 4),
        bias: tf.ones([2]),
        activation: 'prelu',
        preluActivationWeights: tf.ones([2]),
      }),
    );
    tf.dispose([...grads, fused]);
  };
  run();
  const buffersBefore = tf.memory().numDataBuffers;
  await expectNoLeak(t, run, 'matMul');
  t.is(tf.memory().numDataBuffers, buffersBefore, 'backend data buffers');
});
