/**
 * The calibration charts of `study uci`: each method's test predictions pooled over its splits —
 * one reliability diagram (classification) or one quantile-calibration curve (regression) per method.
 */
import type { ReliabilityBin } from '../../../inference/metrics/index.js';
import { calibrationErrorOfBins } from '../../../inference/metrics/multiclass-calibration.js';
import type { GroupQuantileCalibration, GroupReliability } from '../../../inference/report/index.js';
import type { UciRun } from './study.js';

/** The methods of `runs`, in first-seen order. */
function methodsOf(runs: readonly UciRun[]): string[] {
  return [...new Set(runs.map((r) => r.method))];
}

/**
 * Pools reliability bins with the same edges: counts add, confidence and accuracy are the
 * count-weighted means (exactly the bins of the pooled predictions). Empty bins stay NaN.
 */
export function poolReliabilityBins(binSets: ReadonlyArray<readonly ReliabilityBin[]>): ReliabilityBin[] {
  if (binSets.length === 0) return [];
  return binSets[0].map((first, m) => {
    let count = 0;
    let confidence = 0;
    let accuracy = 0;
    for (const bins of binSets) {
      const bin = bins[m];
      if (bin.count === 0) continue;
      count += bin.count;
      confidence += bin.count * bin.confidence;
      accuracy += bin.count * bin.accuracy;
    }
    return {
      lower: first.lower,
      upper: first.upper,
      count,
      confidence: count > 0 ? confidence / count : NaN,
      accuracy: count > 0 ? accuracy / count : NaN,
    };
  });
}

/** One reliability diagram per method (classification runs), over the test points of all its splits; its ECE is of the pooled bins. */
export function uciGroupReliability(runs: readonly UciRun[]): GroupReliability[] {
  return methodsOf(runs).flatMap((method) => {
    const binSets = runs.filter((r) => r.method === method).flatMap((r) => (r.reliability === undefined ? [] : [r.reliability]));
    if (binSets.length === 0) return [];
    const bins = poolReliabilityBins(binSets);
    return [{ name: method, bins, ece: calibrationErrorOfBins(bins) }];
  });
}

/**
 * One quantile-calibration curve per method (regression runs): at each level the fraction of all
 * the method's test targets below the predicted quantile (the point-weighted mean of the splits').
 */
export function uciGroupQuantileCalibration(runs: readonly UciRun[]): GroupQuantileCalibration[] {
  return methodsOf(runs).flatMap((method) => {
    const curves = runs
      .filter((r) => r.method === method)
      .flatMap((r) => (r.quantileCalibration === undefined ? [] : [r.quantileCalibration]));
    if (curves.length === 0) return [];
    const levels = curves[0].levels;
    const count = curves.reduce((s, c) => s + c.count, 0);
    const observed = levels.map((_, j) => curves.reduce((s, c) => s + c.count * c.observed[j], 0) / count);
    const error = levels.reduce((s, p, j) => s + (p - observed[j]) ** 2, 0) / levels.length;
    return [{ name: method, levels, observed, count, error }];
  });
}
