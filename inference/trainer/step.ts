/**
 * One training step: gradients of the ELBO, the non-finite guard, clipping, and the update.
 */
import * as tf from '@tensorflow/tfjs';
import type { NoiseSource } from '../../src/random/noise-source.js';
import type { TrainingPosition } from '../position.js';
import { clipByValue, scaleToGlobalNorm } from './clip.js';
import type { Batch } from './data-source.js';
import type { SkippedStep, StepRecord } from './history.js';
import type { PendingReport, StepReport, TrainingObjective } from './objective.js';

/** Clipping settings of a step (`fit`'s `clip` group after defaults): undefined turns a clip off. */
export interface StepClipping {
  readonly globalNorm: number | undefined;
  readonly value: number | undefined;
}

/** What a step did: applied (with its record) or skipped (with the reason). */
export type StepOutcome =
  { readonly kind: 'applied'; readonly record: StepRecord } | { readonly kind: 'skipped'; readonly skipped: SkippedStep };

/** The model's trainable variables, in `model.trainableWeights` order (the order optimizer state is kept in). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => {
    const value = w.read();
    if (!(value instanceof tf.Variable)) throw new TypeError(`fit: trainable weight '${w.originalName}' is not backed by a tf.Variable.`);
    return value;
  });
}

/**
 * The fused gradient check on the device: each gradient's squared L2 norm (a [k] vector) and the
 * global norm √Σ. A gradient is finite iff its squared norm is (NaN and ±Inf propagate; a squared
 * norm that overflows float32, |g| ≳ 1.8·10^19, also counts as not finite, as TensorFlow's
 * `clip_by_global_norm` turns such a norm into NaN). Caller owns both tensors.
 */
export function gradientCheck(names: readonly string[], grads: tf.NamedTensorMap): { squares: tf.Tensor1D; norm: tf.Scalar } {
  return tf.tidy(() => {
    const squares = names.map((n) => tf.sum(tf.square(grads[n])));
    const norm = tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar;
    return { squares: (squares.length === 0 ? tf.zeros([0]) : tf.stack(squares)) as tf.Tensor1D, norm };
  });
}

/**
 * What a step reads, as one vector: the report's scalars, each gradient's squared norm, then the
 * global norm. Caller owns it; the arguments stay the caller's.
 */
export function packedStepValues(scalars: readonly tf.Scalar[], squares: tf.Tensor1D, norm: tf.Scalar): tf.Tensor1D {
  return tf.tidy(
    () => tf.concat([scalars.length === 0 ? tf.zeros([0]) : tf.stack([...scalars]), squares, tf.reshape(norm, [1])]) as tf.Tensor1D,
  );
}

/** The gradients to apply: clipped by global norm (with the norm already computed), then by value; no read. */
export function clippedGradients(grads: tf.NamedTensorMap, norm: tf.Scalar, clipping: StepClipping): tf.NamedTensorMap {
  let result = grads;
  if (clipping.globalNorm !== undefined) result = scaleToGlobalNorm(grads, clipping.globalNorm, norm);
  if (clipping.value !== undefined) {
    const byValue = clipByValue(result, clipping.value);
    if (result !== grads) tf.dispose(Object.values(result));
    result = byValue;
  }
  return result;
}

/** The loss and its report: left on the device when the objective can, else read inside the closure. */
function lossWithReport(
  objective: TrainingObjective,
  batch: Batch,
  position: TrainingPosition,
  noise: NoiseSource,
): { loss: tf.Scalar; pending: PendingReport } {
  if (objective.lossAndPendingReport !== undefined) return objective.lossAndPendingReport(batch.x, batch.y, position, noise);
  const { loss, report } = objective.lossAndReport(batch.x, batch.y, position, noise);
  return { loss, pending: { scalars: [], read: () => report, dispose: () => undefined } };
}

/** Gradients of the ELBO for one batch (caller owns them) and the step's report. */
export interface StepGradients {
  readonly grads: tf.NamedTensorMap;
  readonly report: StepReport;
}

/**
 * The ELBO's gradients with respect to `variables` for one batch at `position` (nothing applied),
 * with the report read at once: the micro-batch path of gradient accumulation.
 */
