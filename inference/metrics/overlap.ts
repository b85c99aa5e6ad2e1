/**
 * Voxel-level overlap metrics of a binary segmentation: confusion counts, Dice, TPR and FDR.
 * Plain numbers out.
 */
import { requireFinite } from '../../src/validate.js';
import { DEFAULT_THRESHOLD, readMask, requireSameLength, type VoxelValues } from './values.js';

/** Options of the voxel-level metrics: the probability threshold. */
export interface ThresholdOptions {
  /** A predicted value ≥ `threshold` is foreground. Default `DEFAULT_THRESHOLD` (0.5). Masks use 0.5 too. */
  readonly threshold?: number;
}

/** Voxel counts of a binary segmentation against its ground truth. */
export interface ConfusionCounts {
  /** Foreground in both prediction and truth. */
  readonly truePositives: number;
  /** Foreground in the prediction only. */
  readonly falsePositives: number;
  /** Foreground in the truth only. */
  readonly falseNegatives: number;
  /** Background in both. */
  readonly trueNegatives: number;
}

/** Voxel-level metrics: Dice, true-positive rate (sensitivity) and false-discovery rate. */
export interface VoxelMetrics extends ConfusionCounts {
  /** 2·TP / (2·TP + FP + FN); 1 when both masks are empty (nothing to find, nothing found). */
  readonly dice: number;
  /** TP / (TP + FN); `NaN` when the truth is empty. */
  readonly tpr: number;
  /** FP / (TP + FP); `NaN` when the prediction is empty. */
  readonly fdr: number;
}

/** Counts of two equal-length binary masks (values 0/1). */
export function countConfusion(predicted: Uint8Array, truth: Uint8Array): ConfusionCounts {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i]) {
      if (truth[i]) tp++;
      else fp++;
    } else if (truth[i]) fn++;
  }
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: predicted.length - tp - fp - fn };
}

/** Dice, TPR and FDR from counts (conventions for empty masks as in `VoxelMetrics`). */
export function metricsFromCounts(counts: ConfusionCounts): VoxelMetrics {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = counts;
  const denominator = 2 * tp + fp + fn;
  return {
    ...counts,
    dice: denominator === 0 ? 1 : (2 * tp) / denominator,
    tpr: tp + fn === 0 ? Number.NaN : tp / (tp + fn),
    fdr: tp + fp === 0 ? Number.NaN : fp / (tp + fp),
  };
}

/**
 * Voxel-level Dice, TPR and FDR of a prediction (probabilities or mask, thresholded at
 * `threshold`) against a ground-truth mask (value ≥ 0.5 is foreground). Inputs of any equal size;
 * tensors are read, not disposed.
 *
 * @example
 * const {dice, tpr, fdr} = voxelMetrics(result.meanProbability, mask);
 */
export function voxelMetrics(predicted: VoxelValues, truth: VoxelValues, options: ThresholdOptions = {}): VoxelMetrics {
  const threshold = requireFinite('voxelMetrics', 'options.threshold', options.threshold ?? DEFAULT_THRESHOLD);
  const predictedMask = readMask('voxelMetrics', 'predicted', predicted, threshold);
  const truthMask = readMask('voxelMetrics', 'truth', truth);
  requireSameLength('voxelMetrics', ['predicted', 'truth'], predictedMask, truthMask);
  return metricsFromCounts(countConfusion(predictedMask, truthMask));
}

/** Dice coefficient 2|A∩B| / (|A| + |B|) of a prediction and a truth mask; 1 when both are empty. */
export function diceScore(predicted: VoxelValues, truth: VoxelValues, options: ThresholdOptions = {}): number {
  const threshold = requireFinite('diceScore', 'options.threshold', options.threshold ?? DEFAULT_THRESHOLD);
  const predictedMask = readMask('diceScore', 'predicted', predicted, threshold);
  const truthMask = readMask('diceScore', 'truth', truth);
  requireSameLength('diceScore', ['predicted', 'truth'], predictedMask, truthMask);
  return metricsFromCounts(countConfusion(predictedMask, truthMask)).dice;
}
