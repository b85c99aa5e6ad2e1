/**
 * The gradient inspector: on the same replayed noise sample, the gradient of the likelihood term
 * and the gradient of the weighted KL term of the ELBO, taken separately with respect to every
 * trainable variable, reduced to plain numbers. Nothing is applied; training is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { NoiseSource } from '../../src/random/noise-source.js';
import type { Elbo } from '../elbo/index.js';
import { requireTrainingPosition, type TrainingPosition } from '../position.js';
import { parameterGroups, type ParameterGroup } from './parameter-groups.js';
import { summarizeGradients, type GradientInspection, type TermGradients } from './summarize.js';

/** A batch to inspect on: model input and targets, batch first. Stays the caller's. */
export interface InspectionBatch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

const NO_CONNECTION = 'Cannot find a connection';

/** Gradient of one term wrt `variables`; an empty map when the term depends on none of them. */
function termGradients(term: () => tf.Scalar, variables: tf.Variable[]): tf.NamedTensorMap {
  try {
    const { value, grads } = tf.variableGrads(term, variables);
    value.dispose();
    return grads;
  } catch (error) {
    if (error instanceof Error && error.message.includes(NO_CONNECTION)) return {};
    throw error;
  }
}

/**
 * Runs `fn` and restores every non-trainable weight of `model` afterwards: a forward pass in
 * training mode may update batch-norm moving statistics, which inspection must not do.
 */
function preservingState<T>(model: tf.LayersModel | tf.layers.Layer, fn: () => T): T {
  const saved = model.nonTrainableWeights.map((weight) => [weight, tf.clone(weight.read())] as const);
  try {
    return fn();
  } finally {
    for (const [weight, value] of saved) {
      weight.write(value);
      value.dispose();
    }
  }
}

/**
 * Both term gradients for `groups`' variables. The caller owns every tensor of the result
 * (dispose with `disposeTermGradients`).
 */
export function computeTermGradients(
  model: tf.LayersModel | tf.layers.Layer,
  groups: readonly ParameterGroup[],
  batch: InspectionBatch,
  elbo: Elbo,
  position: TrainingPosition,
  noise: NoiseSource,
): TermGradients {
  const variables = groups.map((g) => g.variable);
  return preservingState(model, () => ({
    likelihood: termGradients(() => elbo.term('likelihood', batch.x, batch.y, position, noise), variables),
    kl: termGradients(() => elbo.term('kl', batch.x, batch.y, position, noise), variables),
  }));
}

/** Disposes the gradient tensors of `computeTermGradients`. */
export function disposeTermGradients(gradients: TermGradients): void {
  tf.dispose([...Object.values(gradients.likelihood), ...Object.values(gradients.kl)]);
}

/** Boundary checks shared by `inspectGradients` and `GradientRecorder.observe`. */
export function requireInspectionArgs(where: string, batch: unknown, elbo: unknown, position: unknown, noise: unknown): void {
  const candidate = batch as Partial<InspectionBatch> | null;
  if (typeof batch !== 'object' || candidate === null || !(candidate.x instanceof tf.Tensor) || !(candidate.y instanceof tf.Tensor)) {
    throw new InvalidArgumentError(where, 'batch', batch, 'an object {x: tf.Tensor, y: tf.Tensor}');
  }
  if (typeof elbo !== 'object' || elbo === null || typeof (elbo as Partial<Elbo>).term !== 'function') {
    throw new InvalidArgumentError(where, 'elbo', elbo, 'an Elbo');
  }
  if (!(noise instanceof NoiseSource)) throw new InvalidArgumentError(where, 'noise', noise, 'a NoiseSource');
  requireTrainingPosition(where, position);
}

/**
 * Compares the gradients of the ELBO's likelihood term and weighted KL term on one batch, per
 * layer and per role (`loc`, `rawScale` of kernel and bias; `weight` for other variables), per
 * layer, per role and for the whole model: the L2 norm of each, their ratio (KL / likelihood),
 * their cosine and the norm of their sum; and which variables got no gradient from a term.
 *
 * Both gradients are taken at the same noise position (`noise`, `position.step`, particles
 * 0…P−1), so they are on the same sample and add up to the gradient of the ELBO's loss. Weights,
 * batch-norm statistics, optimizer state and the noise stream are left untouched. Returns plain
 * numbers; leaves no tensors behind.
 *
 * @param model the model `elbo` was built on.
 * @param batch `{x, y}` of one minibatch (not disposed).
 * @param elbo the ELBO composer used for training.
 * @param position training position of the step being inspected (its KL weight applies).
 * @param noise the run's noise source (the same as training's, to inspect the step's own sample).
 */
export function inspectGradients(
  model: tf.LayersModel | tf.layers.Layer,
  batch: InspectionBatch,
  elbo: Elbo,
  position: TrainingPosition,
  noise: NoiseSource,
): GradientInspection {
  requireInspectionArgs('inspectGradients', batch, elbo, position, noise);
  const groups = parameterGroups(model);
  const gradients = computeTermGradients(model, groups, batch, elbo, position, noise);
  try {
    return summarizeGradients(position.step, groups, gradients);
  } finally {
    disposeTermGradients(gradients);
  }
}
