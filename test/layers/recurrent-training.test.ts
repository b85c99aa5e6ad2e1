// The recurrent layers train through the library's own ELBO and trainer, with the Monte Carlo KL
// of a scale-mixture prior replayed from the forward pass's noise position.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { denseVariational, lstmVariational, priors } from '../../layers/index.js';
import { Elbo } from '../../inference/elbo/index.js';
import { bernoulli } from '../../inference/likelihoods/index.js';
import * as klWeighting from '../../inference/kl-weighting/index.js';
import { fit } from '../../inference/trainer/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { expectNoLeak } from '../helpers/leak.js';
import { fixedTensor } from './fixtures.js';

test('fit trains an LSTM → dense model with the ELBO: the likelihood term falls by more than half on a learnable sequence label (Flipout, seeded)', async (t) => {
  const x = fixedTensor([32, 5, 2], 150);
  // Label: is the sum of channel 0 over the sequence positive (needs the whole sequence).
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(tf.slice(x, [0, 0, 0], [-1, -1, 1]), [1]), 0), 'float32'));
  const model = tf.sequential({
    layers: [
      lstmVariational({ units: 4, estimator: 'flipout', recurrentActivation: 'sigmoid', inputShape: [5, 2], posteriorInit: { seed: 2 } }),
      denseVariational({ units: 1, estimator: 'flipout', posteriorInit: { seed: 2 } }),
    ],
  });
  const elbo = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample() });
  const optimizer = tf.train.adam(0.05);
  const history = await fit(model, { x, y }, { elbo, optimizer, epochs: 40, batchSize: 32, seed: 4, progress: 'silent' });
  const first = history.steps[0];
  const last = history.steps[history.steps.length - 1];
  t.true(history.steps.every((step) => Number.isFinite(step.loss)));
  t.deepEqual(Object.keys(first.perLayer).length, 2);
  t.true(last.nll < 0.5 * first.nll, `nll ${first.nll} → ${last.nll}`);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
});

test('with a scale-mixture prior the KL is the Monte Carlo log q − log p on a weight sample replayed per position, and leaks nothing', async (t) => {
  const layer = lstmVariational({ units: 2, prior: priors.scaleMixture({ pi: 0.5, scale1: 1, scale2: 0.01 }) });
  layer.apply(tf.input({ shape: [3, 2] }));
  const noise = new NoiseSource(5);
  const klAt = (step: number) => withNoise(noise, { step }, () => tf.tidy(() => layer.kl().dataSync()[0]));
  await expectNoLeak(t, () => {
    t.is(klAt(1), klAt(1));
    t.not(klAt(1), klAt(2));
    t.true(Number.isFinite(klAt(3)));
  });
  layer.dispose();
});
