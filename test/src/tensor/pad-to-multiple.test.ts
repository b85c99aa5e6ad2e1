import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { cropPadding, cropPaddingArray, paddingToMultiple, padToMultiple, roundUpToMultiple } from '../../../src/tensor/pad-to-multiple.js';
import { ShapeError, InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

test('the [233, 197] slices of a real template pad to [236, 200] for a U-Net pooling twice, centred', (t) => {
  const padding = paddingToMultiple([233, 197], 4);
  t.deepEqual(padding.paddedSize, [236, 200]);
  t.deepEqual(padding.axes, [
    [1, 2],
    [1, 2],
  ]);
  t.deepEqual(paddingToMultiple([197, 233, 189], 8).paddedSize, [200, 240, 192]);
  t.is(roundUpToMultiple(16, 4), 16);
});

for (const shape of [
  [2, 233, 197, 1],
  [1, 11, 13, 9, 2],
  [3, 21, 1],
]) {
  test(`pad then crop is the identity on every map of any grid (${shape.join('×')})`, async (t) => {
    await expectNoLeak(t, () => {
      const x = tf.randomUniform(shape, 0, 1, 'float32', 7);
      const { padded, padding } = padToMultiple(x, 4);
      t.true(
        padded.shape.slice(1, -1).every((d) => d % 4 === 0),
        `padded ${padded.shape}`,
      );
      const back = cropPadding(padded, padding);
      t.deepEqual(back.shape, shape);
      t.deepEqual(Array.from(back.dataSync()), Array.from(x.dataSync()));
      const flat = cropPaddingArray(padded.dataSync() as Float32Array, padding, shape[0], shape[shape.length - 1]);
      t.deepEqual(Array.from(flat), Array.from(x.dataSync()));
      tf.dispose([x, padded, back]);
    });
  });
}

test('padding holds the fill value and a per-voxel network output crops back to the input grid', (t) => {
  const x = tf.ones([1, 5, 6, 1]);
  const { padded, padding } = padToMultiple(x, 4, -2);
  const values = take(padded.clone());
  t.is(values.filter((v) => v === -2).length, 8 * 8 - 30);
  // A "network" that doubles each voxel: its cropped output equals doubling the original.
  const out = tf.mul(padded, 2);
  const cropped = cropPadding(out, padding);
  t.deepEqual(take(cropped), new Array(30).fill(2));
  tf.dispose([x, padded, out]);
});

test('bad input: non-matching map grid, a non-integer multiple, an int tensor', (t) => {
  const x = tf.zeros([1, 6, 6, 1]);
  const { padded, padding } = padToMultiple(x, 4);
  t.throws(() => cropPadding(x, padding), {
    instanceOf: ShapeError,
    message: /cropPadding: 'map' has shape \[1, 6, 6, 1\]; expected \[N, 8, 8, C\]/,
  });
  t.throws(() => padToMultiple(x, 2.5), { instanceOf: InvalidArgumentError });
  const ints = tf.zeros([1, 6, 6, 1], 'int32');
  t.throws(() => padToMultiple(ints, 4));
  t.throws(() => cropPaddingArray(new Float32Array(3), padding, 1), { instanceOf: ShapeError });
  tf.dispose([x, padded, ints]);
});
