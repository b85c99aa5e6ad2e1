/**
 * Vega-Lite specifications of the report's charts. Pure functions of plain data; non-finite
 * values are dropped (JSON cannot hold them and a chart cannot place them).
 */
import type { TopLevelSpec } from 'vega-lite';
import { groupReliabilityChart, quantileCalibrationChart } from './group-charts.js';
import type { Comparison, GradientRatioPoint, ReliabilityPoint, RetentionData, RunReport, TrainingPoint } from './types.js';

/** Width and height of one chart, in CSS pixels. */
export const CHART_WIDTH = 420;
export const CHART_HEIGHT = 220;

/** A chart of the report: a stable id (used in `results.json` and as the HTML anchor), a title and its spec. */
export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

type Row = Record<string, number | string>;

function finiteRows(rows: Row[]): Row[] {
  return rows.filter((row) => Object.values(row).every((v) => typeof v === 'string' || Number.isFinite(v)));
}

/** The loss parts (ELBO loss, NLL, KL) over steps, one panel each with its own y scale. */
export function lossPartsChart(training: readonly TrainingPoint[]): ReportChart {
  const values = finiteRows(
    training.flatMap((p) => [
      { step: p.step, part: 'loss (ELBO)', value: p.loss, series: p.series ?? 'run' },
      { step: p.step, part: 'NLL', value: p.nll, series: p.series ?? 'run' },
      { step: p.step, part: 'KL (nats, unweighted)', value: p.kl, series: p.series ?? 'run' },
    ]),
  );
  const overlaid = training.some((p) => p.series !== undefined);
  return {
    id: 'loss-parts',
    title: 'Loss parts over training',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      facet: { row: { field: 'part', type: 'nominal', title: null, sort: ['loss (ELBO)', 'NLL', 'KL (nats, unweighted)'] } },
      spec: {
        width: CHART_WIDTH,
        height: CHART_HEIGHT / 2,
        mark: { type: 'line' },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step' },
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          ...(overlaid ? { color: { field: 'series', type: 'nominal' as const, title: 'run' } } : {}),
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

/** Ratio of the largest to the smallest positive KL weight above which the KL-weight chart uses a log scale. */
const KL_WEIGHT_LOG_SCALE_SPAN = 100;

/**
 * The KL weight applied at each step. When the positive weights span more than
 * `KL_WEIGHT_LOG_SCALE_SPAN` (e.g. Blundell's π_i next to 1/N) the y axis is logarithmic and
 * zero weights (the start of a warm-up) are left out.
 */
export function klWeightChart(training: readonly TrainingPoint[]): ReportChart {
  const positive = training.map((p) => p.klWeight).filter((w) => w > 0 && Number.isFinite(w));
  const logScale = positive.length > 0 && Math.max(...positive) / Math.min(...positive) > KL_WEIGHT_LOG_SCALE_SPAN;
  const shown = logScale ? training.filter((p) => p.klWeight > 0) : training;
  return {
    id: 'kl-weight',
    title: logScale ? 'KL weight over training (log scale; zero weights not drawn)' : 'KL weight over training',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      data: { values: finiteRows(shown.map((p) => ({ step: p.step, klWeight: p.klWeight, series: p.series ?? 'run' }))) },
      mark: { type: 'line', point: shown.length <= 30 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'klWeight', type: 'quantitative', title: 'KL weight', scale: logScale ? { type: 'log' } : {} },
        ...(training.some((p) => p.series !== undefined) ? { color: { field: 'series', type: 'nominal' as const, title: 'run' } } : {}),
      },
    },
  };
}

/**
 * One sentence for a KL weight that never changed (per run, when several are overlaid), e.g.
 * `'KL weight constant over all 120 steps: 0.0208.'`; null when any run's weight varies (then the
 * chart is drawn). A flat chart says less than this line.
 */
export function constantKlWeightSentence(training: readonly TrainingPoint[]): string | null {
  if (training.length === 0) return null;
  const bySeries = new Map<string, number[]>();
  for (const p of training) {
    const key = p.series ?? '';
    if (!bySeries.has(key)) bySeries.set(key, []);
    bySeries.get(key)!.push(p.klWeight);
  }
  const constants: string[] = [];
  for (const [series, weights] of bySeries) {
    if (!weights.every((w) => Object.is(w, weights[0]))) return null;
    constants.push(series === '' ? formatWeight(weights[0]) : `${series} ${formatWeight(weights[0])}`);
  }
  const steps = bySeries.size === 1 ? `all ${training.length} steps` : 'training in every run';
  return `KL weight constant over ${steps}: ${constants.join('; ')}.`;
}

function formatWeight(weight: number): string {
  return weight !== 0 && (Math.abs(weight) < 1e-3 || Math.abs(weight) >= 1e4)
    ? weight.toExponential(3)
    : String(Number(weight.toPrecision(4)));
}

/** ‖∇ weighted KL‖ / ‖∇ NLL‖ per layer over steps, on a log scale (1 = the two pulls are equal). */
export function gradientRatioChart(points: readonly GradientRatioPoint[]): ReportChart {
  return {
    id: 'gradient-ratio',
    title: 'KL / likelihood gradient-norm ratio per layer',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      data: { values: finiteRows(points.filter((p) => p.ratio > 0).map((p) => ({ layer: p.layer, step: p.step, ratio: p.ratio }))) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'ratio', type: 'quantitative', title: '‖∇KL‖ / ‖∇NLL‖', scale: { type: 'log' } },
        color: { field: 'layer', type: 'nominal', title: 'layer' },
      },
    },
  };
}

