/** Argument normalisation and output sizes shared by the variational convolutions (as tf.layers computes them). */
import { InvalidArgumentError } from '../src/errors.js';
import { requireOneOf } from '../src/validate.js';

/** Padding of a convolution: 'same' keeps ⌈size / stride⌉, 'valid' uses no padding. */
export type Padding = 'same' | 'valid';

/** Number of spatial axes of a convolution. */
export type ConvRank = 1 | 2 | 3;

/** Validates a padding name. */
export function requirePadding(where: string, value: unknown): Padding {
  return requireOneOf(where, 'padding', value ?? 'valid', ['same', 'valid'] as const);
}

/** A number or one integer ≥ 1 per spatial axis, as a tuple of `rank` integers. */
export function normalizeTuple(where: string, argument: string, value: unknown, rank: number): number[] {
  const values = typeof value === 'number' ? new Array<number>(rank).fill(value) : value;
  if (!Array.isArray(values) || values.length !== rank || values.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
    throw new InvalidArgumentError(where, argument, value, `an integer ≥ 1 or an array of ${rank} such integers`);
  }
  return values as number[];
}

/** Output length of a convolution along one axis (null stays null), as tf.layers' convOutputLength. */
export function convOutputLength(
  length: number | null,
  kernelSize: number,
  padding: Padding,
  stride: number,
  dilation: number,
): number | null {
  if (length === null) return null;
  const dilatedKernel = kernelSize + (kernelSize - 1) * (dilation - 1);
  const unstrided = padding === 'same' ? length : length - dilatedKernel + 1;
  return Math.floor((unstrided + stride - 1) / stride);
}

/** Output length of a transposed convolution along one axis, as tf.layers' deconvLength. */
export function deconvOutputLength(length: number | null, kernelSize: number, padding: Padding, stride: number): number | null {
  if (length === null) return null;
  return padding === 'same' ? length * stride : length * stride + Math.max(kernelSize - stride, 0);
}
