// Tiny models with real variational layers for the ELBO tests, and a by-hand particle.
import * as tf from '@tensorflow/tfjs';
import { denseVariational, priors, variationalLayers, type PriorSpec } from '../../../layers/index.js';
import { withNoise, type NoiseSource } from '../../../src/random/index.js';
import type { Likelihood } from '../../../inference/index.js';

let models = 0;

/** 4 → 3 (tanh) → 1 with σ = softplus(−1) ≈ 0.31 so that particles differ visibly. Caller disposes. */
export function tinyModel(prior: PriorSpec = priors.normal()): tf.Sequential {
  const id = models++;
  const model = tf.sequential();
  model.add(
    denseVariational({ units: 3, inputShape: [4], activation: 'tanh', prior, posteriorInit: { rawScaleInit: -1 }, name: `hidden_${id}` }),
  );
  model.add(denseVariational({ units: 1, prior, posteriorInit: { rawScaleInit: -1 }, name: `out_${id}` }));
  return model;
}

/** A batch of 4 examples (x [4, 4], y [4, 1] in {0, 1}). Caller disposes. */
export function batch(): { x: tf.Tensor; y: tf.Tensor } {
  return {
    x: tf.tensor2d([
      [0.5, -1, 0.3, 2],
      [1, 0.2, -0.7, 0],
      [-1.5, 0.4, 0.1, 0.9],
      [0.2, 0.2, -0.2, -1],
    ]),
    y: tf.tensor2d([[1], [0], [0], [1]]),
  };
}

/** One particle by hand: batch-mean of the per-example NLL and Σ layer.kl() in the same noise scope. */
export function particleByHand(
  model: tf.LayersModel,
  likelihood: Likelihood,
  x: tf.Tensor,
  y: tf.Tensor,
  noise: NoiseSource,
  step: number,
  particle: number,
): { nll: number; kl: number } {
  return withNoise(noise, { step, particle }, () =>
    tf.tidy(() => {
      const output = model.apply(x, { training: true }) as tf.Tensor;
      const nll = tf.mean(tf.sum(likelihood.perElement(y, output), 1)).dataSync()[0];
      const kl = tf.addN(variationalLayers(model).map((layer) => layer.kl())).dataSync()[0];
      return { nll, kl };
    }),
  );
}
