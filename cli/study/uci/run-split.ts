/** One (method, split) of `study uci`: train with `fit`, evaluate the predictive on the test part. */
import * as tf from '@tensorflow/tfjs';
import { fit } from '../../../inference/trainer/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';
import { categorical, gaussian } from '../../../inference/likelihoods/index.js';
import { disposePredictive, disposeRegressionPredictive, predictive, regressionPredictive } from '../../../inference/predictive/index.js';
import {
  classificationAccuracy,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassNegativeLogLikelihood,
  classwiseExpectedCalibrationError,
  multiclassReliabilityBins,
  quantileCalibration,
  type ReliabilityBin,
} from '../../../inference/metrics/index.js';
import type { TabularSplit, TabularTask } from '../../../src/data/tabular/index.js';
import { buildUciModel } from './models.js';
import { UCI_PROTOCOL, UCI_RECIPES, type UciMethod } from './recipe.js';

/** Noise step of the evaluation passes: never used in training. */
const EVALUATION_STEP = 1_000_000_000;

/** What one run measured (plain numbers; regression metrics in the original target units). */
export type UciMetrics = Record<string, number>;

/** The quantile-calibration curve of one regression run (Kuleshov et al. 2018) over its test points. */
interface UciQuantileCurve {
  readonly levels: readonly number[];
  readonly observed: readonly number[];
  readonly count: number;
}

/** One run's metrics and the calibration data its report draws. */
export interface UciSplitResult {
  readonly metrics: UciMetrics;
  /** Classification: the top-label reliability bins (15 equal-width) of the test predictions. */
  readonly reliability?: readonly ReliabilityBin[];
  /** Regression: the quantile-calibration curve of the test predictions. */
  readonly quantileCalibration?: UciQuantileCurve;
}

/** Settings of one run. */
export interface UciRunSettings {
  readonly method: UciMethod;
  readonly task: TabularTask;
  readonly classes: number;
  readonly epochs: number;
  readonly samples: number;
  readonly seed: number;
  readonly recipes?: typeof UCI_RECIPES;
  readonly signal?: AbortSignal;
}

function klWeightingFor(settings: UciRunSettings, recipes: typeof UCI_RECIPES): klWeighting.KLWeighting {
  const r = recipes.bbb;
  const factors: klWeighting.KLWeighting[] = [klWeighting.perExample()];
  if (r.klFactor !== 1) factors.push(klWeighting.constant(r.klFactor));
  if (r.warmupEpochs > 0) factors.push(klWeighting.linearWarmup({ epochs: Math.min(r.warmupEpochs, settings.epochs) }));
  return factors.length === 1 ? factors[0] : klWeighting.product(...factors);
}

/**
 * Trains `settings.method` on `split` and returns its test metrics: regression — `rmse`, `testLL`
 * (mean log-likelihood per point, original units), `coverage90`, `quantileCalibration`, `noiseScale`;
 * classification — `accuracy`, `testLL`, `ece`, `classwiseEce`, `brier`. Plus `trainSeconds`, and
 * the reliability bins (classification) or the quantile-calibration curve (regression).
 */
export async function runUciSplit(split: TabularSplit, settings: UciRunSettings): Promise<UciSplitResult> {
  const recipes = settings.recipes ?? UCI_RECIPES;
  const recipe = recipes[settings.method];
  const regression = settings.task === 'regression';
  const model = buildUciModel(settings.method, split.features, regression ? 1 : settings.classes, split.trainRows, recipes);
  const likelihood = regression ? gaussian({ scale: 'learned', initialScale: recipe.initialNoiseScale }) : categorical();
  const x = tf.tensor2d(split.trainX, [split.trainRows, split.features]);
  const y = regression ? tf.tensor2d(split.trainY, [split.trainRows, 1]) : tf.tensor1d(split.trainY, 'int32');
  const xTest = tf.tensor2d(split.testX, [split.testRows, split.features]);
  const optimizer = tf.train.adam(recipe.learningRate);
  try {
    const started = performance.now();
    await fit(
      model,
      { x, y },
      {
        elbo: {
          likelihood,
          klWeighting: settings.method === 'bbb' ? klWeightingFor(settings, recipes) : klWeighting.perExample(),
          particles: settings.method === 'bbb' ? recipes.bbb.particles : 1,
        },
        optimizer,
        epochs: settings.epochs,
        batchSize: recipe.batchSize,
        seed: settings.seed,
        initialWeights: 'seeded',
        progress: 'silent',
        ...(settings.signal === undefined ? {} : { signal: settings.signal }),
      },
    );
    const trainSeconds = (performance.now() - started) / 1000;
    const samples = settings.method === 'deterministic' ? 1 : settings.samples;
    const seed = `evaluation/${settings.seed}`;
    if (regression) {
      const sigma = (likelihood as ReturnType<typeof gaussian>).noiseScale();
      const noiseScale = sigma.dataSync()[0];
      sigma.dispose();
      const targets = tf.tensor2d(split.testY, [split.testRows, 1]);
      const result = regressionPredictive(model, xTest, {
        samples,
        seed,
        step: EVALUATION_STEP,
        noiseScale,
        targets,
        levels: [UCI_PROTOCOL.coverageLevel],
      });
      try {
        const scores = result.scores;
        if (scores === undefined) throw new TypeError('study uci: the predictive returned no scores.');
        const rmse = tf.tidy(() => tf.sqrt(tf.mean(tf.squaredDifference(result.mean, targets))).dataSync()[0]) * split.targetScale;
        const curve = quantileCalibration(scores.pit);
        return {
          metrics: {
            rmse,
            testLL: scores.meanLogLikelihood - Math.log(split.targetScale),
            coverage90: scores.coverage[String(UCI_PROTOCOL.coverageLevel)],
            quantileCalibration: curve.error,
            noiseScale: noiseScale * split.targetScale,
            trainSeconds,
          },
          quantileCalibration: { levels: curve.levels, observed: curve.observed, count: split.testRows },
        };
      } finally {
        disposeRegressionPredictive(result);
        targets.dispose();
      }
    }
    const result = predictive(model, xTest, { samples, seed, step: EVALUATION_STEP, output: 'softmax' });
    try {
      const probabilities = tf.tidy(() => tf.div(result.meanProbability, tf.sum(result.meanProbability, -1, true)));
      const labels = Array.from(split.testY);
      const metrics = {
        accuracy: classificationAccuracy(probabilities, labels),
        testLL: -multiclassNegativeLogLikelihood(probabilities, labels),
        ece: multiclassExpectedCalibrationError(probabilities, labels),
        classwiseEce: classwiseExpectedCalibrationError(probabilities, labels),
        brier: multiclassBrierScore(probabilities, labels),
        trainSeconds,
      };
      const reliability = multiclassReliabilityBins(probabilities, labels);
      probabilities.dispose();
      return { metrics, reliability };
    } finally {
      disposePredictive(result);
    }
  } finally {
    tf.dispose([x, y, xTest]);
    model.dispose();
    optimizer.dispose();
    likelihood.dispose?.();
  }
}
