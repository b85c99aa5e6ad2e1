import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectWasmMatchesCpu, randomTensor, useWasmBackend } from './compare-with-cpu.js';

test.before(useWasmBackend);

test('split (SplitV) on wasm matches tfjs-backend-cpu on random shapes, axes and sizes, and the concat gradient with it', async (t) => {
  let seed = 1;
  const splitCase = fc.record({
    shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
    axisPick: fc.nat(),
    cutPicks: fc.array(fc.nat(), { minLength: 0, maxLength: 3 }),
  });
  await fc.assert(
    fc.asyncProperty(splitCase, async ({ shape, axisPick, cutPicks }) => {
      const axis = axisPick % shape.length;
      const cuts = [...new Set(cutPicks.map((c) => c % (shape[axis] + 1)))].sort((a, b) => a - b);
      const sizes = [...cuts, shape[axis]].map((c, i, all) => c - (i === 0 ? 0 : all[i - 1]));
      const caseSeed = (seed += 2);
      return expectWasmMatchesCpu(
        t,
        () => {
          const x = randomTensor(shape, caseSeed);
          const pieces = tf.split(x, sizes, axis);
          // The gradient of concat is a SplitV of dy.
          const w = randomTensor(shape, caseSeed + 1);
          const grads = tf.grads((...parts: tf.Tensor[]) => tf.sum(tf.mul(tf.concat(parts, axis), w)))(pieces);
          return [...pieces, ...grads];
        },
        `shape ${shape} axis ${axis} sizes ${sizes}`,
      );
    }),
    { numRuns: 40, seed: 5 },
  );
});

test('split on wasm also takes a number of equal pieces and an inferred −1 size, and leaves no tensor behind', async (t) => {
  await expectWasmMatchesCpu(t, () => tf.split(randomTensor([2, 6, 3], 1), 3, 1), 'three equal pieces');
  await expectWasmMatchesCpu(t, () => tf.split(randomTensor([4, 5], 2), [2, -1], 1), 'sizes [2, −1]');
  await tf.setBackend('wasm');
  await expectNoLeak(t, () => tf.dispose(tf.tidy(() => tf.split(randomTensor([2, 8, 8, 6], 3), [2, 4], 3))), 'split');
});
