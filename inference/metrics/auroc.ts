/**
 * Area under the ROC curve of a score for a binary target, rank-based (Mann–Whitney U) with
 * average ranks for ties: AUROC = P(score_pos > score_neg) + ½ · P(score_pos = score_neg).
 * Used to ask whether an uncertainty map points at the model's own errors.
 */
import { requireFinite } from '../../src/validate.js';
import { lowerBound, sortedWhere, upperBound } from './ranking.js';
import { DEFAULT_THRESHOLD, binarize, readMask, readValues, requireFiniteValues, requireSameLength, type VoxelValues } from './values.js';

/**
 * AUROC of `scores` (higher = more likely positive) for binary `targets` (value ≥ 0.5 is positive).
 * 1 for a perfect ranking, 0 for a reversed one, ½ when all scores tie; `NaN` when either class
 * is empty. O(n log n).
 */
export function auroc(scores: VoxelValues, targets: VoxelValues): number {
  const score = readValues('auroc', 'scores', scores);
  requireFiniteValues('auroc', 'scores', score);
  const target = binarize(readValues('auroc', 'targets', targets));
  requireSameLength('auroc', ['scores', 'targets'], score, target);
  return aurocOfMask(score, target);
}

/** AUROC of finite `score` for a 0/1 `target` mask of equal length. */
export function aurocOfMask(score: ArrayLike<number>, target: Uint8Array): number {
  const positives = sortedWhere(score, target, 1);
  const negatives = sortedWhere(score, target, 0);
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  let wins = 0;
  for (let i = 0; i < positives.length;) {
    const value = positives[i];
    let j = i;
    while (j < positives.length && positives[j] === value) j++;
    const below = lowerBound(negatives, value);
    const tied = upperBound(negatives, value) - below;
    wins += (j - i) * (below + 0.5 * tied);
    i = j;
  }
  return wins / (positives.length * negatives.length);
}

/** The 0/1 mask of voxels where the thresholded prediction disagrees with the truth. */
export function errorMask(predicted: Uint8Array, truth: Uint8Array): Uint8Array {
  const errors = new Uint8Array(predicted.length);
  for (let i = 0; i < predicted.length; i++) errors[i] = predicted[i] !== truth[i] ? 1 : 0;
  return errors;
}

/** Options of the error-detection metrics. */
export interface ErrorDetectionOptions {
  /** A predicted value ≥ `threshold` is foreground. Default 0.5. */
  readonly threshold?: number;
}

/**
 * AUROC of an uncertainty map for detecting the model's own voxel errors (prediction ≠ truth).
 * `NaN` when the model makes no error or errs everywhere.
 *
 * @example
 * errorDetectionAuroc(result.mutualInformation, result.meanProbability, mask)
 */
export function errorDetectionAuroc(
  uncertainty: VoxelValues,
  predicted: VoxelValues,
  truth: VoxelValues,
  options: ErrorDetectionOptions = {},
): number {
  const where = 'errorDetectionAuroc';
  const threshold = requireFinite(where, 'options.threshold', options.threshold ?? DEFAULT_THRESHOLD);
  const inputs = readUncertaintyInputs(where, uncertainty, predicted, truth, threshold);
  return aurocOfMask(inputs.score, errorMask(inputs.predicted, inputs.truth));
}

/** An uncertainty map with the binarised prediction and truth it is judged against. */
export interface UncertaintyInputs {
  readonly score: ArrayLike<number>;
  readonly predicted: Uint8Array;
  readonly truth: Uint8Array;
}

/**
 * Reads and checks the (uncertainty, prediction, truth) triple of the uncertainty-for-error
 * metrics: finite uncertainties, masks binarised at `threshold` (truth at the default), equal lengths.
 */
export function readUncertaintyInputs(
  where: string,
  uncertainty: VoxelValues,
  predicted: VoxelValues,
  truth: VoxelValues,
  threshold: number,
): UncertaintyInputs {
  const score = readValues(where, 'uncertainty', uncertainty);
  requireFiniteValues(where, 'uncertainty', score);
  const predictedMask = readMask(where, 'predicted', predicted, threshold);
  const truthMask = readMask(where, 'truth', truth);
  requireSameLength(where, ['uncertainty', 'predicted'], score, predictedMask);
  requireSameLength(where, ['uncertainty', 'truth'], score, truthMask);
  return { score, predicted: predictedMask, truth: truthMask };
}
