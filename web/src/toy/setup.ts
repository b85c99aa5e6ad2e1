/**
 * The regression toy of Blundell et al. (2015, §5.2) as the page trains it: 200 points on
 * x ∈ [0, 0.5], a Bayesian MLP 1-32-1, a Gaussian likelihood with the data's σ = √0.02, and the
 * KL weighting the user picks.
 */
import * as tf from '@tensorflow/tfjs';
import { Elbo, REGRESSION_TOY_DEFAULT_NOISE_VARIANCE, denseVariational, gaussian, klWeighting, regressionToy } from 'tfjs-bnn';

/** The KL weightings offered by the selector. */
export const TOY_WEIGHTINGS = {
  perExample: '1/N per example (batch-mean NLL + KL/N)',
  blundell: 'Blundell π_i = 2^(M−i)/(2^M−1) (batch-sum NLL)',
  tempered: 'tempered: T · KL/N (batch-mean NLL)',
} as const;
export type ToyWeighting = keyof typeof TOY_WEIGHTINGS;

/** Fixed settings of the toy. */
export const TOY = {
  size: 200,
  hiddenUnits: 32,
  batchSize: 40,
  learningRate: 0.02,
  sigma: Math.sqrt(REGRESSION_TOY_DEFAULT_NOISE_VARIANCE),
} as const;

/** Choices the user makes before training. */
export interface ToySettings {
  readonly seed: number;
  readonly weighting: ToyWeighting;
  /** Temperature T of the tempered weighting (ignored otherwise), > 0. */
  readonly temperature: number;
}

/** Data, model, ELBO and optimizer of one run; `dispose` frees them all. */
export interface ToyRun {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
  readonly model: tf.LayersModel;
  readonly elbo: Elbo;
  readonly optimizer: tf.Optimizer;
  dispose(): void;
}

/** Builds a run: data from `regressionToy({seed})`, weights seeded by `posteriorInit.seed`. */
export function createToyRun(settings: ToySettings): ToyRun {
  const { x, y } = regressionToy({ seed: settings.seed, size: TOY.size });
  const posteriorInit = { seed: settings.seed };
  const model = tf.sequential({
    layers: [
      denseVariational({ units: TOY.hiddenUnits, activation: 'relu', inputShape: [1], name: 'hidden', posteriorInit }),
      denseVariational({ units: 1, name: 'output', posteriorInit }),
    ],
  });
  const likelihood = gaussian({ scale: TOY.sigma });
  const elbo =
    settings.weighting === 'blundell'
      ? new Elbo(model, { likelihood, klWeighting: klWeighting.blundell(), reduction: 'sum' })
      : settings.weighting === 'tempered'
        ? new Elbo(model, {
            likelihood,
            klWeighting: klWeighting.product(klWeighting.perExample(), klWeighting.temperedLikelihood(settings.temperature)),
            reduction: 'mean',
          })
        : new Elbo(model, { likelihood, klWeighting: klWeighting.perExample(), reduction: 'mean' });
  const optimizer = tf.train.adam(TOY.learningRate);
  return {
    x,
    y,
    model,
    elbo,
    optimizer,
    dispose() {
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
    },
  };
}