/** Which reliability diagram: over all voxels, or over the foreground (lesion or predicted lesion). */
export interface ReliabilityChartOptions {
  /** Chart id. Default `'reliability'`. */
  readonly id?: string;
  /** Title before the ECE. Default `'Reliability diagram'`. */
  readonly title?: string;
}

/**
 * Reliability diagram: observed accuracy against mean confidence per bin, with the diagonal of
 * perfect calibration and each bin's voxel count printed above its bar (a bin far off the diagonal
 * matters little when it holds a handful of voxels).
 */
export function reliabilityChart(bins: readonly ReliabilityPoint[], ece?: number, options: ReliabilityChartOptions = {}): ReportChart {
  const values = finiteRows(
    bins
      .filter((b) => b.count > 0)
      .map((b) => ({
        lower: b.lower,
        upper: b.upper,
        middle: (b.lower + b.upper) / 2,
        confidence: b.confidence,
        accuracy: b.accuracy,
        count: b.count,
        label: compactCount(b.count),
      })),
  );
  const name = options.title ?? 'Reliability diagram';
  const title = ece === undefined ? name : `${name} (ECE ${ece.toFixed(4)})`;
  return {
    id: options.id ?? 'reliability',
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_HEIGHT,
      height: CHART_HEIGHT,
      layer: [
        {
          data: { values },
          mark: { type: 'bar', opacity: 0.8 },
          encoding: {
            x: { field: 'lower', type: 'quantitative', title: 'confidence', scale: { domain: [0, 1] } },
            x2: { field: 'upper' },
            y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
            tooltip: [{ field: 'count', type: 'quantitative' }],
          },
        },
        {
          data: { values },
          mark: { type: 'text', dy: -5, fontSize: 8, baseline: 'bottom' },
          encoding: {
            x: { field: 'middle', type: 'quantitative' },
            y: { field: 'accuracy', type: 'quantitative' },
            text: { field: 'label', type: 'nominal' },
          },
        },
        {
          data: {
            values: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
          },
          mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
        },
      ],
    },
  };
}

/** A voxel count in at most 4 characters: 950, 12k, 3.4M. */
export function compactCount(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1e6) return `${Number((count / 1e3).toPrecision(2))}k`;
  return `${Number((count / 1e6).toPrecision(2))}M`;
}

