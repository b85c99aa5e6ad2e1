/**
 * Bayes by Backprop on the regression toy of Blundell et al. 2015: trains a 1-32-1 variational MLP on
 * 200 points with x in [0, 0.5], prints the loss parts per epoch, then the predictive spread (std over
 * 100 MC forward passes) inside the data range and at x in [0.8, 1.0], where it should be larger.
 *
 * Run: `npx tsc -p . && node dist/examples/regression-toy.js [--epochs 150]` (`--help` lists the flags)
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, backendInfo } from '../src/backend/index.js';
import { regressionToy } from '../src/data/regression-toy.js';
import { NoiseSource, withNoise } from '../src/random/index.js';
import { denseVariational } from '../layers/index.js';
import { Elbo } from '../inference/elbo/index.js';
import { gaussian } from '../inference/likelihoods/index.js';
import * as klWeighting from '../inference/kl-weighting/index.js';
import { fit } from '../inference/trainer/index.js';
import { exampleArgs } from './example-args.js';

const flags = exampleArgs(
  'regression-toy',
  'Bayes by Backprop on the regression toy of Blundell et al. 2015: predictive spread in and out of the data range.',
  [{ name: 'epochs', description: 'training epochs', defaultValue: '150', positiveInteger: true }],
);
await initBackend();
const epochs = Number(flags.epochs);
const { x, y } = regressionToy({ seed: 1, size: 200 });
const model = tf.sequential({
  layers: [
    denseVariational({ units: 32, activation: 'relu', inputShape: [1], name: 'toy_hidden' }),
    denseVariational({ units: 1, name: 'toy_out' }),
  ],
});
// Gaussian likelihood with the data's noise scale √0.02; KL weight 1/N per example (Graves 2011).
const elbo = new Elbo(model, { likelihood: gaussian({ scale: Math.sqrt(0.02) }), klWeighting: klWeighting.perExample() });
const optimizer = tf.train.adam(0.02);
console.log(`backend: ${JSON.stringify(backendInfo())}`);
console.log(elbo.describe);
await fit(model, { x, y }, { elbo, optimizer, epochs, batchSize: 40, seed: 2, progress: 'lines' });

/** Std over MC forward passes at each x of a grid; returns the grid's mean std. */
function spread(low: number, high: number, samples = 100): number {
  return tf.tidy(() => {
    const grid = tf.linspace(low, high, 21).reshape([21, 1]);
    const noise = new NoiseSource('predictive');
    const draws = Array.from({ length: samples }, (_, s) => withNoise(noise, { step: s }, () => model.apply(grid) as tf.Tensor));
    return tf.mean(tf.sqrt(tf.moments(tf.stack(draws), 0).variance)).dataSync()[0];
  });
}
const inside = spread(0, 0.5);
const outside = spread(0.8, 1.0);
console.log(
  `predictive spread (mean std over 100 samples): inside [0, 0.5] ${inside.toFixed(4)}, at [0.8, 1.0] ${outside.toFixed(4)}, ratio ${(outside / inside).toFixed(2)}`,
);
tf.dispose([x, y]);
model.dispose();
optimizer.dispose();
