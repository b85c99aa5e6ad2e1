/**
 * Calibration of binary voxel probabilities: expected calibration error (Guo et al. 2017, 15
 * equal-width bins), reliability bins, Brier score and negative log-likelihood. Plain numbers out.
 *
 * On segmentation the background dominates every voxel average: a model that says p ≈ 0 on all
 * background looks calibrated however it treats lesions. Pass `region` (e.g. the brain mask or a
 * dilated lesion mask, Mehrtash et al. 2020) to average only inside it.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { requireInteger, requireOneOf } from '../../src/validate.js';
import { refuseClassProbabilities } from './class-probabilities.js';
import { binarize, readValues, requireProbabilities, requireSameLength, type VoxelValues } from './values.js';

/** The multi-class function to use instead of each binary one. */
const MULTICLASS_INSTEAD: Readonly<Record<string, string>> = {
  reliabilityBins: 'multiclassReliabilityBins',
  expectedCalibrationError: 'multiclassExpectedCalibrationError (or classwiseExpectedCalibrationError)',
  brierScore: 'multiclassBrierScore',
  negativeLogLikelihood: 'multiclassNegativeLogLikelihood',
};

/** Number of equal-width confidence bins of ECE (Guo et al. 2017). */
export const DEFAULT_CALIBRATION_BINS = 15;

/** Probabilities are clamped to [ε, 1 − ε] before logarithms (NLL). */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * What is binned: `'top-label'` (Guo 2017): confidence = max(p, 1 − p) against whether the
 * thresholded prediction is right; `'foreground'`: p against the frequency of foreground.
 */
export type CalibrationKind = 'top-label' | 'foreground';

/** Options of the calibration metrics. */
export interface CalibrationOptions {
  /** Restrict the average to voxels where `region` ≥ 0.5. Default: all voxels. */
  readonly region?: VoxelValues;
  /** Number of equal-width bins on [0, 1] (ECE only). Default 15. */
  readonly bins?: number;
  /** Binning of ECE. Default `'top-label'`. */
  readonly kind?: CalibrationKind;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Lower edge (exclusive, except 0 for the first bin). */
  readonly lower: number;
  /** Upper edge (inclusive). */
  readonly upper: number;
  /** Voxels in the bin. */
  readonly count: number;
  /** Mean confidence of the bin (`NaN` when empty). */
  readonly confidence: number;
  /** Observed accuracy (top-label) or foreground frequency (foreground) of the bin (`NaN` when empty). */
  readonly accuracy: number;
}

interface Pairs {
  readonly probability: ArrayLike<number>;
  readonly label: Uint8Array;
  readonly selected: Uint8Array | null;
  readonly count: number;
}

function readPairs(where: string, probabilities: VoxelValues, labels: VoxelValues, region: VoxelValues | undefined): Pairs {
  refuseClassProbabilities(where, 'probabilities', probabilities, MULTICLASS_INSTEAD[where]);
  const probability = readValues(where, 'probabilities', probabilities);
  requireProbabilities(where, 'probabilities', probability);
  const label = binarize(readValues(where, 'labels', labels));
  requireSameLength(where, ['probabilities', 'labels'], probability, label);
  let selected: Uint8Array | null = null;
  let count = probability.length;
  if (region !== undefined) {
    selected = binarize(readValues(where, 'options.region', region));
    requireSameLength(where, ['probabilities', 'options.region'], probability, selected);
    count = selected.reduce((a, b) => a + b, 0);
  }
  if (count === 0) throw new InvalidArgumentError(where, 'probabilities', 'no voxels (empty input or region)', 'at least one voxel');
  return { probability, label, selected, count };
}

/** Reliability-diagram bins of binary probabilities against 0/1 labels. */
export function reliabilityBins(probabilities: VoxelValues, labels: VoxelValues, options: CalibrationOptions = {}): ReliabilityBin[] {
  const where = 'reliabilityBins';
  const binCount = requireInteger(where, 'options.bins', options.bins ?? DEFAULT_CALIBRATION_BINS);
  const kind = requireOneOf(where, 'options.kind', options.kind ?? 'top-label', ['top-label', 'foreground'] as const);
  const { probability, label, selected } = readPairs(where, probabilities, labels, options.region);
  const counts = new Float64Array(binCount);
  const confidenceSums = new Float64Array(binCount);
  const hitSums = new Float64Array(binCount);
  for (let i = 0; i < probability.length; i++) {
    if (selected !== null && !selected[i]) continue;
    const p = probability[i];
    const confidence = kind === 'top-label' ? Math.max(p, 1 - p) : p;
    const hit = kind === 'top-label' ? Number((p >= 0.5 ? 1 : 0) === label[i]) : label[i];
    // Bins are (lower, upper]; confidence 0 falls in the first bin.
    const bin = Math.min(binCount - 1, Math.max(0, Math.ceil(confidence * binCount) - 1));
    counts[bin] += 1;
    confidenceSums[bin] += confidence;
    hitSums[bin] += hit;
  }
  return Array.from(counts, (count, bin) => ({
    lower: bin / binCount,
    upper: (bin + 1) / binCount,
    count,
    confidence: count === 0 ? Number.NaN : confidenceSums[bin] / count,
    accuracy: count === 0 ? Number.NaN : hitSums[bin] / count,
  }));
}

/**
 * Expected calibration error Σ_m (|B_m| / n) · |accuracy(B_m) − confidence(B_m)| with 15
 * equal-width bins (Guo et al. 2017), of **binary** probabilities (one per voxel or example). 0 for
 * perfectly calibrated probabilities (up to sampling noise). Given [N, K] rows that sum to 1 (softmax
 * output) it throws a `ShapeError` naming `multiclassExpectedCalibrationError`: binning the N·K
 * entries as binary probabilities is not the multi-class ECE.
 */
export function expectedCalibrationError(probabilities: VoxelValues, labels: VoxelValues, options: CalibrationOptions = {}): number {
  refuseClassProbabilities('expectedCalibrationError', 'probabilities', probabilities, MULTICLASS_INSTEAD.expectedCalibrationError);
  const bins = reliabilityBins(probabilities, labels, options);
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  return bins.reduce((sum, bin) => (bin.count === 0 ? sum : sum + (bin.count / total) * Math.abs(bin.accuracy - bin.confidence)), 0);
}

/** Brier score: mean of (p − y)² over voxels (Brier 1950). 0 is perfect, 0.25 is p = ½ everywhere. */
export function brierScore(probabilities: VoxelValues, labels: VoxelValues, options: Pick<CalibrationOptions, 'region'> = {}): number {
  const { probability, label, selected, count } = readPairs('brierScore', probabilities, labels, options.region);
  let sum = 0;
  for (let i = 0; i < probability.length; i++) {
    if (selected !== null && !selected[i]) continue;
    sum += (probability[i] - label[i]) ** 2;
  }
  return sum / count;
}

/**
 * Mean negative log-likelihood −[y ln p + (1 − y) ln(1 − p)] in nats per voxel, with p clamped to
 * [1e-7, 1 − 1e-7] so a confident mistake costs at most ≈ 16.1 nats.
 */
export function negativeLogLikelihood(
  probabilities: VoxelValues,
  labels: VoxelValues,
  options: Pick<CalibrationOptions, 'region'> = {},
): number {
  const { probability, label, selected, count } = readPairs('negativeLogLikelihood', probabilities, labels, options.region);
  let sum = 0;
  for (let i = 0; i < probability.length; i++) {
    if (selected !== null && !selected[i]) continue;
    const p = Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, probability[i]));
    sum -= label[i] ? Math.log(p) : Math.log(1 - p);
  }
  return sum / count;
}
