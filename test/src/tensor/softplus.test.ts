import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { softplus, inverseSoftplus, scaleFromRaw } from '../../../src/tensor/softplus.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

test('softplus(−3) = 0.048587 (the rawScale init of TFP and bayesian-torch)', (t) => {
  near(t, softplus(-3), 0.048587, 1e-6);
  near(t, softplus(40), 40, 1e-12);
  near(t, softplus(-40), Math.exp(-40), 1e-12);
});

test('inverseSoftplus inverts softplus over six decades', (t) => {
  for (const x of [-12, -3, -0.5, 0, 0.7, 5, 30]) near(t, inverseSoftplus(softplus(x)), x, 1e-9, `x=${x}`);
});

test('inverseSoftplus rejects non-positive input with a named error', (t) => {
  const error = t.throws(() => inverseSoftplus(0), { instanceOf: InvalidArgumentError });
  t.regex(error!.message, /inverseSoftplus: argument 'y' was 0; expected a finite number > 0/);
});

test('scaleFromRaw matches the scalar softplus and does not leak', async (t) => {
  await expectNoLeak(t, () => {
    const values = tf.tidy(() => take(scaleFromRaw(tf.tensor1d([-3, 0, 2]))));
    for (const [i, x] of [-3, 0, 2].entries()) near(t, values[i], softplus(x), 1e-6);
  });
});
