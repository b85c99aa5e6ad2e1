/**
 * One tfjs, always: a tensor-like value that is not a tensor of the tfjs tfjs-bnn uses is the mark
 * of a second tfjs copy (a model built with the caller's `tf.sequential` from another copy hands
 * our layers its own symbolic tensors, which our `Layer.apply` then mistakes for concrete ones).
 */
import * as tf from '@tensorflow/tfjs';
import { DuplicateTfjsError } from '../errors.js';

/** Where the two copies live, when the platform can tell (set by the Node entry). */
let describeCopies: () => readonly string[] = () => [];

/** Lets the Node entry name the two resolved tfjs-core paths in `DuplicateTfjsError`. */
export function setTfjsCopyDescriber(describe: () => readonly string[]): void {
  describeCopies = describe;
}

/**
 * Throws `DuplicateTfjsError` (naming `where`, the resolved paths when known, and the fix) when
 * `value` is tensor-like (a shape and a dtype) but not a tensor of this tfjs: a symbolic tensor of
 * another tfjs-layers copy reaching a layer's `call()`.
 */
export function requireOwnTensor(where: string, value: unknown): void {
  if (value instanceof tf.Tensor) return;
  const candidate = value as { shape?: unknown; dtype?: unknown } | null;
  if (typeof candidate === 'object' && candidate !== null && Array.isArray(candidate.shape) && typeof candidate.dtype === 'string') {
    throw new DuplicateTfjsError(where, describeCopies());
  }
}
