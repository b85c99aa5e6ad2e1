import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { ScaleMixtureNormal } from '../../../src/distributions/index.js';
import { NoiseSource } from '../../../src/random/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

function mixtureDensity(x: number, pi: number, s1: number, s2: number): number {
  const n = (s: number) => Math.exp(-0.5 * (x / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
  return pi * n(s1) + (1 - pi) * n(s2);
}

test('logProb equals the log of the mixture density (Blundell eq. 7)', (t) => {
  const prior = new ScaleMixtureNormal(0.25, 1, Math.exp(-6));
  const xs = [-1, -0.01, 0, 0.001, 0.5, 2];
  const values = take(prior.logProb(tf.tensor1d(xs)));
  for (const [i, x] of xs.entries()) near(t, values[i], Math.log(mixtureDensity(x, 0.25, 1, Math.exp(-6))), 1e-5, `x=${x}`);
});

test('logProb stays finite for |w| up to 1e3 with scale2 = e^−8', (t) => {
  const prior = new ScaleMixtureNormal(0.5, Math.exp(-1), Math.exp(-8));
  const values = take(prior.logProb(tf.tensor1d([-1000, -10, 0, 1e-4, 10, 1000])));
  t.true(values.every(Number.isFinite), `${values}`);
  // Far from 0 only the wide component counts: log π + log N(1000; 0, e^−1).
  near(t, values[5], Math.log(0.5) - 0.5 * (1000 * Math.E) ** 2 + 1 - 0.5 * Math.log(2 * Math.PI), 1e-6);
});

test('stddev and sample moments match the mixture variance πσ1² + (1−π)σ2²', (t) => {
  const prior = new ScaleMixtureNormal(0.75, 1, 0.1);
  const variance = 0.75 + 0.25 * 0.01;
  near(t, take(prior.stddev())[0], Math.sqrt(variance), 1e-6);
  near(t, take(prior.mean())[0], 0, 0);
  const sample = take(prior.sample(new NoiseSource(4).draws({ step: 0 }, 'w'), [100_000]));
  const secondMoment = sample.reduce((a, b) => a + b * b, 0) / sample.length;
  t.true(Math.abs(secondMoment - variance) < 0.02, `E[w²] = ${secondMoment}`);
  const nearZero = sample.filter((w) => Math.abs(w) < 0.3).length / sample.length;
  // P(|w| < 0.3) = 0.75·P(|Z| < 0.3) + 0.25·P(|Z| < 3) = 0.75·0.23582 + 0.25·0.99730.
  t.true(Math.abs(nearZero - (0.75 * 0.23582 + 0.25 * 0.9973)) < 0.01);
});

test('pi outside (0, 1) and non-positive scales are rejected by name', (t) => {
  t.throws(() => new ScaleMixtureNormal(1, 1, 0.1), {
    instanceOf: InvalidArgumentError,
    message: /ScaleMixtureNormal: argument 'pi' was 1; expected a number in the open interval \(0, 1\)/,
  });
  t.throws(() => new ScaleMixtureNormal(0, 1, 0.1), { instanceOf: InvalidArgumentError });
  t.throws(() => new ScaleMixtureNormal(0.5, -1, 0.1), { instanceOf: InvalidArgumentError, message: /'scale1'/ });
  t.throws(() => new ScaleMixtureNormal(0.5, 1, 0), { instanceOf: InvalidArgumentError, message: /'scale2'/ });
});

test('no tensor leaks from logProb, sample and moments', async (t) => {
  await expectNoLeak(t, () => {
    const prior = new ScaleMixtureNormal(0.5, 1, 0.01);
    const x = tf.tensor1d([0, 1]);
    tf.dispose([prior.logProb(x), prior.mean(), prior.stddev(), prior.sample(new NoiseSource(1).draws({ step: 0 }, 'w'), [4])]);
    x.dispose();
  });
});
