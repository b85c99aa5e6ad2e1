import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  heteroscedasticLoss,
  heteroscedasticProbability,
  splitHeteroscedastic,
  predictive,
  disposePredictive,
} from '../../../inference/predictive/index.js';
import { NoiseSource, withNoise } from '../../../src/random/index.js';
import { NoiseSourceError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

test('with log σ² → −∞ the loss is binary cross-entropy and the probability is sigmoid(μ)', async (t) => {
  await expectNoLeak(t, () => {
    const mean = tf.tensor1d([-2, 0.3, 4]);
    const logVariance = tf.fill([3], -20);
    const labels = tf.tensor1d([0, 1, 1]);
    const draws = new NoiseSource(1).draws({ step: 0 }, 'eps');
    const loss = take(heteroscedasticLoss(mean, logVariance, labels, { samples: 4, draws }));
    const bce = [Math.log1p(Math.exp(-2)), Math.log1p(Math.exp(-0.3)), Math.log1p(Math.exp(-4))];
    loss.forEach((value, i) => t.true(Math.abs(value - bce[i]) < 1e-4, `${value} vs ${bce[i]}`));
    const p = take(heteroscedasticProbability(mean, logVariance, { samples: 4, draws }));
    p.forEach((value, i) => t.true(Math.abs(value - 1 / (1 + Math.exp(-[-2, 0.3, 4][i]))) < 1e-4));
    tf.dispose([mean, logVariance, labels]);
  });
});

test('logit noise pulls probabilities toward ½ (E[sigmoid(μ + σε)] with σ = 3 matches the probit approximation)', (t) => {
  const mean = tf.fill([20000], 2);
  const logVariance = tf.fill([20000], Math.log(9));
  const p = take(heteroscedasticProbability(mean, logVariance, { samples: 1, draws: new NoiseSource(2).draws({ step: 0 }, 'e') }));
  const average = p.reduce((a, b) => a + b, 0) / p.length;
  // MacKay's approximation sigmoid(μ / √(1 + πσ²/8)) ≈ 0.670 (accurate to ~0.01 here).
  const approximation = 1 / (1 + Math.exp(-2 / Math.sqrt(1 + (Math.PI * 9) / 8)));
  t.true(Math.abs(average - approximation) < 0.02, `${average} vs ${approximation}`);
  tf.dispose([mean, logVariance]);
});

test('the loss gradient raises σ for a confidently wrong voxel and lowers it for a right one', (t) => {
  const labels = tf.tensor1d([0, 1]);
  const mean = tf.tensor1d([3, 3]);
  const grad = tf.grad((logVariance: tf.Tensor) =>
    withNoise(new NoiseSource(3), { step: 0 }, () => tf.sum(heteroscedasticLoss(mean, logVariance, labels, { samples: 64 }))),
  );
  const g = take(grad(tf.tensor1d([-2, -2])));
  t.true(g[0] < 0, `wrong voxel: d loss / d log σ² = ${g[0]} should be < 0`);
  t.true(g[1] > 0, `right voxel: d loss / d log σ² = ${g[1]} should be > 0`);
  tf.dispose([labels, mean]);
});

test('predictive with an aleatoric head: expected entropy grows with the predicted log-variance', async (t) => {
  await expectNoLeak(t, () => {
    const model = (x: tf.Tensor) => tf.concat([tf.fill(x.shape, 3), x], -1); // μ = 3, log σ² = x
    const x = tf.tensor4d([-10, 2], [2, 1, 1, 1]);
    const maps = predictive(model, x, { samples: 3, seed: 4, aleatoric: { samples: 200 } });
    const expected = take(maps.expectedEntropy.clone());
    t.deepEqual(maps.meanProbability.shape, [2, 1, 1, 1]);
    t.true(expected[1] > expected[0] + 0.1, `${expected}`);
    disposePredictive(maps);
    x.dispose();
  });
});

test('heteroscedastic functions need a noise scope or draws, and an even channel axis', (t) => {
  const a = tf.zeros([2, 2]);
  t.throws(() => heteroscedasticProbability(a, a), { instanceOf: NoiseSourceError, message: /heteroscedasticProbability/ });
  const odd = tf.zeros([2, 3]);
  t.throws(() => splitHeteroscedastic(odd), { instanceOf: ShapeError, message: /even last axis/ });
  const parts = splitHeteroscedastic(a);
  t.deepEqual(parts.logitMean.shape, [2, 1]);
  tf.dispose([a, odd, parts.logitMean, parts.logVariance]);
});
