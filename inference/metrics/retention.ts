/**
 * How useful an uncertainty map is to a human reader: the uncertainty–error overlap (Jungo &
 * Reyes 2019; Mehrtash et al. 2020) and the retention curve (Dice after the most uncertain voxels
 * are referred to an expert who labels them correctly; Malinin 2019, Mehrtash et al. 2020).
 *
 * Ties in uncertainty are split in expectation: when a cut-off falls inside a group of equal
 * values, each voxel of the group counts as referred with the same fraction, so the curve does
 * not depend on voxel order.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { requireFinite, requireInteger } from '../../src/validate.js';
import { errorMask, readUncertaintyInputs, type UncertaintyInputs } from './auroc.js';
import { countConfusion } from './overlap.js';
import { lowerBound, sortedWhere, upperBound } from './ranking.js';
import { DEFAULT_THRESHOLD, type VoxelValues } from './values.js';

/** Default number of points of the retention curve (fractions 0, 0.01, …, 1). */
export const DEFAULT_RETENTION_POINTS = 101;

/** Default number of equal-width thresholds scanned by `uncertaintyErrorOverlap` when none is given. */
export const DEFAULT_OVERLAP_THRESHOLDS = 100;

/** `readUncertaintyInputs`, refusing empty maps (a curve needs at least one voxel). */
function readInputs(
  where: string,
  uncertainty: VoxelValues,
  predicted: VoxelValues,
  truth: VoxelValues,
  threshold: number,
): UncertaintyInputs {
  const inputs = readUncertaintyInputs(where, uncertainty, predicted, truth, threshold);
  if (inputs.score.length === 0) throw new InvalidArgumentError(where, 'uncertainty', 'empty', 'at least one voxel');
  return inputs;
}

/** Options of `uncertaintyErrorOverlap`. */
export interface OverlapOfErrorsOptions {
  /** Prediction threshold. Default 0.5. */
  readonly threshold?: number;
  /** Uncertainty ≥ this is "uncertain". Default: the best of an equal-width scan (Mehrtash 2020). */
  readonly uncertaintyThreshold?: number;
  /** Thresholds scanned between min and max uncertainty when `uncertaintyThreshold` is absent. Default 100. */
  readonly scanSteps?: number;
}

/** Result of `uncertaintyErrorOverlap`. */
export interface OverlapOfErrors {
  /** Dice between the error mask and the uncertain mask, in [0, 1]. */
  readonly overlap: number;
  /** The uncertainty threshold used (given, or the best scanned). */
  readonly uncertaintyThreshold: number;
}

/**
 * Uncertainty–error overlap: Dice between the voxels the model gets wrong and the voxels whose
 * uncertainty ≥ a threshold. 1 means the map outlines exactly the errors.
 */
export function uncertaintyErrorOverlap(
  uncertainty: VoxelValues,
  predicted: VoxelValues,
  truth: VoxelValues,
  options: OverlapOfErrorsOptions = {},
): OverlapOfErrors {
  const where = 'uncertaintyErrorOverlap';
  const threshold = requireFinite(where, 'options.threshold', options.threshold ?? DEFAULT_THRESHOLD);
  const { score, predicted: p, truth: t } = readInputs(where, uncertainty, predicted, truth, threshold);
  const errors = errorMask(p, t);
  const errorScores = sortedWhere(score, errors, 1);
  const correctScores = sortedWhere(score, errors, 0);
  const overlapAt = (cut: number): number => {
    const errorsFlagged = errorScores.length - lowerBound(errorScores, cut);
    const correctFlagged = correctScores.length - lowerBound(correctScores, cut);
    const denominator = errorScores.length + errorsFlagged + correctFlagged;
    return denominator === 0 ? 1 : (2 * errorsFlagged) / denominator;
  };
  if (options.uncertaintyThreshold !== undefined) {
    const cut = requireFinite(where, 'options.uncertaintyThreshold', options.uncertaintyThreshold);
    return { overlap: overlapAt(cut), uncertaintyThreshold: cut };
  }
  const steps = requireInteger(where, 'options.scanSteps', options.scanSteps ?? DEFAULT_OVERLAP_THRESHOLDS);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < score.length; i++) {
    min = Math.min(min, score[i]);
    max = Math.max(max, score[i]);
  }
  let best = { overlap: -1, uncertaintyThreshold: max };
  for (let step = 0; step < steps; step++) {
    // Cut-offs strictly above the minimum, so "uncertain" never means "everything".
    const cut = min + ((max - min) * (step + 1)) / steps;
    const overlap = overlapAt(cut);
    if (overlap > best.overlap) best = { overlap, uncertaintyThreshold: cut };
  }
  return best;
}

