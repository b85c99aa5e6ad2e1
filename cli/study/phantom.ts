/**
 * `study kl --task phantom`: 2D slices of the built-in lesion phantom (0.5 % lesion pixels), the
 * phantom recipe's small Bayesian U-Net (`inference/segmentation/recipe.ts`) with its per-image
 * cross-entropy + soft Dice loss. The study only swaps the KL weighting. Out-of-distribution
 * inputs: held-out slices with three times the scanner noise; their predictive entropy should
 * exceed the in-distribution slices'.
 */
import * as tf from '@tensorflow/tfjs';
import { diceCrossEntropy } from '../../inference/likelihoods/index.js';
import { diceScore, errorDetectionAuroc, expectedCalibrationError } from '../../inference/metrics/index.js';
import { disposePredictive, predictive } from '../../inference/predictive/index.js';
import { PHANTOM_SEGMENTATION_RECIPE, segmentationUNetArgs, segmentationRecipe } from '../../inference/segmentation/index.js';
import { bayesianUNet, type Estimator } from '../../layers/index.js';
import { DEFAULT_NOISE_LEVEL, generatePhantomArrays, type PhantomArrays } from '../../src/data/phantom/index.js';
import { normalizeSlices } from '../../src/io/normalize.js';
import type { NoiseSource } from '../../src/random/index.js';
import { EVALUATION_STEP, type StudyTask, type TaskRun } from './task.js';

/** Slices per run: the recipe's 48 training slices; fewer held out than `segment` to keep a study short. */
export const PHANTOM_STUDY_SLICES = { train: 48, test: 16 } as const;
/** Noise of the out-of-distribution slices, as a multiple of the phantom's default noise level. */
const PHANTOM_OOD_NOISE_FACTOR = 3;

function slices(seed: string, count: number, noiseLevel = DEFAULT_NOISE_LEVEL): { phantom: PhantomArrays; x: tf.Tensor4D; y: tf.Tensor4D } {
  const size = PHANTOM_SEGMENTATION_RECIPE.imageSize;
  const phantom = generatePhantomArrays({
    seed,
    count,
    size: [size, size],
    lesionFraction: PHANTOM_SEGMENTATION_RECIPE.lesionFraction,
    noiseLevel,
  });
  const x = tf.tensor4d(normalizeSlices(phantom.image, count, size * size), [count, size, size, 1]);
  const y = tf.tensor4d(Float32Array.from(phantom.mask), [count, size, size, 1]);
  return { phantom, x, y };
}

function maps(
  model: tf.LayersModel,
  x: tf.Tensor,
  samples: number,
  noise: NoiseSource,
): { probability: Float32Array; entropy: Float32Array } {
  const result = predictive(model, x, { samples, noise, output: 'sigmoid', step: EVALUATION_STEP });
  try {
    return { probability: result.meanProbability.dataSync() as Float32Array, entropy: result.predictiveEntropy.dataSync() as Float32Array };
  } finally {
    disposePredictive(result);
  }
}

const mean = (values: Float32Array) => values.reduce((a, b) => a + b, 0) / values.length;

/** The task. */
export const phantomTask: StudyTask = {
  name: 'phantom',
  description: `built-in MR-like lesion phantom, ${PHANTOM_STUDY_SLICES.train} training / ${PHANTOM_STUDY_SLICES.test} held-out slices of ${PHANTOM_SEGMENTATION_RECIPE.imageSize}² at 0.5 % lesion pixels; Bayesian U-Net (depth ${PHANTOM_SEGMENTATION_RECIPE.depth}, ${PHANTOM_SEGMENTATION_RECIPE.baseFilters} filters), per-image cross-entropy + soft Dice.`,
  metrics: [
    { key: 'dice', label: 'held-out Dice (p̄ ≥ 0.5)' },
    { key: 'auroc', label: 'error-detection AUROC of the predictive entropy' },
    { key: 'ece', label: 'held-out ECE (15 bins, all pixels)' },
    { key: 'nll', label: 'held-out NLL (nats/pixel)' },
    { key: 'entropyIn', label: 'predictive entropy, held-out slices (nats/pixel)' },
    { key: 'entropyNoisy', label: `predictive entropy, ${PHANTOM_OOD_NOISE_FACTOR}× noisier slices (nats/pixel)` },
  ],
  // 48 slices in batches of 8: 20 epochs are the recipe's 120 steps; --quick trains 84.
  epochs: { full: PHANTOM_SEGMENTATION_RECIPE.epochs, quick: 14 },
  batchSize: PHANTOM_SEGMENTATION_RECIPE.batchSize,
  learningRate: PHANTOM_SEGMENTATION_RECIPE.learningRate,
  samples: 8,
  setup(seed: number, estimator: Estimator): TaskRun {
    const train = slices(`study-train-${seed}`, PHANTOM_STUDY_SLICES.train);
    const test = slices(`study-test-${seed}`, PHANTOM_STUDY_SLICES.test);
    const model = bayesianUNet({ ...segmentationUNetArgs(segmentationRecipe({ seed, estimator })), name: `phantom_unet_${seed}` });
    return {
      model,
      train: { x: train.x, y: train.y },
      likelihood: diceCrossEntropy(PHANTOM_SEGMENTATION_RECIPE.loss),
      countUnit: 'images',
      async evaluate(samples, noise) {
        const truth = test.phantom.mask;
        const inDistribution = maps(model, test.x, samples, noise);
        const noisy = slices(`study-test-${seed}`, PHANTOM_STUDY_SLICES.test, PHANTOM_OOD_NOISE_FACTOR * DEFAULT_NOISE_LEVEL);
        try {
          const p = inDistribution.probability;
          const predicted = p.map((v) => (v >= 0.5 ? 1 : 0));
          let nll = 0;
          for (let i = 0; i < p.length; i++) nll -= Math.log(Math.max(truth[i] === 1 ? p[i] : 1 - p[i], 1e-12));
          return {
            dice: diceScore(p, truth),
            auroc: errorDetectionAuroc(inDistribution.entropy, predicted, truth),
            ece: expectedCalibrationError(p, truth),
            nll: nll / p.length,
            entropyIn: mean(inDistribution.entropy),
            entropyNoisy: mean(maps(model, noisy.x, samples, noise).entropy),
          };
        } finally {
          tf.dispose([noisy.x, noisy.y]);
        }
      },
      dispose() {
        tf.dispose([train.x, train.y, test.x, test.y]);
        model.dispose();
      },
    };
  },
};
