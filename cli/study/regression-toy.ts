/**
 * `study kl --task regression-toy`: the 1-D regression of Blundell et al. (2015),
 * y = x + 0.3 sin(2π(x+ε)) + 0.3 sin(4π(x+ε)) + ε, ε ~ N(0, 0.02), trained on x ∈ [0, 0.5];
 * a Bayesian MLP 1-32-32-1 with a fixed-σ Gaussian likelihood. Predictive spread should grow
 * away from the data: it is measured on x ∈ [0, 0.5] (in distribution) and [0.8, 1] (out).
 */
import * as tf from '@tensorflow/tfjs';
import { gaussian } from '../../inference/likelihoods/index.js';
import { denseVariational, type Estimator } from '../../layers/index.js';
import { regressionToy, REGRESSION_TOY_DEFAULT_NOISE_VARIANCE } from '../../src/data/regression-toy.js';
import type { NoiseSource } from '../../src/random/index.js';
import { meanOf, sampleOutputs, type StudyTask, type TaskRun } from './task.js';

/** Training points, hidden units, and points of each evaluation set. */
const REGRESSION_TOY_STUDY = { trainSize: 200, testSize: 200, hiddenUnits: 32, gridPoints: 50 } as const;
/** Observation noise σ of the likelihood: the toy's own, √0.02. */
export const REGRESSION_TOY_SIGMA = Math.sqrt(REGRESSION_TOY_DEFAULT_NOISE_VARIANCE);

function buildModel(seed: number, estimator: Estimator): tf.LayersModel {
  const units = REGRESSION_TOY_STUDY.hiddenUnits;
  // Seeded initial means, so each (weighting, seed) run starts from the same weights as its peers.
  const init = (offset: number) => ({ locInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + offset }) });
  return tf.sequential({
    layers: [
      denseVariational({ units, activation: 'relu', estimator, inputShape: [1], name: 'dense_1', posteriorInit: init(1) }),
      denseVariational({ units, activation: 'relu', estimator, name: 'dense_2', posteriorInit: init(2) }),
      denseVariational({ units: 1, estimator, name: 'dense_3', posteriorInit: init(3) }),
    ],
  });
}

/** x evenly spaced on [low, high], as [n, 1]. */
function grid(low: number, high: number, n: number): tf.Tensor2D {
  return tf.tidy(() => tf.linspace(low, high, n).reshape([n, 1]) as tf.Tensor2D);
}

/** Mean predictive standard deviation √(Var_s μ_s + σ²) over `x`. */
function meanPredictiveStd(model: tf.LayersModel, x: tf.Tensor, samples: number, noise: NoiseSource): number {
  const outputs = sampleOutputs(model, x, samples, noise);
  try {
    return tf.tidy(() => {
      const { variance } = tf.moments(outputs, 0);
      return tf.mean(tf.sqrt(tf.add(variance, REGRESSION_TOY_SIGMA ** 2))).dataSync()[0];
    });
  } finally {
    outputs.dispose();
  }
}

/** The task. */
export const regressionToyTask: StudyTask = {
  name: 'regression-toy',
  description: `Blundell et al. (2015) 1-D regression, ${REGRESSION_TOY_STUDY.trainSize} points on x ∈ [0, 0.5]; Bayesian MLP 1-32-32-1, Gaussian likelihood σ = √0.02.`,
  metrics: [
    { key: 'nll', label: 'test NLL (nats/point)' },
    { key: 'rmse', label: 'test RMSE' },
    { key: 'stdIn', label: 'predictive std, x ∈ [0, 0.5]' },
    { key: 'stdOut', label: 'predictive std, x ∈ [0.8, 1]' },
    { key: 'stdRatio', label: 'predictive std ratio out/in' },
  ],
  epochs: { full: 300, quick: 60 },
  batchSize: 20,
  learningRate: 0.01,
  samples: 50,
  setup(seed: number, estimator: Estimator): TaskRun {
    const train = regressionToy({ seed: `train/${seed}`, size: REGRESSION_TOY_STUDY.trainSize });
    const model = buildModel(seed, estimator);
    return {
      model,
      train,
      likelihood: gaussian({ scale: REGRESSION_TOY_SIGMA }),
      countUnit: 'images',
      async evaluate(samples, noise) {
        const test = regressionToy({ seed: `test/${seed}`, size: REGRESSION_TOY_STUDY.testSize });
        const inside = grid(0, 0.5, REGRESSION_TOY_STUDY.gridPoints);
        const outside = grid(0.8, 1, REGRESSION_TOY_STUDY.gridPoints);
        try {
          const outputs = sampleOutputs(model, test.x, samples, noise);
          const [nll, rmse] = tf.tidy(() => {
            // Mixture of S Gaussians N(μ_s, σ²): −log (1/S) Σ_s N(y; μ_s, σ²), per point.
            const z = tf.div(tf.sub(test.y.expandDims(0), outputs), REGRESSION_TOY_SIGMA);
            const logDensity = tf.sub(tf.mul(-0.5, tf.square(z)), Math.log(REGRESSION_TOY_SIGMA) + 0.5 * Math.log(2 * Math.PI));
            const logMixture = tf.sub(tf.logSumExp(logDensity, 0), Math.log(samples));
            const error = tf.sub(tf.mean(outputs, 0), test.y);
            return [meanOf(tf.neg(logMixture)), Math.sqrt(meanOf(tf.square(error)))];
          });
          outputs.dispose();
          const stdIn = meanPredictiveStd(model, inside, samples, noise);
          const stdOut = meanPredictiveStd(model, outside, samples, noise);
          return { nll, rmse, stdIn, stdOut, stdRatio: stdOut / stdIn };
        } finally {
          tf.dispose([test.x, test.y, inside, outside]);
        }
      },
      dispose() {
        tf.dispose([train.x, train.y]);
        model.dispose();
      },
    };
  },
};