/** Options of `retentionCurve`. */
export interface RetentionOptions {
  /** Prediction threshold. Default 0.5. */
  readonly threshold?: number;
  /** Number of equally spaced referral fractions from 0 to 1. Default 101. */
  readonly points?: number;
}

/** A retention curve: Dice after referring each fraction of the most uncertain voxels. */
export interface RetentionCurve {
  /** Referred fractions, ascending from 0 to 1. */
  readonly fractions: number[];
  /** Dice of the corrected segmentation at each fraction; `dice[0]` is the model's own Dice, the last is 1. */
  readonly dice: number[];
  /** Area under the curve (trapezoid rule), in [0, 1]; higher means the uncertainty ranks errors first. */
  readonly area: number;
}

/**
 * Retention curve: voxels are sorted by decreasing uncertainty; the top fraction f is referred
 * to an expert who labels it correctly (false positives become true negatives, false negatives
 * true positives); the curve is Dice(f). An oracle ranking (errors first) rises fastest; a random
 * ranking rises linearly in expectation.
 */
export function retentionCurve(
  uncertainty: VoxelValues,
  predicted: VoxelValues,
  truth: VoxelValues,
  options: RetentionOptions = {},
): RetentionCurve {
  const where = 'retentionCurve';
  const threshold = requireFinite(where, 'options.threshold', options.threshold ?? DEFAULT_THRESHOLD);
  const points = requireInteger(where, 'options.points', options.points ?? DEFAULT_RETENTION_POINTS, 2);
  const { score, predicted: p, truth: t } = readInputs(where, uncertainty, predicted, truth, threshold);
  const counts = countConfusion(p, t);
  const falsePositive = new Uint8Array(p.length);
  const falseNegative = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) {
    falsePositive[i] = p[i] && !t[i] ? 1 : 0;
    falseNegative[i] = !p[i] && t[i] ? 1 : 0;
  }
  const all = Float64Array.from(score).sort();
  const fpScores = sortedWhere(score, falsePositive, 1);
  const fnScores = sortedWhere(score, falseNegative, 1);
  const n = all.length;
  // Expected number of voxels of `sorted` among the `referred` most uncertain, ties split evenly.
  const referredAmong = (sorted: Float64Array, referred: number): number => {
    if (referred === 0) return 0;
    const cut = all[n - referred];
    const aboveAll = n - upperBound(all, cut);
    const tiedAll = upperBound(all, cut) - lowerBound(all, cut);
    const above = sorted.length - upperBound(sorted, cut);
    const tied = upperBound(sorted, cut) - lowerBound(sorted, cut);
    return above + (tied * (referred - aboveAll)) / tiedAll;
  };
  const fractions: number[] = [];
  const dice: number[] = [];
  for (let point = 0; point < points; point++) {
    const fraction = point / (points - 1);
    const referred = Math.round(fraction * n);
    const fpReferred = referredAmong(fpScores, referred);
    const fnReferred = referredAmong(fnScores, referred);
    const tp = counts.truePositives + fnReferred;
    const fp = counts.falsePositives - fpReferred;
    const fn = counts.falseNegatives - fnReferred;
    const denominator = 2 * tp + fp + fn;
    fractions.push(fraction);
    dice.push(denominator <= 1e-12 ? 1 : (2 * tp) / denominator);
  }
  let area = 0;
  for (let i = 1; i < points; i++) area += ((fractions[i] - fractions[i - 1]) * (dice[i] + dice[i - 1])) / 2;
  return { fractions, dice, area };
}
