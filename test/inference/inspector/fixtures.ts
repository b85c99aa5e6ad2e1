/** Small models and ELBOs shared by the inspector tests. */
import * as tf from '@tensorflow/tfjs';
import { denseVariational, priors, type Estimator } from '../../../layers/index.js';
import { Elbo } from '../../../inference/elbo/index.js';
import { gaussian } from '../../../inference/likelihoods/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';
import type { TrainingPosition } from '../../../inference/position.js';

export const PRIOR_SCALE = 0.5;

/** A dense variational model [inputs] → [units], prior N(0, 0.5²), no bias unless asked. */
export function denseModel(inputs: number, units: number, options: { useBias?: boolean; estimator?: Estimator } = {}): tf.Sequential {
  const model = tf.sequential();
  model.add(
    denseVariational({
      units,
      inputShape: [inputs],
      useBias: options.useBias ?? false,
      estimator: options.estimator ?? 'reparameterization',
      prior: priors.normal({ scale: PRIOR_SCALE }),
      name: 'dense_v',
    }),
  );
  return model;
}

/** An ELBO with a Gaussian likelihood (σ = 1) and the given KL weight. */
export function gaussianElbo(model: tf.LayersModel, beta = 1): Elbo {
  return new Elbo(model, { likelihood: gaussian({ scale: 1 }), klWeighting: klWeighting.constant(beta) });
}

export function position(step: number): TrainingPosition {
  return { epoch: 0, step, batchIndex: 0, numBatches: 1, datasetSize: 8 };
}

/** A fixed regression batch [8, inputs] → [8, units]. */
export function regressionBatch(inputs: number, units: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tidy(() => tf.reshape(tf.linspace(-1, 1, 8 * inputs), [8, inputs]));
  const y = tf.tidy(() => tf.reshape(tf.sin(tf.linspace(0, 3, 8 * units)), [8, units]));
  return { x, y };
}
