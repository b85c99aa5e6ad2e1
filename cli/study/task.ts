/**
 * What `study kl` needs from a task: a fresh model and training data per (weighting, seed), the
 * likelihood, and an evaluation on held-out and out-of-distribution inputs.
 */
import * as tf from '@tensorflow/tfjs';
import type { CountUnit } from '../../inference/elbo/index.js';
import type { Likelihood, SegmentationLoss } from '../../inference/likelihoods/index.js';
import type { Estimator } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';

/** Names of the study tasks. */
export type StudyTaskName = 'regression-toy' | 'digits' | 'phantom';

/** A metric a task reports, in display order. */
interface TaskMetric {
  readonly key: string;
  /** Label with unit, e.g. `'test NLL (nats/point)'`. */
  readonly label: string;
}

/** One training run's model and data. The caller must call `dispose()`. */
export interface TaskRun {
  readonly model: tf.LayersModel;
  /** Training inputs and targets (owned by the run). */
  readonly train: { readonly x: tf.Tensor; readonly y: tf.Tensor };
  readonly likelihood: Likelihood | SegmentationLoss;
  readonly countUnit: CountUnit;
  /**
   * Held-out evaluation with `samples` Monte Carlo passes of `noise` (positions never used in
   * training): metric key → value (plain numbers).
   */
  evaluate(samples: number, noise: NoiseSource): Promise<Record<string, number>>;
  /** Disposes the model's variables and the data tensors. */
  dispose(): void;
}

/** A study task. */
export interface StudyTask {
  readonly name: StudyTaskName;
  /** One sentence on the model and data, for the report. */
  readonly description: string;
  readonly metrics: readonly TaskMetric[];
  /** Epochs per run, full and `--quick`. */
  readonly epochs: { readonly full: number; readonly quick: number };
  readonly batchSize: number;
  readonly learningRate: number;
  /** Monte Carlo passes of the evaluation. */
  readonly samples: number;
  /** Builds the model and data of one run. */
  setup(seed: number, estimator: Estimator): TaskRun;
}

/** Noise step of every evaluation pass: far beyond any training step, so it never reuses training noise. */
export const EVALUATION_STEP = 1_000_000_000;

/**
 * `samples` stochastic forward passes of `model` on `x`, pass s at noise position
 * `{step: EVALUATION_STEP, particle: s}`. Returns the outputs stacked: `[samples, ...outputShape]`
 * (caller owns it).
 */
export function sampleOutputs(model: tf.LayersModel, x: tf.Tensor, samples: number, noise: NoiseSource): tf.Tensor {
  const outputs: tf.Tensor[] = [];
  try {
    for (let particle = 0; particle < samples; particle++) {
      outputs.push(withNoise(noise, { step: EVALUATION_STEP, particle }, () => model.predict(x) as tf.Tensor));
    }
    return tf.stack(outputs);
  } finally {
    tf.dispose(outputs);
  }
}

/** Mean of a tensor as a number (disposes nothing it did not make). */
export function meanOf(tensor: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tensor).dataSync()[0]);
}
