import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Normal } from '../../../src/distributions/index.js';
import { NoiseSource } from '../../../src/random/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

test('logProb equals the Gaussian density formula', (t) => {
  const normal = new Normal(0.5, 2);
  const xs = [-3, 0, 0.5, 4.2];
  const values = take(normal.logProb(tf.tensor1d(xs)));
  for (const [i, x] of xs.entries()) {
    const expected = -0.5 * ((x - 0.5) / 2) ** 2 - Math.log(2) - 0.5 * Math.log(2 * Math.PI);
    near(t, values[i], expected, 1e-6, `x=${x}`);
  }
});

test('mean, stddev and entropy broadcast tensor parameters', (t) => {
  tf.tidy(() => {
    const normal = new Normal(tf.tensor1d([1, 2, 3]), 0.5);
    t.deepEqual(take(normal.mean()), [1, 2, 3]);
    t.deepEqual(take(normal.stddev()), [0.5, 0.5, 0.5]);
    for (const h of take(normal.entropy())) near(t, h, 0.5 * Math.log(2 * Math.PI * Math.E * 0.25), 1e-6);
  });
});

test('fromRawScale uses softplus: rawScale −3 gives σ = 0.048587', (t) => {
  tf.tidy(() => {
    const normal = Normal.fromRawScale(tf.tensor1d([0]), tf.tensor1d([-3]));
    near(t, take(normal.stddev())[0], 0.048587, 1e-6);
  });
});

test('samples have the distribution moments and replay with the same draws', (t) => {
  const normal = new Normal(1.5, 0.25);
  const source = new NoiseSource(11);
  const sample = take(normal.sample(source.draws({ step: 0 }, 'n'), [50_000]));
  const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
  const sd = Math.sqrt(sample.reduce((a, b) => a + (b - mean) ** 2, 0) / sample.length);
  t.true(Math.abs(mean - 1.5) < (5 * 0.25) / Math.sqrt(50_000));
  t.true(Math.abs(sd - 0.25) < 0.005);
  t.deepEqual(take(normal.sample(source.draws({ step: 0 }, 'n'), [16])), sample.slice(0, 16));
});

test('numeric scale ≤ 0 or non-finite loc is rejected naming Normal and the argument', (t) => {
  t.throws(() => new Normal(0, 0), {
    instanceOf: InvalidArgumentError,
    message: /Normal: argument 'scale' was 0; expected a finite number > 0/,
  });
  t.throws(() => new Normal(0, -1), { instanceOf: InvalidArgumentError });
  t.throws(() => new Normal(Number.POSITIVE_INFINITY, 1), { instanceOf: InvalidArgumentError, message: /'loc'/ });
});

test('every method leaves the tensor count unchanged once results are disposed', async (t) => {
  await expectNoLeak(t, () => {
    const x = tf.tensor1d([0.1, 0.2]);
    const normal = new Normal(0, 1);
    tf.dispose([
      normal.logProb(x),
      normal.mean(),
      normal.stddev(),
      normal.entropy(),
      normal.sample(new NoiseSource(1).draws({ step: 0 }, 'x'), [3]),
    ]);
    x.dispose();
  });
});
