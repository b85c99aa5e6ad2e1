// Shared fixtures of the trainer tests: a tiny Bayes-by-Backprop MLP and its ELBO.
import * as tf from '@tensorflow/tfjs';
import { denseVariational } from '../../../layers/index.js';
import { Elbo } from '../../../inference/elbo/index.js';
import { gaussian } from '../../../inference/likelihoods/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';

/** A 1 → hidden → 1 variational MLP with fixed layer names (names key the noise streams). */
export function tinyBnn(hidden = 8): tf.Sequential {
  return tf.sequential({
    layers: [
      denseVariational({ units: hidden, activation: 'relu', inputShape: [1], name: 'hidden' }),
      denseVariational({ units: 1, name: 'out' }),
    ],
  });
}

/** Deterministic initial weights for a model: the same values in every test run (rawScale −3). */
export function fixedWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.weights.map((w, i) =>
    tf.tidy(() => {
      const size = w.shape.reduce((a, b) => (a as number) * (b as number), 1) as number;
      const values = Array.from({ length: size }, (_, k) => (w.originalName.includes('raw_scale') ? -3 : 0.5 * Math.sin(1.7 * k + i)));
      return tf.tensor(values, w.shape as number[]);
    }),
  );
}

/** The per-example ELBO: batch-mean Gaussian NLL (scale σ) + KL / N. */
export function perExampleElbo(model: tf.LayersModel, scale = 0.1): Elbo {
  return new Elbo(model, { likelihood: gaussian({ scale }), klWeighting: klWeighting.perExample(), reduction: 'mean' });
}

/** 24 points of y = 2x − 1 on [−1, 1]. The caller owns the tensors. */
export function lineData(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.linspace(-1, 1, 24).reshape([24, 1]) as tf.Tensor2D;
    return { x, y: tf.sub(tf.mul(2, x), 1) as tf.Tensor2D };
  });
}

/** `tinyBnn(8)` with the fixed initial weights, so that two runs start from the same point. */
export function freshModel(): tf.Sequential {
  const model = tinyBnn(8);
  const weights = fixedWeights(model);
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** Every weight's values, read synchronously. */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync() as Float32Array);
}
