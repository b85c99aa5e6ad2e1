/**
 * Rare-event timestep labelling with a variational LSTM: each sequence is 2 noisy channels; a step
 * is an event (label 1) when channel 0 spiked two steps earlier AND channel 1 is positive now, so
 * about 1.5 % of the steps are positive and a label needs memory of the past. A variational LSTM
 * (weights sampled once per sequence) feeds a variational dense head per step; focal loss handles the
 * imbalance (docs/imbalance.md). Prints the ELBO per epoch, then on held-out sequences the per-step
 * AUROC of the predictive mean over 20 weight samples and the predictive spread at events vs
 * elsewhere.
 *
 * Run: `npx tsc -p . && node dist/examples/rare-event-lstm.js [epochs] [reparameterization|flipout]`
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { initBackend, backendInfo } from '../src/backend/index.js';
import { NoiseSource, withNoise } from '../src/random/index.js';
import { denseVariational, lstmVariational } from '../layers/index.js';
import { Elbo } from '../inference/elbo/index.js';
import { focal } from '../inference/likelihoods/index.js';
import * as klWeighting from '../inference/kl-weighting/index.js';
import { fit } from '../inference/trainer/index.js';
import { auroc } from '../inference/metrics/index.js';
import { exampleArgs } from './example-args.js';

const TIME = 32;
const SPIKE_RATE = 0.03;
const SPIKE_HEIGHT = 4;
const LAG = 2;

/** Seeded sequences x [n, TIME, 2] and labels y [n, TIME, 1]. */
function rareEventSequences(n: number, seed: string): { x: tf.Tensor3D; y: tf.Tensor3D } {
  const random = seedrandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x = new Float32Array(n * TIME * 2);
  const y = new Float32Array(n * TIME);
  for (let i = 0; i < n; i++) {
    const spikes: boolean[] = [];
    for (let t = 0; t < TIME; t++) {
      spikes.push(random() < SPIKE_RATE);
      const at = (i * TIME + t) * 2;
      x[at] = normal() * 0.5 + (spikes[t] ? SPIKE_HEIGHT : 0);
      x[at + 1] = normal();
      y[i * TIME + t] = t >= LAG && spikes[t - LAG] && x[at + 1] > 0 ? 1 : 0;
    }
  }
  return { x: tf.tensor3d(x, [n, TIME, 2]), y: tf.tensor3d(y, [n, TIME, 1]) };
}

const flags = exampleArgs('rare-event-lstm', 'Rare-event sequence labelling with a variational LSTM.', [
  { name: 'epochs', description: 'training epochs', defaultValue: '15', positiveInteger: true },
  { name: 'estimator', description: 'reparameterization or flipout', defaultValue: 'flipout', choices: ['reparameterization', 'flipout'] },
]);
await initBackend();
const epochs = Number(flags.epochs);
const estimator = flags.estimator as 'reparameterization' | 'flipout';
const train = rareEventSequences(512, 'train');
const test = rareEventSequences(256, 'test');
const model = tf.sequential({
  layers: [
    lstmVariational({
      units: 16,
      returnSequences: true,
      estimator,
      recurrentActivation: 'sigmoid',
      inputShape: [TIME, 2],
      name: 'events_lstm',
      posteriorInit: { seed: 1 },
    }),
    denseVariational({ units: 1, estimator, name: 'events_head', posteriorInit: { seed: 1 } }),
  ],
});
const elbo = new Elbo(model, { likelihood: focal({ gamma: 2, alpha: 0.25 }), klWeighting: klWeighting.perExample() });
const optimizer = tf.train.adam(0.01);
console.log(
  `backend: ${JSON.stringify(backendInfo())}; estimator ${estimator}; positive steps ${(tf.mean(train.y).dataSync()[0] * 100).toFixed(2)} %`,
);
await fit(
  model,
  { x: train.x, y: train.y },
  { elbo, optimizer, epochs, batchSize: 32, seed: 3, clip: { globalNorm: 10 }, progress: 'lines' },
);

// Predictive mean and spread over 20 weight samples (each sample shared by a whole sequence).
const { probability, spread } = tf.tidy(() => {
  const noise = new NoiseSource('predictive');
  const draws = tf.stack(
    Array.from({ length: 20 }, (_, step) => withNoise(noise, { step }, () => tf.sigmoid(model.predict(test.x) as tf.Tensor))),
  );
  const { mean, variance } = tf.moments(draws, 0);
  return { probability: mean, spread: tf.sqrt(variance) };
});
const scores = probability.dataSync();
const labels = test.y.dataSync();
const stds = spread.dataSync();
const meanWhere = (want: number) => {
  let sum = 0;
  let count = 0;
  labels.forEach((label, i) => {
    if (label === want) {
      sum += stds[i];
      count++;
    }
  });
  return sum / Math.max(count, 1);
};
console.log(`held-out per-step AUROC of the predictive mean: ${auroc(scores, labels).toFixed(3)}`);
console.log(`predictive std at events ${meanWhere(1).toFixed(4)}, elsewhere ${meanWhere(0).toFixed(4)}`);
tf.dispose([train.x, train.y, test.x, test.y, probability, spread]);
model.dispose();
optimizer.dispose();
