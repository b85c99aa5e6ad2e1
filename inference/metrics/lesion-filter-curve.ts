/**
 * Lesion-level TPR and FDR as detections are filtered by a per-lesion score: by uncertainty
 * (keep lesions at most τ uncertain; the curve of Nair et al. 2018, Fig. 4) or by probability
 * (keep lesions at least τ probable), so the two filters can be compared at equal TPR.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import type { Aggregate, LesionRecord, LesionUncertaintyReport } from './lesion-uncertainty.js';

/** One operating point of a filter. */
export interface LesionFilterPoint {
  /** The score threshold τ of this point. */
  readonly threshold: number;
  /** Detections kept. */
  readonly kept: number;
  /** True lesions overlapped by a kept detection / true lesions. */
  readonly tpr: number;
  /** Kept detections overlapping no true lesion / kept detections (0 when none is kept). */
  readonly fdr: number;
}

/** Which score filters the detections and which side of τ is kept. */
export interface LesionFilter {
  /** Score of a detection, e.g. `(d) => d.uncertainty.mutualInformation.mean`. */
  readonly score: (detection: LesionRecord) => number;
  /** `'low'`: keep score ≤ τ (uncertainty); `'high'`: keep score ≥ τ (probability). */
  readonly keep: 'low' | 'high';
}

/** Filter by an uncertainty map's mean or max over each lesion (keep the certain ones). */
export function uncertaintyFilter(map: string, statistic: keyof Aggregate = 'mean'): LesionFilter {
  return { score: (d) => d.uncertainty[map][statistic], keep: 'low' };
}

/** Filter by p̄'s mean or max over each lesion (keep the probable ones). */
export function probabilityFilter(statistic: keyof Aggregate = 'mean'): LesionFilter {
  return { score: (d) => d.probability[statistic], keep: 'high' };
}

/**
 * The filter's curve: one point per distinct score of the detections (from keeping the fewest to
 * keeping all), each with TPR and FDR over the report's true lesions. Needs a report built with truth.
 */
export function lesionFilterCurve(report: LesionUncertaintyReport, filter: LesionFilter): LesionFilterPoint[] {
  const where = 'lesionFilterCurve';
  if (report.trueLesions === 0)
    throw new InvalidArgumentError(where, 'report.trueLesions', 0, 'a report built with a truth mask holding at least one lesion');
  if (typeof filter?.score !== 'function' || (filter.keep !== 'low' && filter.keep !== 'high')) {
    throw new InvalidArgumentError(where, 'filter', filter, "{score: (detection) => number, keep: 'low' | 'high'}");
  }
  const sign = filter.keep === 'low' ? 1 : -1;
  const scored = report.detections.map((d) => ({ d, s: filter.score(d) })).sort((a, b) => sign * (a.s - b.s));
  const found = new Set<number>();
  const points: LesionFilterPoint[] = [];
  let falseKept = 0;
  for (let i = 0; i < scored.length; i++) {
    const { d, s } = scored[i];
    if (d.truthLabels.length === 0) falseKept++;
    for (const label of d.truthLabels) found.add(label);
    // Ties enter together: a point only after the last detection with this score.
    if (i + 1 < scored.length && scored[i + 1].s === s) continue;
    points.push({ threshold: s, kept: i + 1, tpr: found.size / report.trueLesions, fdr: falseKept / (i + 1) });
  }
  return points;
}

/**
 * The lowest FDR among the curve's points with TPR ≥ `tpr` (NaN when no point reaches it): the
 * figure to compare two filters at equal sensitivity.
 */
export function fdrAtTpr(curve: readonly LesionFilterPoint[], tpr: number): number {
  const reaching = curve.filter((point) => point.tpr >= tpr - 1e-12);
  return reaching.length === 0 ? Number.NaN : Math.min(...reaching.map((point) => point.fdr));
}
