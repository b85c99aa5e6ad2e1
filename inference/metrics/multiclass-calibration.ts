/**
 * Calibration of multi-class probabilities: top-label ECE (Guo et al. 2017), class-wise ECE (Kull et
 * al. 2019; Nixon et al. 2019), reliability bins with counts, multi-class Brier score and NLL, and
 * accuracy. Equal-width bins (default, 15) or adaptive equal-mass bins (Nixon et al. 2019).
 */
import { requireInteger, requireOneOf } from '../../src/validate.js';
import { DEFAULT_CALIBRATION_BINS, PROBABILITY_EPSILON, type ReliabilityBin } from './calibration.js';
import { type ClassLabels, type ClassProbabilities, readClassData, topLabel } from './class-probabilities.js';

/** `'equal-width'`: B bins of width 1/B on [0, 1]; `'adaptive'`: B bins holding ⌊N/B⌋ or ⌈N/B⌉ examples each, by sorted confidence. */
export type Binning = 'equal-width' | 'adaptive';

/** Options of the multi-class calibration metrics. */
export interface MulticlassCalibrationOptions {
  /** Number of bins. Default `DEFAULT_CALIBRATION_BINS` (15). */
  readonly bins?: number;
  /** Binning scheme. Default `'equal-width'`. */
  readonly binning?: Binning;
}

function resolve(where: string, options: MulticlassCalibrationOptions): { bins: number; binning: Binning } {
  return {
    bins: requireInteger(where, 'options.bins', options.bins ?? DEFAULT_CALIBRATION_BINS),
    binning: requireOneOf(where, 'options.binning', options.binning ?? 'equal-width', ['equal-width', 'adaptive'] as const),
  };
}

/**
 * Bins (confidence, outcome) pairs. Equal-width bins are (lower, upper] (confidence 0 in the first);
 * adaptive bins split the pairs sorted by confidence into `bins` groups of near-equal size, with
 * edges at the smallest and largest confidence of each group. Empty bins have NaN confidence/accuracy.
 */
function binPairs(confidence: ArrayLike<number>, outcome: ArrayLike<number>, bins: number, binning: Binning): ReliabilityBin[] {
  const n = confidence.length;
  if (binning === 'adaptive') {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidence[a] - confidence[b]);
    const result: ReliabilityBin[] = [];
    for (let b = 0; b < bins; b++) {
      const start = Math.floor((b * n) / bins);
      const end = Math.floor(((b + 1) * n) / bins);
      let c = 0;
      let o = 0;
      for (let j = start; j < end; j++) {
        c += confidence[order[j]];
        o += outcome[order[j]];
      }
      const count = end - start;
      result.push({
        lower: count === 0 ? Number.NaN : confidence[order[start]],
        upper: count === 0 ? Number.NaN : confidence[order[end - 1]],
        count,
        confidence: count === 0 ? Number.NaN : c / count,
        accuracy: count === 0 ? Number.NaN : o / count,
      });
    }
    return result;
  }
  const counts = new Float64Array(bins);
  const confidenceSums = new Float64Array(bins);
  const outcomeSums = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(confidence[i] * bins) - 1));
    counts[bin] += 1;
    confidenceSums[bin] += confidence[i];
    outcomeSums[bin] += outcome[i];
  }
  return Array.from(counts, (count, bin) => ({
    lower: bin / bins,
    upper: (bin + 1) / bins,
    count,
    confidence: count === 0 ? Number.NaN : confidenceSums[bin] / count,
    accuracy: count === 0 ? Number.NaN : outcomeSums[bin] / count,
  }));
}

/** Σ_m (|B_m| / n) · |accuracy(B_m) − confidence(B_m)| over non-empty bins. */
export function calibrationErrorOfBins(bins: readonly ReliabilityBin[]): number {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  return bins.reduce((sum, bin) => (bin.count === 0 ? sum : sum + (bin.count / total) * Math.abs(bin.accuracy - bin.confidence)), 0);
}

