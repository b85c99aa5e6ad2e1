/**
 * Metrics of the trainer, computed apart from the loss: a forward pass over a whole data source with
 * the weights at their posterior means (`'mean'`, the default) or one sampled set of weights
 * (`'sample'`), then each metric once on all the predictions.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { withNoise, type NoisePosition, type NoiseSource } from '../../src/random/index.js';
import { variationalLayers } from '../../layers/index.js';
import type { BatchSource } from './data-source.js';

/** A metric: a scalar from targets and predictions of all examples (e.g. MSE, accuracy, AUROC). Must return a new tensor. */
export type MetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/**
 * Which weights metrics see: `'mean'` sets every variational layer to its posterior mean
 * (deterministic, what `setSamplingMode(model, 'mean')` does); `'sample'` draws one set of weights
 * from the posterior (noise fork `'metrics'`, position `{step: epoch}`), as a single MC prediction.
 */
export type MetricsMode = 'mean' | 'sample';
/** Accepted metrics modes. */
export const METRICS_MODES = ['mean', 'sample'] as const;
/** Name of the noise fork used by `'sample'` metrics: `noise.fork(METRICS_FORK)`. */
export const METRICS_FORK = 'metrics';

/** Checks a metrics map: non-empty names, functions. */
export function requireMetrics(where: string, metrics: unknown): Record<string, MetricFn> {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw new InvalidArgumentError(where, 'metrics', metrics, 'an object mapping names to (yTrue, yPred) => tf.Scalar');
  }
  for (const [name, fn] of Object.entries(metrics)) {
    if (typeof fn !== 'function') throw new InvalidArgumentError(where, `metrics.${name}`, fn, 'a function (yTrue, yPred) => tf.Scalar');
  }
  return metrics as Record<string, MetricFn>;
}

/**
 * Runs `fn` with every variational layer of `model` in `mode`, restoring each layer's own mode after.
 */
function withSamplingMode<T>(model: tf.LayersModel, mode: 'mean' | 'sample', fn: () => Promise<T>): Promise<T> {
  const layers = variationalLayers(model);
  const saved = layers.map((layer) => layer.samplingMode);
  for (const layer of layers) layer.samplingMode = mode;
  return fn().finally(() => layers.forEach((layer, i) => (layer.samplingMode = saved[i])));
}

/**
 * Every metric on all batches of `source`, as plain numbers. Predictions of all batches are
 * concatenated first, so non-decomposable metrics (AUROC, Dice) are exact.
 *
 * @param noise the run's noise source (only `'sample'` mode draws from it, through a fork).
 * @param position noise position of the `'sample'` draw.
 */
export async function evaluateMetrics(
  model: tf.LayersModel,
  source: BatchSource,
  metrics: Record<string, MetricFn>,
  mode: MetricsMode,
  noise: NoiseSource,
  position: NoisePosition,
  evalBatchSize: number,
): Promise<Record<string, number>> {
  const names = Object.keys(metrics);
  if (names.length === 0) return {};
  const metricsNoise = noise.fork(METRICS_FORK);
  const targets: tf.Tensor[] = [];
  const predictions: tf.Tensor[] = [];
  try {
    await withSamplingMode(model, mode, async () => {
      for await (const batch of source.evaluationBatches(evalBatchSize)) {
        const forward = () => model.apply(batch.x, { training: false }) as tf.Tensor;
        predictions.push(mode === 'sample' ? withNoise(metricsNoise, position, forward) : tf.tidy(forward));
        targets.push(batch.y);
        batch.x.dispose();
      }
    });
    const values = tf.tidy(() => {
      const yTrue = targets.length === 1 ? targets[0] : tf.concat(targets, 0);
      const yPred = predictions.length === 1 ? predictions[0] : tf.concat(predictions, 0);
      return names.map((name) => {
        const value = metrics[name](yTrue, yPred);
        if (!(value instanceof tf.Tensor) || value.size !== 1) {
          throw new InvalidArgumentError('fit', `metrics.${name}`, value, 'a function returning a scalar tf.Tensor');
        }
        return value;
      });
    });
    const numbers = values.map((v) => v.dataSync()[0]);
    tf.dispose(values);
    const result: Record<string, number> = {};
    names.forEach((name, i) => (result[name] = numbers[i]));
    return result;
  } finally {
    tf.dispose(targets);
    tf.dispose(predictions);
  }
}
