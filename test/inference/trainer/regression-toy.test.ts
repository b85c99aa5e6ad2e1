import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { fit } from '../../../inference/trainer/fit.js';
import { regressionToy } from '../../../src/data/regression-toy.js';
import { NoiseSource, withNoise } from '../../../src/random/index.js';
import { denseVariational } from '../../../layers/index.js';
import { Elbo } from '../../../inference/elbo/index.js';
import { gaussian } from '../../../inference/likelihoods/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';

/** Mean over the grid of the std over `samples` MC forward passes (fresh noise per pass). */
function predictiveSpread(model: tf.LayersModel, low: number, high: number, samples: number): number {
  return tf.tidy(() => {
    const grid = tf.linspace(low, high, 21).reshape([21, 1]);
    const noise = new NoiseSource('predictive');
    const draws = Array.from({ length: samples }, (_, s) => withNoise(noise, { step: s }, () => model.apply(grid) as tf.Tensor));
    const { variance } = tf.moments(tf.stack(draws), 0);
    return tf.mean(tf.sqrt(variance)).dataSync()[0];
  });
}

test('Bayes by Backprop on the Blundell toy: predictive spread at x in [0.8, 1] is at least 3x that inside [0, 0.5]', async (t) => {
  const { x, y } = regressionToy({ seed: 1, size: 200 });
  const model = tf.sequential({
    layers: [
      denseVariational({ units: 32, activation: 'relu', inputShape: [1], name: 'toy_hidden' }),
      denseVariational({ units: 1, name: 'toy_out' }),
    ],
  });
  // Seeded Glorot-uniform kernel locs (tfjs initializers are unseeded), so the test is reproducible.
  const init = new NoiseSource('toy-init');
  for (const w of model.weights) {
    if (!w.originalName.endsWith('kernel_loc')) continue;
    const [fanIn, fanOut] = w.shape as number[];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const value = tf.tidy(() => tf.mul(limit, tf.sub(tf.mul(2, init.draws({ step: 0 }, w.originalName).uniform(w.shape as number[])), 1)));
    w.write(value);
    value.dispose();
  }
  const elbo = new Elbo(model, { likelihood: gaussian({ scale: Math.sqrt(0.02) }), klWeighting: klWeighting.perExample() });
  const optimizer = tf.train.adam(0.02);
  const started = performance.now();
  const history = await fit(model, { x, y }, { elbo, optimizer, epochs: 120, batchSize: 40, seed: 2, progress: 'silent' });
  const seconds = (performance.now() - started) / 1000;
  const inside = predictiveSpread(model, 0, 0.5, 50);
  const outside = predictiveSpread(model, 0.8, 1.0, 50);
  t.log(
    `600 steps in ${seconds.toFixed(1)} s; final loss ${history.epochs[119].logs.loss.toFixed(3)}; spread inside ${inside.toFixed(4)}, outside ${outside.toFixed(4)}, ratio ${(outside / inside).toFixed(2)}`,
  );
  t.true(history.epochs[119].logs.nll < history.epochs[0].logs.nll, 'the likelihood term decreases');
  t.true(outside >= 3 * inside, `spread outside ${outside} vs inside ${inside}`);
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
});