/**
 * Reliability diagram of the top label: each example's confidence max_k p_k against whether
 * argmax_k p_k is its label, binned. Each bin carries its example count (draw it as a histogram
 * under the diagram: bins with few examples are noisy).
 *
 * @param probabilities [N, K] class probabilities (rows sum to 1; apply softmax to logits first).
 * @param labels N class indices in [0, K).
 */
export function multiclassReliabilityBins(
  probabilities: ClassProbabilities,
  labels: ClassLabels,
  options: MulticlassCalibrationOptions = {},
): ReliabilityBin[] {
  const where = 'multiclassReliabilityBins';
  const { bins, binning } = resolve(where, options);
  const data = readClassData(where, probabilities, labels);
  const { confidence, predicted } = topLabel(data);
  const hits = Float64Array.from(predicted, (k, i) => (k === data.labels[i] ? 1 : 0));
  return binPairs(confidence, hits, bins, binning);
}

/**
 * Top-label expected calibration error of multi-class probabilities (Guo et al. 2017):
 * Σ_m (|B_m| / N) · |acc(B_m) − conf(B_m)| with the confidence max_k p_k, 15 equal-width bins by
 * default. Hand check: rows (0.9, 0.1) label 0 and (0.6, 0.4) label 1 → bins 14 and 9, each with
 * one example: ECE = ½|1 − 0.9| + ½|0 − 0.6| = 0.35.
 */
export function multiclassExpectedCalibrationError(
  probabilities: ClassProbabilities,
  labels: ClassLabels,
  options: MulticlassCalibrationOptions = {},
): number {
  return calibrationErrorOfBins(multiclassReliabilityBins(probabilities, labels, options));
}

/**
 * Class-wise ECE (Kull et al. 2019, "classwise-ECE"; Nixon et al. 2019, SCE): the mean over the K
 * classes of the ECE of p_k against 1[y = k], each over all N examples with its own bins.
 */
export function classwiseExpectedCalibrationError(
  probabilities: ClassProbabilities,
  labels: ClassLabels,
  options: MulticlassCalibrationOptions = {},
): number {
  const where = 'classwiseExpectedCalibrationError';
  const { bins, binning } = resolve(where, options);
  const data = readClassData(where, probabilities, labels);
  let sum = 0;
  for (let k = 0; k < data.classes; k++) {
    const p = Float64Array.from({ length: data.count }, (_, i) => data.probabilities[i * data.classes + k]);
    const y = Float64Array.from(data.labels, (label) => (label === k ? 1 : 0));
    sum += calibrationErrorOfBins(binPairs(p, y, bins, binning));
  }
  return sum / data.classes;
}

/** Multi-class Brier score (Brier 1950): (1/N) Σ_i Σ_k (p_ik − 1[y_i = k])², in [0, 2]. */
export function multiclassBrierScore(probabilities: ClassProbabilities, labels: ClassLabels): number {
  const data = readClassData('multiclassBrierScore', probabilities, labels);
  let sum = 0;
  for (let i = 0; i < data.count; i++) {
    for (let k = 0; k < data.classes; k++) sum += (data.probabilities[i * data.classes + k] - (data.labels[i] === k ? 1 : 0)) ** 2;
  }
  return sum / data.count;
}

/** Mean negative log-likelihood −(1/N) Σ_i log p_i,y_i in nats, p clamped at 1e-7 (a confident mistake costs ≤ 16.1 nats). */
export function multiclassNegativeLogLikelihood(probabilities: ClassProbabilities, labels: ClassLabels): number {
  const data = readClassData('multiclassNegativeLogLikelihood', probabilities, labels);
  let sum = 0;
  for (let i = 0; i < data.count; i++)
    sum -= Math.log(Math.max(PROBABILITY_EPSILON, data.probabilities[i * data.classes + data.labels[i]]));
  return sum / data.count;
}

/** Fraction of examples whose argmax class (first on ties) is the label. */
export function classificationAccuracy(probabilities: ClassProbabilities, labels: ClassLabels): number {
  const data = readClassData('classificationAccuracy', probabilities, labels);
  const { predicted } = topLabel(data);
  let hits = 0;
  for (let i = 0; i < data.count; i++) hits += predicted[i] === data.labels[i] ? 1 : 0;
  return hits / data.count;
}
