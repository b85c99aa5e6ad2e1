/**
 * Does an uncertainty score point at a classifier's mistakes? AUROC of the score for
 * misclassification (Hendrycks & Gimpel 2017) and the accuracy–rejection curve (Nadeem et al. 2009):
 * the accuracy on the examples kept after the most uncertain fraction is rejected.
 */
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { requireInteger } from '../../src/validate.js';
import { aurocOfMask } from './auroc.js';
import { type ClassLabels, type ClassProbabilities, readClassData, topLabel } from './class-probabilities.js';
import { readValues, requireFiniteValues, type VoxelValues } from './values.js';

/** Default number of rejection fractions of `accuracyRejectionCurve` (0, 0.05, …, 0.95). */
export const DEFAULT_REJECTION_POINTS = 20;

function readErrors(
  where: string,
  uncertainty: VoxelValues,
  probabilities: ClassProbabilities,
  labels: ClassLabels,
): { score: ArrayLike<number>; errors: Uint8Array } {
  const data = readClassData(where, probabilities, labels);
  const score = readValues(where, 'uncertainty', uncertainty);
  requireFiniteValues(where, 'uncertainty', score);
  if (score.length !== data.count) throw new ShapeError(where, 'uncertainty', [score.length], `${data.count} values, one per example`);
  const { predicted } = topLabel(data);
  return { score, errors: Uint8Array.from(predicted, (k, i) => (k === data.labels[i] ? 0 : 1)) };
}

/**
 * AUROC of `uncertainty` (higher = less sure; e.g. predictive entropy, mutual information, or
 * 1 − max p) for detecting misclassified examples (argmax ≠ label). 1: every error is more
 * uncertain than every correct prediction; ½: no better than chance; NaN without errors or without
 * correct predictions.
 */
export function misclassificationAuroc(uncertainty: VoxelValues, probabilities: ClassProbabilities, labels: ClassLabels): number {
  const { score, errors } = readErrors('misclassificationAuroc', uncertainty, probabilities, labels);
  return aurocOfMask(score, errors);
}

/** An accuracy–rejection curve. */
export interface AccuracyRejectionCurve {
  /** Rejected fractions r_j = j / points, j = 0 … points − 1. */
  readonly rejected: number[];
  /** Accuracy on the ⌈(1 − r_j)·N⌉ least uncertain examples. */
  readonly accuracy: number[];
  /** Mean of `accuracy` over the points (area under the curve on [0, 1), in [0, 1]). */
  readonly area: number;
}

/**
 * Accuracy–rejection curve: sort the examples by `uncertainty` (ties keep input order), reject the
 * most uncertain fraction r and report the accuracy of the rest. A useful uncertainty makes the
 * curve rise from the plain accuracy (r = 0) towards 1.
 */
export function accuracyRejectionCurve(
  uncertainty: VoxelValues,
  probabilities: ClassProbabilities,
  labels: ClassLabels,
  options: { readonly points?: number } = {},
): AccuracyRejectionCurve {
  const where = 'accuracyRejectionCurve';
  const points = requireInteger(where, 'options.points', options.points ?? DEFAULT_REJECTION_POINTS);
  const { score, errors } = readErrors(where, uncertainty, probabilities, labels);
  const n = errors.length;
  if (n === 0) throw new InvalidArgumentError(where, 'labels', 'empty', 'at least one example');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b] || a - b);
  const correctPrefix = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) correctPrefix[j + 1] = correctPrefix[j] + (errors[order[j]] === 0 ? 1 : 0);
  const rejected: number[] = [];
  const accuracy: number[] = [];
  for (let j = 0; j < points; j++) {
    const r = j / points;
    const kept = Math.max(1, Math.ceil((1 - r) * n - 1e-9));
    rejected.push(r);
    accuracy.push(correctPrefix[kept] / kept);
  }
  return { rejected, accuracy, area: accuracy.reduce((a, b) => a + b, 0) / points };
}
