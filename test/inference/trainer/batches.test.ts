import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { NoiseSource } from '../../../src/random/index.js';
import { batchCount, batchRows, epochPermutation, gatherBatch } from '../../../inference/trainer/batches.js';
import { TensorBatchSource } from '../../../inference/trainer/data-source.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

test('epochPermutation is a permutation, replayable from (seed, epoch), and differs between epochs', (t) => {
  const source = new NoiseSource(7).fork('shuffle');
  const first = epochPermutation(source, 3, 50);
  t.deepEqual(
    [...first].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  t.deepEqual(epochPermutation(new NoiseSource(7).fork('shuffle'), 3, 50), first);
  t.notDeepEqual(epochPermutation(source, 4, 50), first);
  t.notDeepEqual(epochPermutation(new NoiseSource(8).fork('shuffle'), 3, 50), first);
});

test('the last partial batch holds the remainder, or is dropped with dropRemainder', (t) => {
  t.is(batchCount(10, 4, false), 3);
  t.is(batchCount(10, 4, true), 2);
  const order = Int32Array.from([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  t.deepEqual([...batchRows(order, 2, 4)], [1, 0]);
});

test('TensorBatchSource visits every example exactly once per epoch', async (t) => {
  const x = tf.range(0, 10).reshape([10, 1]);
  const y = tf.range(100, 110).reshape([10, 1]);
  await expectNoLeak(t, async () => {
    const source = new TensorBatchSource({ x, y }, 4, false, new NoiseSource(1).fork('shuffle'));
    t.is(source.numBatches, 3);
    const seen: number[] = [];
    const sizes: number[] = [];
    for await (const batch of source.epochBatches(0, 0)) {
      const xs = take(batch.x);
      const ys = take(batch.y);
      xs.forEach((v, i) => t.is(ys[i], v + 100, 'rows of x and y stay paired'));
      seen.push(...xs);
      sizes.push(xs.length);
    }
    t.deepEqual(sizes, [4, 4, 2]);
    t.deepEqual(
      seen.sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    // A resumed epoch starting at batch 1 yields the same later batches.
    const rest: number[] = [];
    for await (const batch of source.epochBatches(0, 1)) {
      rest.push(...take(batch.x));
      batch.y.dispose();
    }
    t.is(rest.length, 6);
  });
  tf.dispose([x, y]);
});

test('gatherBatch keeps the requested rows in order', (t) => {
  const x = tf.tensor2d([[0], [1], [2], [3]]);
  const y = tf.tensor1d([10, 11, 12, 13]);
  const batch = gatherBatch(x, y, Int32Array.from([3, 1]));
  t.deepEqual(take(batch.x), [3, 1]);
  t.deepEqual(take(batch.y), [13, 11]);
  tf.dispose([x, y]);
});
