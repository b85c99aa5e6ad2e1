/**
 * Inputs of the multi-class metrics: an [N, K] matrix of class probabilities (rows sum to 1) and N
 * integer class labels, read once into flat arrays. Also the guard that stops binary-only metrics
 * from silently treating softmax output as N·K independent binary probabilities.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { readValues, type VoxelValues } from './values.js';

/** Class probabilities: a [N, K] tensor, or N rows of K numbers. */
export type ClassProbabilities = tf.Tensor | ArrayLike<ArrayLike<number>>;

/** Class labels: a [N] tensor (int32 or float32 with integer values) or an array of integers in [0, K). */
export type ClassLabels = VoxelValues;

/** Rows of class probabilities may sum to 1 ± this (float32 softmax round-off). */
export const ROW_SUM_TOLERANCE = 1e-3;

/** Probabilities and labels read into flat arrays. */
export interface ClassData {
  /** Row-major [N, K] probabilities. */
  readonly probabilities: Float64Array;
  /** N labels in [0, K). */
  readonly labels: Int32Array;
  readonly count: number;
  readonly classes: number;
}

/** Reads and checks an [N, K] probability matrix and its N labels. */
export function readClassData(where: string, probabilities: ClassProbabilities, labels: ClassLabels): ClassData {
  let rows: number;
  let classes: number;
  let flat: ArrayLike<number>;
  if (probabilities instanceof tf.Tensor) {
    if (probabilities.rank !== 2) throw new ShapeError(where, 'probabilities', probabilities.shape, '[N, K] class probabilities');
    rows = probabilities.shape[0] as number;
    classes = probabilities.shape[1] as number;
    flat = probabilities.dataSync();
  } else {
    if (probabilities === null || typeof probabilities !== 'object' || typeof probabilities.length !== 'number') {
      throw new InvalidArgumentError(where, 'probabilities', probabilities, 'a [N, K] tensor or an array of N rows of K probabilities');
    }
    rows = probabilities.length;
    classes = rows === 0 ? 0 : probabilities[0].length;
    const copy = new Float64Array(rows * classes);
    for (let i = 0; i < rows; i++) {
      const row = probabilities[i];
      if (row.length !== classes) throw new ShapeError(where, `probabilities[${i}]`, [row.length], `${classes} values, as many as row 0`);
      for (let k = 0; k < classes; k++) copy[i * classes + k] = row[k];
    }
    flat = copy;
  }
  if (rows === 0 || classes < 2) throw new ShapeError(where, 'probabilities', [rows, classes], '[N, K] with N ≥ 1 and K ≥ 2');
  const values = Float64Array.from(flat);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const p = values[i * classes + k];
      if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(where, `probabilities[${i}][${k}]`, p, 'a probability in [0, 1]');
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE)
      throw new InvalidArgumentError(
        where,
        `probabilities[${i}]`,
        `a row summing to ${sum}`,
        'rows that sum to 1 (apply softmax to logits)',
      );
  }
  const labelValues = readValues(where, 'labels', labels);
  if (labelValues.length !== rows)
    throw new ShapeError(where, 'labels', [labelValues.length], `${rows} labels, one per row of 'probabilities'`);
  const ints = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const label = labelValues[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes)
      throw new InvalidArgumentError(where, `labels[${i}]`, label, `an integer class index in [0, ${classes})`);
    ints[i] = label;
  }
  return { probabilities: values, labels: ints, count: rows, classes };
}

/** Top-label confidence max_k p_ik and predicted class argmax_k p_ik of each row. */
export function topLabel(data: ClassData): { confidence: Float64Array; predicted: Int32Array } {
  const confidence = new Float64Array(data.count);
  const predicted = new Int32Array(data.count);
  for (let i = 0; i < data.count; i++) {
    let best = 0;
    for (let k = 1; k < data.classes; k++)
      if (data.probabilities[i * data.classes + k] > data.probabilities[i * data.classes + best]) best = k;
    predicted[i] = best;
    confidence[i] = data.probabilities[i * data.classes + best];
  }
  return { confidence, predicted };
}

/**
 * Refuses [N, K > 1] class probabilities in a binary-only metric. A rank-2 tensor whose rows all
 * sum to 1 is softmax output: treating it as N·K binary probabilities gives a meaningless number
 * (e.g. an ECE of 0.015 where the top-label ECE is 0.084), so this throws a `ShapeError` naming
 * the multi-class function to call instead.
 */
export function refuseClassProbabilities(where: string, argument: string, values: VoxelValues, instead: string): void {
  if (!(values instanceof tf.Tensor) || values.rank !== 2 || (values.shape[1] as number) < 2 || (values.shape[0] as number) < 1) return;
  const sums = tf.tidy(() => tf.sum(values.toFloat(), 1));
  const data = sums.dataSync();
  sums.dispose();
  if (data.every((sum) => Math.abs(sum - 1) <= ROW_SUM_TOLERANCE)) {
    throw new ShapeError(
      where,
      argument,
      values.shape,
      `binary probabilities [N] or [N, 1] (these rows sum to 1: class probabilities of ${values.shape[1]} classes; use ${instead} for multi-class output)`,
    );
  }
}
