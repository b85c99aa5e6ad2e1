/**
 * `study kl --task digits`: the UCI 8×8 handwritten digits (1,438 train / 359 test), a Bayesian MLP
 * 64-32-10 with a categorical likelihood. Out-of-distribution inputs: the inverted test images
 * (1 − x) and uniform-noise images; their predictive entropy should exceed the test images'.
 */
import * as tf from '@tensorflow/tfjs';
import { categorical } from '../../inference/likelihoods/index.js';
import { expectedCalibrationError } from '../../inference/metrics/index.js';
import { disposePredictive, predictive } from '../../inference/predictive/index.js';
import { denseVariational, type Estimator } from '../../layers/index.js';
import { DIGITS_NUM_CLASSES, DIGITS_NUM_PIXELS } from '../../src/data/digits/index.js';
import { loadDigits } from '../../src/data/digits/load.js';
import type { NoiseSource } from '../../src/random/index.js';
import { EVALUATION_STEP, type StudyTask, type TaskRun } from './task.js';

/** Hidden units of the MLP. */
const DIGITS_HIDDEN_UNITS = 32;

function buildModel(seed: number, estimator: Estimator): tf.LayersModel {
  const init = (offset: number) => ({ locInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + offset }) });
  return tf.sequential({
    layers: [
      denseVariational({
        units: DIGITS_HIDDEN_UNITS,
        activation: 'relu',
        estimator,
        inputShape: [DIGITS_NUM_PIXELS],
        name: 'dense_1',
        posteriorInit: init(1),
      }),
      denseVariational({ units: DIGITS_NUM_CLASSES, estimator, name: 'dense_2', posteriorInit: init(2) }),
    ],
  });
}

/** Mean predictive entropy (nats) of the softmax outputs over `x`. */
function meanEntropy(
  model: tf.LayersModel,
  x: tf.Tensor,
  samples: number,
  noise: NoiseSource,
): { entropy: number; probabilities: Float32Array } {
  const result = predictive(model, x, { samples, noise, output: 'softmax', step: EVALUATION_STEP });
  try {
    const entropy = tf.tidy(() => tf.mean(result.predictiveEntropy).dataSync()[0]);
    return { entropy, probabilities: result.meanProbability.dataSync() as Float32Array };
  } finally {
    disposePredictive(result);
  }
}

/** The task. */
export const digitsTask: StudyTask = {
  name: 'digits',
  description:
    'UCI optical handwritten digits (Alpaydin & Kaynak 1998), 8×8 images, stratified 80/20 split; Bayesian MLP 64-32-10, categorical likelihood.',
  metrics: [
    { key: 'nll', label: 'test NLL (nats/image)' },
    { key: 'accuracy', label: 'test accuracy' },
    { key: 'ece', label: 'test ECE (15 bins, top label)' },
    { key: 'entropyIn', label: 'predictive entropy, test images (nats)' },
    { key: 'entropyInverted', label: 'predictive entropy, inverted images (nats)' },
    { key: 'entropyNoise', label: 'predictive entropy, noise images (nats)' },
  ],
  epochs: { full: 40, quick: 8 },
  batchSize: 32,
  learningRate: 0.01,
  samples: 20,
  setup(seed: number, estimator: Estimator): TaskRun {
    const digits = loadDigits({ seed, layout: 'flat' });
    const model = buildModel(seed, estimator);
    return {
      model,
      train: { x: digits.train.xs, y: digits.train.oneHot },
      likelihood: categorical(),
      countUnit: 'images',
      async evaluate(samples, noise) {
        const test = meanEntropy(model, digits.test.xs, samples, noise);
        const labels = await digits.test.labels.data();
        const n = labels.length;
        const confidence = new Float32Array(n);
        const hit = new Float32Array(n);
        let nll = 0;
        for (let i = 0; i < n; i++) {
          const row = test.probabilities.subarray(i * DIGITS_NUM_CLASSES, (i + 1) * DIGITS_NUM_CLASSES);
          let best = 0;
          for (let k = 1; k < DIGITS_NUM_CLASSES; k++) if (row[k] > row[best]) best = k;
          confidence[i] = row[best];
          hit[i] = best === labels[i] ? 1 : 0;
          nll -= Math.log(Math.max(row[labels[i]], 1e-12));
        }
        const inverted = tf.tidy(() => tf.sub(1, digits.test.xs));
        const noiseImages = noise.fork('digits/noise-images').draws({ step: 0 }, 'uniform').uniform([n, DIGITS_NUM_PIXELS]);
        try {
          return {
            nll: nll / n,
            accuracy: hit.reduce((a, b) => a + b, 0) / n,
            // Multi-class top-label ECE (Guo 2017): bin the top-label confidence against whether it was right.
            ece: expectedCalibrationError(confidence, hit, { kind: 'foreground' }),
            entropyIn: test.entropy,
            entropyInverted: meanEntropy(model, inverted, samples, noise).entropy,
            entropyNoise: meanEntropy(model, noiseImages, samples, noise).entropy,
          };
        } finally {
          tf.dispose([inverted, noiseImages]);
        }
      },
      dispose() {
        digits.dispose();
        model.dispose();
      },
    };
  },
};
