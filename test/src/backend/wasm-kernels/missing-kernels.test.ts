import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectWasmMatchesCpu, randomTensor, useWasmBackend } from './compare-with-cpu.js';

test.before(useWasmBackend);

test('unsortedSegmentSum on wasm matches tfjs-backend-cpu on random shapes and ids (out-of-range ids dropped), and so does the gather gradient', async (t) => {
  let seed = 1;
  const segmentCase = fc.record({
    rows: fc.integer({ min: 1, max: 9 }),
    inner: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 2 }),
    numSegments: fc.integer({ min: 1, max: 6 }),
    ids: fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 9, maxLength: 9 }),
  });
  await fc.assert(
    fc.asyncProperty(segmentCase, async ({ rows, inner, numSegments, ids }) => {
      const caseSeed = (seed += 2);
      return expectWasmMatchesCpu(
        t,
        () => {
          const x = randomTensor([rows, ...inner], caseSeed);
          const sums = tf.unsortedSegmentSum(x, tf.tensor1d(ids.slice(0, rows), 'int32'), numSegments);
          // The gradient of gather (an embedding lookup) is an unsorted segment sum of dy.
          const table = randomTensor([numSegments, 3], caseSeed + 1);
          const indices = tf.tensor1d(
            ids.slice(0, rows).map((id) => Math.abs(id) % numSegments),
            'int32',
          );
          const [gatherGradient] = tf.grads((w: tf.Tensor) => tf.sum(tf.square(tf.gather(w, indices))))([table]);
          return [sums, gatherGradient];
        },
        `rows ${rows} inner ${inner} segments ${numSegments} ids ${ids.slice(0, rows)}`,
      );
    }),
    { numRuns: 40, seed: 7 },
  );
});

test('unsortedSegmentSum on wasm leaves no tensor behind', async (t) => {
  await tf.setBackend('wasm');
  await expectNoLeak(
    t,
    () => tf.dispose(tf.tidy(() => tf.unsortedSegmentSum(randomTensor([5, 3], 1), tf.tensor1d([0, 2, 2, 1, 0], 'int32'), 3))),
    'unsortedSegmentSum',
  );
});

test('log1p on wasm keeps the digits of tiny arguments (float32 of Math.log1p, like tfjs-backend-cpu)', async (t) => {
  await expectWasmMatchesCpu(t, () => tf.log1p(tf.tensor1d([1e-7, 1e-5, 3e-3, 0.5, 4, -0.5, 0])), 'log1p');
  await tf.setBackend('wasm');
  const tiny = tf.log1p(tf.scalar(1e-6));
  t.true(Math.abs(tiny.dataSync()[0] - 1e-6) < 1e-12, `log1p(1e-6) = ${tiny.dataSync()[0]}`);
  tiny.dispose();
});
