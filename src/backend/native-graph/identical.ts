/**
 * Bit-for-bit equality of two tensors: the check a compiled graph passes before its results are
 * used in place of eager ones.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Whether `a` and `b` have the same shape, dtype and values (`Object.is` per element, so −0 ≠ +0
 * and NaN = NaN). Reads both tensors; disposes neither.
 */
export function identical(a: tf.Tensor, b: tf.Tensor): boolean {
  if (!tf.util.arraysEqual(a.shape, b.shape) || a.dtype !== b.dtype) return false;
  const [x, y] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}
