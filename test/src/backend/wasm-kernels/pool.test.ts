import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectWasmMatchesCpu, randomTensor, useWasmBackend } from './compare-with-cpu.js';

test.before(useWasmBackend);

interface PoolCase {
  readonly x: number[];
  readonly filter: number;
  readonly strides: number;
  readonly pad: 'same' | 'valid';
}

/** Random channels-last pools, odd sizes included (where tfjs-backend-wasm 4.22 errs on 'same'). Cubic windows: tfjs-backend-cpu's 3D reference indexes non-cubic ones wrongly. */
function poolCase(rank: 2 | 3): fc.Arbitrary<PoolCase> {
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 2 }),
      size: fc.array(fc.integer({ min: 2, max: rank === 2 ? 9 : 6 }), { minLength: rank, maxLength: rank }),
      channels: fc.integer({ min: 1, max: 4 }),
      filter: fc.integer({ min: 1, max: 3 }),
      strides: fc.integer({ min: 1, max: 2 }),
      pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
    })
    .map((r) => ({
      x: [r.batch, ...r.size, r.channels],
      filter: r.pad === 'valid' ? Math.min(r.filter, ...r.size) : r.filter,
      strides: r.strides,
      pad: r.pad,
    }));
}

function pool(c: PoolCase, x: tf.Tensor): tf.Tensor {
  return c.x.length === 4
    ? tf.maxPool(x as tf.Tensor4D, c.filter, c.strides, c.pad)
    : tf.maxPool3d(x as tf.Tensor5D, c.filter, c.strides, c.pad);
}

function forwardAndGrad(c: PoolCase, seed: number): () => tf.Tensor[] {
  return () => {
    const x = randomTensor(c.x, seed);
    const y = pool(c, x);
    const r = randomTensor(y.shape, seed + 1);
    return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(c, a), r)))(x)];
  };
}

const describe = (c: PoolCase): string => `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${c.pad}`;

test('maxPool and its gradient on wasm match tfjs-backend-cpu on random shapes, odd same-padded ones included', async (t) => {
  let seed = 1;
  await fc.assert(
    fc.asyncProperty(poolCase(2), async (c) => expectWasmMatchesCpu(t, forwardAndGrad(c, (seed += 2)), describe(c))),
    { numRuns: 40, seed: 7 },
  );
});

test('maxPool3d and its gradient on wasm match tfjs-backend-cpu on random shapes, odd same-padded ones included', async (t) => {
  let seed = 3;
  await fc.assert(
    fc.asyncProperty(poolCase(3), async (c) => expectWasmMatchesCpu(t, forwardAndGrad(c, (seed += 2)), describe(c))),
    { numRuns: 30, seed: 7 },
  );
});

test('maxPool3d on x = 0..N−1 ([1, 3, 3, 3, 1], 2×2×2, stride 2, same) takes each window’s last voxel; the gradient counts how often each voxel wins', async (t) => {
  await tf.setBackend('wasm');
  const x = tf.range(0, 27).reshape([1, 3, 3, 3, 1]) as tf.Tensor5D;
  const y = tf.maxPool3d(x, 2, 2, 'same');
  // Windows start at 0 and 2 per axis: the second holds only index 2 (padding after it).
  t.deepEqual(Array.from(y.dataSync()), [13, 14, 16, 17, 22, 23, 25, 26]);
  const dx = tf.grad((a: tf.Tensor) => tf.maxPool3d(a as tf.Tensor5D, 2, 2, 'same').sum())(x);
  const winners = Array.from(dx.dataSync()).flatMap((v, i) => (v > 0 ? [i] : []));
  t.deepEqual(winners, [13, 14, 16, 17, 22, 23, 25, 26]);
  tf.dispose([x, y, dx]);
});

test('the wasm pool kernels leave no tensor behind', async (t) => {
  await tf.setBackend('wasm');
  await expectNoLeak(
    t,
    () => tf.dispose(tf.tidy(forwardAndGrad({ x: [1, 5, 7, 3, 2], filter: 2, strides: 2, pad: 'same' }, 9))),
    'maxPool3d and gradient',
  );
});
