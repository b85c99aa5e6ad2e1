/**
 * Boundary checks shared by every public function. Each throws a typed error that names
 * the function, the argument, the value received and what was expected.
 */
import * as tf from '@tensorflow/tfjs';
import { DtypeError, InvalidArgumentError, ShapeError } from './errors.js';

/** Requires a finite number. Returns it, so checks can sit in expressions. */
export function requireFinite(where: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(where, argument, value, 'a finite number');
  }
  return value;
}

/** Requires a seed: a finite number or a non-empty string (what `NoiseSource` and seedrandom key on). */
export function requireSeed(where: string, argument: string, value: unknown): number | string {
  if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length > 0)) return value;
  throw new InvalidArgumentError(where, argument, value, 'a finite number or a non-empty string');
}

/** Requires a finite number > 0. */
export function requirePositive(where: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(where, argument, value, 'a finite number > 0');
  }
  return value;
}

/** Requires a finite number ≥ 0. */
export function requireNonNegative(where: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(where, argument, value, 'a finite number ≥ 0');
  }
  return value;
}

/** Requires a number strictly inside (low, high). */
export function requireOpenInterval(where: string, argument: string, value: unknown, low: number, high: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= low || value >= high) {
    throw new InvalidArgumentError(where, argument, value, `a number in the open interval (${low}, ${high})`);
  }
  return value;
}

/** Requires an integer ≥ `min` (default 1). */
export function requireInteger(where: string, argument: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(where, argument, value, `an integer ≥ ${min}`);
  }
  return value;
}

/** Requires one of a fixed set of strings. */
export function requireOneOf<T extends string>(where: string, argument: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(where, argument, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** Requires a tf.Tensor of float32 dtype, optionally of a given rank (or one of several ranks). */
export function requireFloatTensor(where: string, argument: string, value: unknown, rank?: number | readonly number[]): tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw new InvalidArgumentError(where, argument, value, 'a tf.Tensor');
  }
  if (value.dtype !== 'float32') throw new DtypeError(where, argument, value.dtype, 'float32');
  if (rank !== undefined) {
    const ranks = typeof rank === 'number' ? [rank] : rank;
    if (!ranks.includes(value.rank)) {
      throw new ShapeError(where, argument, value.shape, `rank ${ranks.join(' or ')}`);
    }
  }
  return value;
}

/** What every model-input check expects: float32, with the remedy for integer and boolean data. */
export const MODEL_INPUT_DTYPE_EXPECTATION =
  "float32 (model inputs are not cast implicitly; cast integer or boolean data with tf.cast(x, 'float32'))";

/**
 * The one dtype rule for model inputs (`fit`'s `x`, `predictive`'s `x`, …): a tf.Tensor of dtype
 * float32, else `DtypeError` naming the remedy. Returns the tensor.
 */
export function requireModelInput(where: string, argument: string, value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) throw new InvalidArgumentError(where, argument, value, 'a tf.Tensor');
  if (value.dtype !== 'float32') throw new DtypeError(where, argument, value.dtype, MODEL_INPUT_DTYPE_EXPECTATION);
  return value;
}

/** Requires two shapes to be equal. */
export function requireSameShape(where: string, names: [string, string], a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError(where, names[1], b, `the shape of '${names[0]}', [${a.join(', ')}]`);
  }
}
