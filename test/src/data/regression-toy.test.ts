import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { regressionToy, regressionToyTarget, REGRESSION_TOY_EPSILON_PATH } from '../../../src/data/regression-toy.js';
import { NoiseSource } from '../../../src/random/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

test('regressionToyTarget matches the closed form y = x + 0.3 sin(2π(x+ε)) + 0.3 sin(4π(x+ε)) + ε', (t) => {
  const x = tf.tensor1d([0, 0.125, 0.25, 0.1]);
  const eps = tf.tensor1d([0, 0, 0, 0.05]);
  const y = take(regressionToyTarget(x, eps));
  near(t, y[0], 0, 1e-6);
  near(t, y[1], 0.125 + 0.3 * Math.SQRT1_2 + 0.3, 1e-6); // sin(π/4), sin(π/2)
  near(t, y[2], 0.25 + 0.3, 1e-6); // sin(π/2) = 1, sin(π) = 0
  near(t, y[3], 0.1 + 0.3 * Math.sin(2 * Math.PI * 0.15) + 0.3 * Math.sin(4 * Math.PI * 0.15) + 0.05, 1e-6);
  tf.dispose([x, eps]);
});

test('regressionToy draws x uniform on [0, 0.5] and ε with variance 0.02, replayably', async (t) => {
  await expectNoLeak(t, () => {
    const { x, y } = regressionToy({ seed: 3, size: 2000 });
    t.deepEqual(x.shape, [2000, 1]);
    t.deepEqual(y.shape, [2000, 1]);
    const xs = take(x);
    const ys = take(y);
    t.true(xs.every((v) => v >= 0 && v <= 0.5));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    near(t, mean, 0.25, 0.01, 'mean of U[0, 0.5]');
    near(t, variance, 0.25 / 12, 0.002, 'variance of U[0, 0.5] is 1/48');
    // ε is the documented stream, scaled to variance 0.02; y is the closed form at (x, ε).
    const epsTensor = tf.tidy(() =>
      tf.mul(Math.sqrt(0.02), new NoiseSource(3).draws({ step: 0 }, REGRESSION_TOY_EPSILON_PATH).normal([2000, 1])),
    );
    const eps = Array.from(epsTensor.dataSync());
    const expected = take(tf.tidy(() => regressionToyTarget(tf.tensor2d(xs, [2000, 1]), epsTensor)));
    epsTensor.dispose();
    const epsVariance = eps.reduce((a, b) => a + b * b, 0) / eps.length;
    near(t, epsVariance, 0.02, 0.002, 'variance of ε');
    t.deepEqual(ys, expected);
    const again = regressionToy({ seed: 3, size: 2000 });
    t.deepEqual(take(again.x), xs);
    t.deepEqual(take(again.y), ys);
  });
});

test('regressionToy with noiseVariance 0 lies on the noise-free curve', (t) => {
  const { x, y } = regressionToy({ seed: 'curve', size: 5, noiseVariance: 0 });
  const xs = take(x);
  const ys = take(y);
  xs.forEach((v, i) => near(t, ys[i], v + 0.3 * Math.sin(2 * Math.PI * v) + 0.3 * Math.sin(4 * Math.PI * v), 1e-5));
});

test('regressionToy rejects bad options with typed errors', (t) => {
  const size = t.throws(() => regressionToy({ seed: 1, size: 0 }), { instanceOf: InvalidArgumentError });
  t.regex(size.message, /regressionToy: argument 'size' was 0; expected an integer ≥ 1/);
  const high = t.throws(() => regressionToy({ seed: 1, low: 1, high: 0.5 }), { instanceOf: InvalidArgumentError });
  t.regex(high.message, /argument 'high' was 0.5; expected a number > low \(1\)/);
  t.throws(() => regressionToy({ seed: 1, noiseVariance: -1 }), { instanceOf: InvalidArgumentError });
  t.throws(() => regressionToy({ seed: '' }), { instanceOf: InvalidArgumentError });
});
