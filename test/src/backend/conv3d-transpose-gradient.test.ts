import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { CONV3D_BACKPROP_INPUT } from '../../../src/backend/conv3d-transpose-gradient.js';
import { expectNoLeak, near } from '../../helpers/leak.js';

// conv3dTranspose is linear in its input and in its filter, so for L = Σ c ⊙ conv3dᵀ(x, f):
// ∂L/∂x = conv3d(c, f) and ∂L/∂f = Σ over the same products; both are checked by finite differences.
function loss(x: tf.Tensor5D, filter: tf.Tensor5D, weights: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(weights, tf.conv3dTranspose(x, filter, [1, 5, 5, 5, 2], 2, 'same'))) as tf.Scalar;
}

test('conv3dTranspose has a gradient, equal to central finite differences in input and filter', async (t) => {
  t.truthy(tf.getGradient(CONV3D_BACKPROP_INPUT), 'registered by initBackend');
  await expectNoLeak(t, () => {
    tf.tidy(() => {
      const x = tf.randomNormal([1, 3, 3, 3, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
      const filter = tf.randomNormal([2, 2, 2, 2, 3], 0, 1, 'float32', 2) as tf.Tensor5D;
      const weights = tf.randomNormal([1, 5, 5, 5, 2], 0, 1, 'float32', 3);
      const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor5D, b as tf.Tensor5D, weights))([x, filter]);
      t.deepEqual(dx.shape, x.shape);
      t.deepEqual(dFilter.shape, filter.shape);
      const h = 1e-2;
      const bump = (tensor: tf.Tensor5D, index: number, delta: number) => {
        const values = tensor.dataSync().slice();
        values[index] += delta;
        return tf.tensor(values, tensor.shape) as tf.Tensor5D;
      };
      for (const index of [0, 13, 40]) {
        const fd =
          (loss(bump(x, index, h), filter, weights).dataSync()[0] - loss(bump(x, index, -h), filter, weights).dataSync()[0]) / (2 * h);
        near(t, dx.dataSync()[index], fd, 2e-3, `dx[${index}]`);
      }
      for (const index of [0, 7, 23]) {
        const fd =
          (loss(x, bump(filter, index, h), weights).dataSync()[0] - loss(x, bump(filter, index, -h), weights).dataSync()[0]) / (2 * h);
        near(t, dFilter.dataSync()[index], fd, 2e-3, `dFilter[${index}]`);
      }
    });
  });
});
