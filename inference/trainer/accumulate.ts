/**
 * Gradient accumulation: one update from K micro-batches. The gradients of the micro-batches are
 * averaged, weighted by their sizes — what K data-parallel workers compute with an all-reduce of
 * their gradients — and applied once. Every micro-batch is evaluated at the update's training
 * position (so the KL weight sees the full data-set size N and the number of updates per epoch)
 * and at the update's noise position (so with a shared weight sample per step, the
 * reparameterization estimator, the K micro-batches use the sample one batch of K·B would use).
 * With the `'mean'` likelihood reduction the result equals the update of one batch of K·B.
 */
import * as tf from '@tensorflow/tfjs';
import type { NoiseSource } from '../../src/random/noise-source.js';
import type { TrainingPosition } from '../position.js';
import type { Batch } from './data-source.js';
import type { StepReport, TrainingObjective } from './objective.js';
import { applyStepGradients, stepGradients, type StepClipping, type StepOutcome } from './step.js';

/** Size-weighted mean of the micro-batches' reports (per-layer KLs and the weight are the same for all). */
function mergeReports(reports: readonly StepReport[], sizes: readonly number[]): StepReport {
  const total = sizes.reduce((a, b) => a + b, 0);
  const mean = (pick: (r: StepReport) => number) => reports.reduce((sum, r, i) => sum + pick(r) * sizes[i], 0) / total;
  return {
    loss: mean((r) => r.loss),
    nll: mean((r) => r.nll),
    kl: mean((r) => r.kl),
    klWeight: reports[0].klWeight,
    perLayer: reports[0].perLayer,
  };
}

/**
 * One update from `batches` (K ≥ 1 micro-batches, the caller's): gradients averaged with weights
 * B_i / Σ B, then the guarded update of `applyStepGradients` (non-finite skip, clipping). Only one
 * micro-batch's gradients plus the running sum are alive at a time. Disposes what it creates.
 */
export function accumulatedTrainingStep(
  objective: TrainingObjective,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  batches: readonly Batch[],
  position: TrainingPosition,
  noise: NoiseSource,
  clipping: StepClipping,
): StepOutcome {
  const sizes = batches.map((b) => b.x.shape[0]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const reports: StepReport[] = [];
  let sum: tf.NamedTensorMap = {};
  try {
    batches.forEach((batch, i) => {
      const { grads, report } = stepGradients(objective, optimizer, variables, batch, position, noise);
      reports.push(report);
      const share = sizes[i] / total;
      const next: tf.NamedTensorMap = {};
      tf.tidy(() => {
        for (const [name, grad] of Object.entries(grads)) {
          const scaled = tf.mul(grad, share);
          next[name] = tf.keep(sum[name] === undefined ? scaled : tf.add(sum[name], scaled));
        }
      });
      tf.dispose(Object.values(grads));
      tf.dispose(Object.values(sum));
      sum = next;
    });
  } catch (error) {
    tf.dispose(Object.values(sum));
    throw error;
  }
  return applyStepGradients(optimizer, variables, sum, mergeReports(reports, sizes), position, total, clipping);
}
