import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { disposeRegressionPredictive, gaussianMixtureNegativeLogLikelihood, regressionPredictive } from '../../../inference/index.js';
import { NoiseSource, requireNoiseScope, withNoise } from '../../../src/random/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

const x = (): tf.Tensor2D => tf.tensor2d([-1, -0.2, 0.4, 1.5], [4, 1]);
/** A stochastic "network": y = 2x + 0.3 ε with ε from the active noise scope. */
const noisyLine = (input: tf.Tensor): tf.Tensor =>
  tf.tidy(() => tf.add(tf.mul(2, input), tf.mul(0.3, requireNoiseScope('test').draws('w').normal(input.shape))));

test('with one sample the mixture log-likelihood equals the Gaussian log-density', async (t) => {
  await expectNoLeak(t, () => {
    const input = x();
    const targets = tf.tensor2d([-2, 0, 1, 2], [4, 1]);
    const result = regressionPredictive((v) => tf.mul(2, v), input, { samples: 1, seed: 1, noiseScale: 0.5, targets });
    const expected = [-1, -0.2, 0.4, 1.5].map(
      (xi, i) => -(0.5 * (([-2, 0, 1, 2][i] - 2 * xi) / 0.5) ** 2 + Math.log(0.5) + 0.5 * Math.log(2 * Math.PI)),
    );
    take(result.scores?.logLikelihood.clone() ?? tf.scalar(0)).forEach((v, i) => near(t, v, expected[i], 1e-5));
    near(t, result.scores?.meanLogLikelihood ?? NaN, expected.reduce((a, b) => a + b, 0) / 4, 1e-5);
    take(result.epistemicVariance.clone()).forEach((v) => near(t, v, 0, 1e-12));
    take(result.aleatoricVariance.clone()).forEach((v) => near(t, v, 0.25, 1e-6));
    disposeRegressionPredictive(result);
    tf.dispose([input, targets]);
  });
});

test('epistemic variance is the spread of the passes; the log-likelihood is the mixture’s; total = aleatoric + epistemic', async (t) => {
  await expectNoLeak(t, () => {
    const input = x();
    const targets = tf.tensor2d([-2, 0, 1, 2], [4, 1]);
    const samples = 7;
    const result = regressionPredictive(noisyLine, input, { samples, seed: 'mix', noiseScale: 0.2, targets });
    const noise = new NoiseSource('mix');
    const passes = Array.from({ length: samples }, (_, s) => take(withNoise(noise, { step: 0, particle: s }, () => noisyLine(input))));
    const means = [0, 1, 2, 3].map((i) => passes.reduce((sum, p) => sum + p[i], 0) / samples);
    const spreads = [0, 1, 2, 3].map((i) => passes.reduce((sum, p) => sum + (p[i] - means[i]) ** 2, 0) / samples);
    const mean = take(result.mean.clone());
    const epistemic = take(result.epistemicVariance.clone());
    const total = take(result.totalVariance.clone());
    means.forEach((m, i) => near(t, mean[i], m, 1e-5));
    spreads.forEach((v, i) => near(t, epistemic[i], v, 1e-5));
    spreads.forEach((v, i) => near(t, total[i], v + 0.04, 1e-5));
    near(t, -(result.scores?.meanLogLikelihood ?? NaN), gaussianMixtureNegativeLogLikelihood(passes, 0.04, [-2, 0, 1, 2]), 1e-4);
    disposeRegressionPredictive(result);
    tf.dispose([input, targets]);
  });
});

test('a calibrated synthetic predictive covers ≈ the nominal levels', (t) => {
  const n = 3000;
  const rng = seedrandom('coverage');
  const inputs = tf.tensor2d(
    Array.from({ length: n }, () => 2 * rng() - 1),
    [n, 1],
  );
  const eps = Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
  // Weight uncertainty 0.3 (epistemic) plus noise 0.4 (aleatoric): targets drawn from the same total N(2x, 0.3² + 0.4²).
  const targets = tf.tidy(() => tf.add(tf.mul(2, inputs), tf.mul(0.5, tf.tensor2d(eps, [n, 1]))));
  // Per-example (not shared) weight noise, so the mixture over S passes is close to N(2x, 0.25).
  const result = regressionPredictive(noisyLine, inputs, { samples: 200, seed: 3, noiseScale: 0.4, targets, levels: [0.5, 0.9] });
  near(t, result.scores?.coverage['0.5'] ?? NaN, 0.5, 0.03);
  near(t, result.scores?.coverage['0.9'] ?? NaN, 0.9, 0.02);
  disposeRegressionPredictive(result);
  tf.dispose([inputs, targets]);
});

test('a heteroscedastic head gives aleatoric variance exp(log-variance)', (t) => {
  const input = x();
  const model = (v: tf.Tensor): tf.Tensor => tf.concat([tf.mul(2, v), tf.fill(v.shape, Math.log(0.09))], 1);
  const result = regressionPredictive(model, input, { samples: 3, seed: 1, heteroscedastic: true });
  take(result.aleatoricVariance.clone()).forEach((v) => near(t, v, 0.09, 1e-6));
  t.is(result.scores, undefined);
  disposeRegressionPredictive(result);
  input.dispose();
});

test('bad regressionPredictive options are typed errors', (t) => {
  const input = x();
  t.throws(() => regressionPredictive((v) => v, input, { seed: 1 }), { instanceOf: InvalidArgumentError, message: /noiseScale/ });
  t.throws(() => regressionPredictive((v) => v, input, { noiseScale: 1 }), { instanceOf: InvalidArgumentError, message: /seed/ });
  t.throws(() => regressionPredictive((v) => v, input, { seed: 1, noiseScale: 1, levels: [1] }), {
    instanceOf: InvalidArgumentError,
    message: /levels/,
  });
  const wrong = tf.zeros([3, 1]);
  t.throws(() => regressionPredictive((v) => v, input, { seed: 1, noiseScale: 1, targets: wrong }), {
    instanceOf: ShapeError,
    message: /targets/,
  });
  t.throws(() => regressionPredictive((v) => v, input, { seed: 1, heteroscedastic: true }), { instanceOf: ShapeError });
  tf.dispose([input, wrong]);
});
