import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm, clipByValue, globalNorm } from '../../../inference/trainer/clip.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take, takeScalar } from '../../helpers/leak.js';

// Gradients with global norm √(3² + 4² + 12²) = 13.
const makeGrads = () => ({ a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) });

test('globalNorm is the L2 norm over all gradients (3-4-12 gives 13)', (t) => {
  const grads = makeGrads();
  near(t, takeScalar(globalNorm(grads)), 13, 1e-7);
  tf.dispose(Object.values(grads));
});

test('clipByGlobalNorm scales every gradient by maxNorm / norm and returns the pre-clip norm', async (t) => {
  const grads = makeGrads();
  await expectNoLeak(t, () => {
    const { grads: clipped, globalNorm: norm } = clipByGlobalNorm(grads, 6.5);
    t.is(norm, 13);
    const a = take(clipped.a);
    const b = take(clipped.b);
    near(t, a[0], 1.5, 1e-7);
    near(t, a[1], 2, 1e-7);
    near(t, b[0], 6, 1e-7);
    near(t, Math.hypot(a[0], a[1], b[0]), 6.5, 1e-6, 'clipped global norm');
  });
  // Inputs are left alone.
  t.deepEqual(Array.from(grads.a.dataSync()), [3, 4]);
  tf.dispose(Object.values(grads));
});

test('clipByGlobalNorm leaves gradients under the bound unchanged', (t) => {
  const grads = makeGrads();
  const { grads: clipped, globalNorm: norm } = clipByGlobalNorm(grads, 100);
  t.is(norm, 13);
  t.deepEqual(take(clipped.a), [3, 4]);
  t.deepEqual(take(clipped.b), [12]);
  tf.dispose(Object.values(grads));
});

test('clipByValue clips every element to [-c, c]', async (t) => {
  const grads = { a: tf.tensor1d([-5, 0.5, 7]) };
  await expectNoLeak(t, () => {
    const clipped = clipByValue(grads, 1);
    t.deepEqual(take(clipped.a), [-1, 0.5, 1]);
  });
  tf.dispose(grads.a);
});

test('clipping rejects a non-positive bound and non-tensor gradients with typed errors', (t) => {
  const grads = makeGrads();
  const zero = t.throws(() => clipByGlobalNorm(grads, 0), { instanceOf: InvalidArgumentError });
  t.regex(zero.message, /clipByGlobalNorm: argument 'maxNorm' was 0; expected a finite number > 0/);
  const negative = t.throws(() => clipByValue(grads, -1), { instanceOf: InvalidArgumentError });
  t.regex(negative.message, /clipByValue: argument 'clipValue' was -1/);
  const bad = t.throws(() => clipByGlobalNorm({ a: [1, 2] } as unknown as tf.NamedTensorMap, 1), { instanceOf: InvalidArgumentError });
  t.regex(bad.message, /grads\['a'\]/);
  tf.dispose(Object.values(grads));
});
