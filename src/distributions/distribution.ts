/**
 * The small interface every distribution of tfjs-bnn implements (after Distrax/TFP).
 *
 * Distributions are immutable values. They do not own their parameter tensors: build them inside
 * `tf.tidy` (or dispose the parameters yourself). Every method returns a new tensor that the
 * caller owns.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { RandomDraws } from '../random/noise-source.js';

/** A (batch of) univariate distribution(s) over float32 values, element-wise independent. */
export interface Distribution {
  /** Shape of the batch of independent elements (`[]` for scalar parameters). */
  readonly batchShape: readonly number[];
  /**
   * One draw per element. `shape` defaults to `batchShape`; scalar-parameter distributions
   * broadcast to any `shape`. Caller owns the result.
   */
  sample(draws: RandomDraws, shape?: readonly number[]): tf.Tensor;
  /** Element-wise log density at `x` (broadcast against the parameters). Caller owns the result. */
  logProb(x: tf.Tensor): tf.Tensor;
  /** Element-wise mean. Caller owns the result. */
  mean(): tf.Tensor;
  /** Element-wise standard deviation. Caller owns the result. */
  stddev(): tf.Tensor;
}

/** A number or a tensor: the parameter types distributions accept. */
export type Parameter = number | tf.Tensor;

/** Shape of a parameter (`[]` for numbers). */
export function parameterShape(p: Parameter): number[] {
  return typeof p === 'number' ? [] : p.shape;
}

/** Requires a number or a tf.Tensor (`InvalidArgumentError` naming `where` and `argument` otherwise). */
export function requireParameter(where: string, argument: string, value: unknown): Parameter {
  if (typeof value !== 'number' && !(value instanceof tf.Tensor)) {
    throw new InvalidArgumentError(where, argument, value, 'a number or a tf.Tensor');
  }
  return value;
}

/** A parameter as a tensor. For a number a new scalar is created (dispose or use under tidy). */
export function asTensor(p: Parameter): tf.Tensor {
  return typeof p === 'number' ? tf.scalar(p) : p;
}
