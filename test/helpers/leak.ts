/** Shared leak check: a block must leave `tf.memory().numTensors` where it found it. */
import * as tf from '@tensorflow/tfjs';
import type { ExecutionContext } from 'ava';

/**
 * Runs `fn` (sync or async) and fails the test if the number of live tensors changed.
 * Returns `fn`'s result.
 */
export async function expectNoLeak<T>(t: ExecutionContext, fn: () => T | Promise<T>, label = 'block'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  t.is(after, before, `${label} leaked ${after - before} tensor(s)`);
  return result;
}

/** Reads a tensor to a plain array and disposes it. */
export function take(tensor: tf.Tensor): number[] {
  const values = Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}

/** Reads a scalar tensor and disposes it. */
export function takeScalar(tensor: tf.Tensor): number {
  const value = tensor.dataSync()[0];
  tensor.dispose();
  return value;
}

/** Asserts |actual − expected| ≤ tol·max(1, |expected|) (relative for large, absolute for small values). */
export function near(t: ExecutionContext, actual: number, expected: number, tol: number, message = ''): void {
  const error = Math.abs(actual - expected);
  t.true(error <= tol * Math.max(1, Math.abs(expected)), `${message} expected ${expected}, got ${actual} (|error| ${error})`);
}
