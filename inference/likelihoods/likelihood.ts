/**
 * The two loss interfaces the ELBO accepts: per-element likelihoods (reduced by the ELBO) and
 * per-image segmentation losses (Dice, Tversky), plus their shared boundary checks.
 */
import * as tf from '@tensorflow/tfjs';
import { stableSoftplus } from '../../src/tensor/softplus.js';
import { DtypeError, InvalidArgumentError, ShapeError } from '../../src/errors.js';

/**
 * A likelihood (or any per-element loss) given as its negative log, element by element, without
 * reduction: the ELBO reduces it (see `ElboOptions.reduction` and `countUnit`). Immutable, holds no tensors.
 *
 * Reduction, done by the ELBO, for `perElement` of shape [B, …elements]:
 * - `countUnit: 'images'` (default): each example's NLL is the **sum** over its elements; then the
 *   batch is reduced by `'mean'` (pair with `perExample`, 1/N) or `'sum'` (pair with `perMinibatch`/`blundell`).
 * - `countUnit: 'voxels'`: every element counts as an example (N = images × elements per image);
 *   `'mean'` averages over all B × elements values.
 */
export interface Likelihood {
  /** Name of the likelihood, e.g. `'bernoulli'`. */
  readonly name: string;
  /** One sentence: the loss it computes, with its formula. */
  readonly describe: string;
  /**
   * Element-wise negative log-likelihood (or loss) of `yTrue` given the model output.
   * Shapes are documented per likelihood (usually equal shapes, batch first). Returns a new float32
   * tensor, batch first, that the caller owns; differentiable in `modelOutput`.
   */
  perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor;
  /**
   * Trainable variables the likelihood owns (e.g. the learned noise scale of
   * `gaussian({scale: 'learned'})`). `fit` trains them with the model's weights and checkpoints
   * them; `dispose()` frees them. Absent for likelihoods without parameters.
   */
  readonly variables?: readonly tf.Variable[];
  /**
   * −log p(θ) of `variables` under their prior, a scalar the caller owns, differentiable in the
   * variables. The ELBO adds it with the model-wide KL weight (it is the prior term of a point
   * estimate of θ, the MAP counterpart of a layer's KL). Absent when θ has no prior.
   */
  priorNegativeLogProb?(): tf.Scalar;
  /** The spec `likelihoodFromJSON` rebuilds an equal likelihood from (learned values included). */
  toJSON?(): LikelihoodSpec;
  /** Frees `variables`. */
  dispose?(): void;
}

/** The serializable form of a likelihood: its registered `name` and the options that rebuild it. */
export interface LikelihoodSpec {
  /** Registered name, e.g. `'gaussian'`. */
  readonly name: string;
  /** Options of the factory (numbers, strings, nested plain objects). */
  readonly config: { readonly [key: string]: unknown };
}

/** The variables a likelihood owns (empty when none). */
export function likelihoodVariables(likelihood: unknown): tf.Variable[] {
  if (!isLikelihood(likelihood)) return [];
  return [...(likelihood.variables ?? [])];
}

/**
 * A segmentation loss that is not a sum over voxels (soft Dice, Tversky): one value per image.
 * The ELBO reduces it over the batch by `'mean'` or `'sum'`; it counts images (`countUnit: 'images'`).
 */
export interface SegmentationLoss {
  /** Name of the loss, e.g. `'softDice'`. */
  readonly name: string;
  /** One sentence: the loss it computes, with its formula. */
  readonly describe: string;
  /**
   * Loss of each image: `yTrue` and `modelOutput` have equal shapes [B, …spatial, (1)], batch
   * first. Returns a new float32 tensor of shape [B] that the caller owns; differentiable in `modelOutput`.
   */
  perImage(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor;
}

/** Whether a loss is a per-image segmentation loss (else a per-element likelihood). */
export function isSegmentationLoss(loss: Likelihood | SegmentationLoss): loss is SegmentationLoss {
  return typeof (loss as Partial<SegmentationLoss>).perImage === 'function';
}

/** Whether a value is a per-element likelihood. */
export function isLikelihood(value: unknown): value is Likelihood {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Likelihood>).perElement === 'function';
}

/** Requires a tensor (any dtype in `dtypes`, default float32) of rank ≥ 1. */
export function requireTensor(where: string, argument: string, value: unknown, dtypes: readonly string[] = ['float32']): tf.Tensor {
  if (!(value instanceof tf.Tensor)) throw new InvalidArgumentError(where, argument, value, 'a tf.Tensor');
  if (!dtypes.includes(value.dtype)) throw new DtypeError(where, argument, value.dtype, dtypes.join(' or '));
  if (value.rank < 1) throw new ShapeError(where, argument, value.shape, 'rank ≥ 1 (batch first)');
  return value;
}

/** Requires `yTrue` and `modelOutput` to be float32 tensors of equal shape. */
export function requireMatchingPair(where: string, yTrue: unknown, modelOutput: unknown): [tf.Tensor, tf.Tensor] {
  const y = requireTensor(where, 'yTrue', yTrue);
  const out = requireTensor(where, 'modelOutput', modelOutput);
  if (y.rank !== out.rank || y.shape.some((d, i) => d !== out.shape[i])) {
    throw new ShapeError(where, 'yTrue', y.shape, `the shape of 'modelOutput', [${out.shape.join(', ')}]`);
  }
  return [y, out];
}

/**
 * Numerically stable binary cross-entropy from logits z against targets y ∈ [0, 1], element-wise:
 * max(z, 0) − z·y + log(1 + e^(−|z|)) (finite for any finite z). Caller owns the result.
 */
export function binaryCrossEntropyFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(stableSoftplus(logits), tf.mul(logits, yTrue)));
}