export function stepGradients(
  objective: TrainingObjective,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  batch: Batch,
  position: TrainingPosition,
  noise: NoiseSource,
): StepGradients {
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
 * is NaN/±Inf. Clipping order: global norm, then value. One device→host read per step: the report,
 * the per-gradient finiteness and the global norm travel together (the clipped gradients are
 * computed before that read and dropped if the step is skipped). Disposes every tensor it creates;
 * the batch stays the caller's.
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
  let pending: PendingReport | null = null;
  const { value, grads } = optimizer.computeGradients(() => {
    const result = lossWithReport(objective, batch, position, noise);
    pending = result.pending;
    return result.loss;
  }, variables);
  const report = pending as PendingReport | null;
  if (report === null) {
    value.dispose();
    tf.dispose(Object.values(grads));
    throw new TypeError('fit: the ELBO returned no report.');
  }
  // The loss may be one of the report's scalars: it is freed with the report, after the read.
  const withLoss: PendingReport = {
    scalars: report.scalars,
    read: (values) => report.read(values),
    dispose: () => (report.dispose(), value.dispose()),
  };
  return guardedUpdate(optimizer, variables, grads, withLoss, position, batch.x.shape[0], clipping);
}

/**
 * The guarded update of gradients computed elsewhere (accumulated micro-batches) whose report is
 * already read: skips (and reports) a step whose loss or any gradient is not finite, else clips and
 * applies `grads`. Disposes `grads`.
 * @param batchSize examples behind the gradients (for the step record).
 */
export function applyStepGradients(
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  grads: tf.NamedTensorMap,
  report: StepReport,
  position: TrainingPosition,
  batchSize: number,
  clipping: StepClipping,
): StepOutcome {
  return guardedUpdate(
    optimizer,
    variables,
    grads,
    { scalars: [], read: () => report, dispose: () => undefined },
    position,
    batchSize,
    clipping,
  );
}

/**
 * The non-finite guard, clipping and the update, with one read: the pending report's scalars, each
 * gradient's squared norm and the global norm. Disposes `grads` and the pending report.
 */
function guardedUpdate(
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  grads: tf.NamedTensorMap,
  report: PendingReport,
  position: TrainingPosition,
  batchSize: number,
  clipping: StepClipping,
): StepOutcome {
  const names = variables.map((v) => v.name).filter((name) => grads[name] !== undefined);
  let toApply: tf.NamedTensorMap = grads;
  try {
    const { squares, norm } = gradientCheck(names, grads);
    toApply = clippedGradients(grads, norm, clipping);
    const packed = packedStepValues(report.scalars, squares, norm);
    tf.dispose([squares, norm]);
    const values = packed.dataSync();
    packed.dispose();
    const outcome = stepOutcome(report.read(values), values, report.scalars.length, names, position, batchSize);
    if (outcome.kind === 'applied') optimizer.applyGradients(names.map((name) => ({ name, tensor: toApply[name] })));
    return outcome;
  } finally {
    report.dispose();
    tf.dispose(Object.values(grads));
    if (toApply !== grads) tf.dispose(Object.values(toApply));
  }
}

/**
 * The outcome of a step from its read values: skipped when the loss or a gradient's squared norm
 * (at `values[offset + i]` for gradient `names[i]`) is not finite, else applied with its record (the
 * global norm at `values[offset + names.length]`). Applies nothing.
 */
export function stepOutcome(
  report: StepReport,
  values: ArrayLike<number>,
  offset: number,
  names: readonly string[],
  position: TrainingPosition,
  batchSize: number,
): StepOutcome {
  const where = { step: position.step, epoch: position.epoch, batchIndex: position.batchIndex };
  if (!Number.isFinite(report.loss)) return { kind: 'skipped', skipped: { ...where, reason: `loss is ${report.loss}` } };
  for (let i = 0; i < names.length; i++) {
    if (!Number.isFinite(values[offset + i]))
      return { kind: 'skipped', skipped: { ...where, reason: `gradient of '${names[i]}' is not finite` } };
  }
  const record: StepRecord = {
    ...where,
    batchSize,
    loss: report.loss,
    nll: report.nll,
    kl: report.kl,
    klWeight: report.klWeight,
    perLayer: report.perLayer,
    gradNorm: values[offset + names.length],
  };
  return { kind: 'applied', record };
}