/** Smallest referred fraction shown distinctly on the retention chart's symmetric-log x axis. */
export const RETENTION_SYMLOG_CONSTANT = 1e-3;

/**
 * Retention curve: the metric after the most uncertain fraction is referred and corrected. The x
 * axis is symmetric-log (linear below `RETENTION_SYMLOG_CONSTANT`, logarithmic above), because a
 * segmentation curve usually saturates within the first percent referred.
 */
export function retentionChart(curve: RetentionData): ReportChart {
  const values = finiteRows(curve.fractions.map((fraction, i) => ({ fraction, dice: curve.dice[i] })));
  return {
    id: 'retention',
    title: `Retention curve (area ${curve.area.toFixed(4)}; log x axis)`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      data: { values },
      mark: { type: 'line' },
      encoding: {
        x: {
          field: 'fraction',
          type: 'quantitative',
          title: 'fraction referred (most uncertain first; symmetric-log axis)',
          scale: { type: 'symlog', constant: RETENTION_SYMLOG_CONSTANT, domain: [0, 1] },
        },
        y: { field: 'dice', type: 'quantitative', title: 'Dice', scale: { domain: [0, 1] } },
      },
    },
  };
}

/** One metric across groups: a dot per seed and a tick at the mean. */
export function comparisonChart(comparison: Comparison, index: number): ReportChart {
  const values = finiteRows(comparison.values.map((v) => ({ group: v.group, seed: v.seed, value: v.value })));
  return {
    id: `comparison-${index}`,
    title: comparison.metric,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      data: { values },
      layer: [
        {
          mark: { type: 'point', filled: true, opacity: 0.7 },
          encoding: {
            x: { field: 'group', type: 'nominal', title: null, sort: null },
            y: { field: 'value', type: 'quantitative', title: comparison.metric, scale: { zero: false } },
          },
        },
        {
          mark: { type: 'tick', thickness: 2, color: 'black' },
          encoding: {
            x: { field: 'group', type: 'nominal', sort: null },
            y: { aggregate: 'mean', field: 'value', type: 'quantitative' },
          },
        },
      ],
    },
  };
}

/** The charts a report shows, in order: only those whose section is present and non-empty. */
export function reportCharts(report: RunReport): ReportChart[] {
  const charts: ReportChart[] = [];
  if (report.training !== undefined && report.training.length > 0) {
    charts.push(lossPartsChart(report.training));
    if (constantKlWeightSentence(report.training) === null) charts.push(klWeightChart(report.training));
  }
  if (report.gradientRatios !== undefined && report.gradientRatios.length > 0) charts.push(gradientRatioChart(report.gradientRatios));
  if (report.reliability !== undefined && report.reliability.some((b) => b.count > 0)) {
    const ece = typeof report.summary.ece === 'number' ? report.summary.ece : undefined;
    charts.push(reliabilityChart(report.reliability, ece));
  }
  if (report.foregroundReliability !== undefined && report.foregroundReliability.some((b) => b.count > 0)) {
    const ece = typeof report.summary.eceForeground === 'number' ? report.summary.eceForeground : undefined;
    charts.push(
      reliabilityChart(report.foregroundReliability, ece, {
        id: 'reliability-foreground',
        title: 'Reliability on the foreground (lesion or predicted lesion)',
      }),
    );
  }
  if (report.retention !== undefined && report.retention.fractions.length > 0) charts.push(retentionChart(report.retention));
  for (const group of report.groupReliability ?? []) if (group.bins.some((b) => b.count > 0)) charts.push(groupReliabilityChart(group));
  for (const group of report.groupQuantileCalibration ?? []) if (group.count > 0) charts.push(quantileCalibrationChart(group));
  (report.comparisons ?? []).forEach((comparison, i) => charts.push(comparisonChart(comparison, i)));
  return charts;
}
