/**
 * One training step: gradients of the ELBO, the non-finite guard, clipping, and the update.
 */
import * as tf from '@tensorflow/tfjs';
import type { NoiseSource } from '../../src/random/noise-source.js';
import type { TrainingPosition } from '../position.js';
import { clipByGlobalNorm, clipByValue } from './clip.js';
import type { Batch } from './data-source.js';
import type { SkippedStep, StepRecord } from './history.js';
import type { StepReport, TrainingObjective } from './objective.js';

/** Clipping settings of a step. */
export interface StepClipping {
  readonly clipGlobalNorm: number | undefined;
  readonly clipValue: number | undefined;
}

/** What a step did: applied (with its record) or skipped (with the reason). */
export type StepOutcome = { readonly kind: 'applied'; readonly record: StepRecord } | { readonly kind: 'skipped'; readonly skipped: SkippedStep };

/** The model's trainable variables, in `model.trainableWeights` order (the order optimizer state is kept in). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => {
    const value = w.read();
    if (!(value instanceof tf.Variable)) throw new TypeError(`fit: trainable weight '${w.originalName}' is not backed by a tf.Variable.`);
    return value;
  });
}

/** Per-gradient finiteness flags and the global norm, read in one transfer. */
function gradientHealth(names: string[], grads: tf.NamedTensorMap): { finite: boolean[]; norm: number } {
  const values = tf.tidy(() => {
    const flags = names.map((n) => tf.cast(tf.all(tf.isFinite(grads[n])), 'float32'));
    const squares = names.map((n) => tf.sum(tf.square(grads[n])));
    const norm = tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares));
    return tf.concat([tf.stack(flags.length === 0 ? [tf.scalar(1)] : flags), tf.reshape(norm, [1])]);
  });
  const data = values.dataSync();
  values.dispose();
  return { finite: names.map((_, i) => data[i] === 1), norm: data[data.length - 1] };
}

/** Gradients of the ELBO for one batch (caller owns them) and the step's report. */
export interface StepGradients {
  readonly grads: tf.NamedTensorMap;
  readonly report: StepReport;
}

/** The ELBO's gradients with respect to `variables` for one batch at `position` (nothing applied). */
export function stepGradients(objective: TrainingObjective, optimizer: tf.Optimizer, variables: tf.Variable[], batch: Batch, position: TrainingPosition, noise: NoiseSource): StepGradients {
  let report: StepReport | null = null;
  const { value, grads } = optimizer.computeGradients(() => {
    const result = objective.lossAndReport(batch.x, batch.y, position, noise);
    report = result.report;
    return result.loss;
  }, variables);
  value.dispose();
  const finalReport = report as StepReport | null;
  if (finalReport === null) throw new TypeError('fit: the ELBO returned no report.');
  return { grads, report: finalReport };
}

/**
 * Computes the ELBO and its gradients for one batch and applies them unless the loss or a gradient
 * is NaN/±Inf. Clipping order: global norm, then value. Disposes every tensor it creates; the batch
 * stays the caller's.
 */
export function trainingStep(
  objective: TrainingObjective,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  batch: Batch,
  position: TrainingPosition,
  noise: NoiseSource,
  clipping: StepClipping,
): StepOutcome {
  const { grads, report } = stepGradients(objective, optimizer, variables, batch, position, noise);
  return applyStepGradients(optimizer, variables, grads, report, position, batch.x.shape[0], clipping);
}

/**
 * The guarded update: skips (and reports) a step whose loss or any gradient is not finite, else
 * clips and applies `grads`. Disposes `grads`.
 * @param batchSize examples behind the gradients (for the step record).
 */
export function applyStepGradients(
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  grads: tf.NamedTensorMap,
  finalReport: StepReport,
  position: TrainingPosition,
  batchSize: number,
  clipping: StepClipping,
): StepOutcome {
  const where = { step: position.step, epoch: position.epoch, batchIndex: position.batchIndex };
  const names = variables.map((v) => v.name).filter((name) => grads[name] !== undefined);
  let toApply: tf.NamedTensorMap = grads;
  try {
    if (!Number.isFinite(finalReport.loss)) return { kind: 'skipped', skipped: { ...where, reason: `loss is ${finalReport.loss}` } };
    const health = gradientHealth(names, grads);
    const bad = health.finite.findIndex((ok) => !ok);
    if (bad >= 0) return { kind: 'skipped', skipped: { ...where, reason: `gradient of '${names[bad]}' is not finite` } };
    if (clipping.clipGlobalNorm !== undefined) toApply = clipByGlobalNorm(toApply, clipping.clipGlobalNorm).grads;
    if (clipping.clipValue !== undefined) {
      const clipped = clipByValue(toApply, clipping.clipValue);
      if (toApply !== grads) tf.dispose(Object.values(toApply));
      toApply = clipped;
    }
    optimizer.applyGradients(names.map((name) => ({ name, tensor: toApply[name] })));
    const record: StepRecord = {
      ...where,
      batchSize,
      loss: finalReport.loss,
      nll: finalReport.nll,
      kl: finalReport.kl,
      klWeight: finalReport.klWeight,
      perLayer: finalReport.perLayer,
      gradNorm: health.norm,
    };
    return { kind: 'applied', record };
  } finally {
    tf.dispose(Object.values(grads));
    if (toApply !== grads) tf.dispose(Object.values(toApply));
  }
}
