/** `study uci` calibration charts: pooling over splits and one diagram per method in the report. */
import test from 'ava';
import { poolReliabilityBins, uciGroupQuantileCalibration, uciGroupReliability } from '../../cli/study/uci/calibration.js';
import { uciReport } from '../../cli/study/uci/report.js';
import { uciMetricLabels, type UciRun } from '../../cli/study/uci/study.js';
import { renderReportHtml } from '../../inference/report/index.js';
import type { ReliabilityBin } from '../../inference/metrics/index.js';
import type { TabularData } from '../../src/data/tabular/index.js';

const bin = (lower: number, upper: number, count: number, confidence: number, accuracy: number): ReliabilityBin => ({
  lower,
  upper,
  count,
  confidence,
  accuracy,
});
const empty = (lower: number, upper: number) => bin(lower, upper, 0, NaN, NaN);

test('poolReliabilityBins: counts add, confidence and accuracy are count-weighted means, empty bins stay empty', (t) => {
  const pooled = poolReliabilityBins([
    [bin(0, 0.5, 2, 0.4, 0.5), bin(0.5, 1, 3, 0.9, 1), empty(1, 1)],
    [empty(0, 0.5), bin(0.5, 1, 1, 0.7, 0), empty(1, 1)],
  ]);
  t.deepEqual(pooled.slice(0, 1), [bin(0, 0.5, 2, 0.4, 0.5)]);
  t.is(pooled[1].count, 4);
  t.true(Math.abs(pooled[1].confidence - (3 * 0.9 + 0.7) / 4) < 1e-12);
  t.is(pooled[1].accuracy, 0.75);
  t.is(pooled[2].count, 0);
  t.true(Number.isNaN(pooled[2].confidence));
  t.deepEqual(poolReliabilityBins([]), []);
});

test('uciGroupQuantileCalibration: the point-weighted mean of the splits’ observed fractions, and its error', (t) => {
  const runs: UciRun[] = [
    { method: 'bbb', split: 0, metrics: {}, quantileCalibration: { levels: [0.25, 0.75], observed: [0, 0.5], count: 2 } },
    { method: 'bbb', split: 1, metrics: {}, quantileCalibration: { levels: [0.25, 0.75], observed: [0.5, 1], count: 6 } },
  ];
  const [curve] = uciGroupQuantileCalibration(runs);
  t.is(curve.name, 'bbb');
  t.is(curve.count, 8);
  t.deepEqual(curve.observed, [3 / 8, 7 / 8]);
  t.true(Math.abs(curve.error! - ((0.25 - 3 / 8) ** 2 + (0.75 - 7 / 8) ** 2) / 2) < 1e-12);
});

const data = (task: 'classification' | 'regression'): TabularData => ({
  name: 'toy',
  task,
  featureNames: ['a'],
  features: new Float64Array(4),
  targets: new Float64Array(4),
  rows: 4,
  classNames: task === 'classification' ? ['0', '1'] : [],
});

/** Every metric of `task` set to 0.5. */
const allMetrics = (task: 'classification' | 'regression') => Object.fromEntries(uciMetricLabels(task).map((l) => [l.key, 0.5]));

/** 15 equal-width bins with `filled` points in bins 13 and 14. */
function fifteenBins(filled: number): ReliabilityBin[] {
  return Array.from({ length: 15 }, (_, m) =>
    m >= 13 ? bin(m / 15, (m + 1) / 15, filled, (m + 0.5) / 15, 1) : empty(m / 15, (m + 1) / 15),
  );
}

test('the classification report draws one reliability diagram per method, with its pooled bins and their counts', async (t) => {
  const runs: UciRun[] = ['bbb', 'mc-dropout', 'deterministic'].flatMap((method, i) =>
    [0, 1].map((split) => ({
      method: method as UciRun['method'],
      split,
      metrics: allMetrics('classification'),
      reliability: fifteenBins(i + 1),
    })),
  );
  const report = uciReport(data('classification'), runs, false, {}, 1);
  t.deepEqual(
    report.groupReliability?.map((g) => [g.name, g.bins.length, g.bins.reduce((s, b) => s + b.count, 0)]),
    [
      ['bbb', 15, 4],
      ['mc-dropout', 15, 8],
      ['deterministic', 15, 12],
    ],
  );
  t.is(report.groupQuantileCalibration, undefined);
  // Bins 13 and 14 hold confidence 13.5/15 and 14.5/15 with accuracy 1: pooled ECE = mean gap = 1/15.
  const pooled = report.tables?.find((table) => table.title.startsWith('Top-label ECE of the test predictions of all splits pooled'));
  t.deepEqual(pooled?.rows, [
    ['bbb', 4, Number((1 / 15).toFixed(4))],
    ['mc-dropout', 8, Number((1 / 15).toFixed(4))],
    ['deterministic', 12, Number((1 / 15).toFixed(4))],
  ]);
  const { html, charts } = await renderReportHtml(report);
  for (const [method, perBin] of [
    ['bbb', 2],
    ['mc-dropout', 4],
    ['deterministic', 6],
  ] as const) {
    const chart = charts.find((c) => c.id === `reliability-${method}`);
    t.truthy(chart, method);
    const layers = (chart!.spec as { layer: Array<{ data: { values: Array<{ count: number; label: string }> } }> }).layer;
    t.deepEqual(
      layers[0].data.values.map((v) => v.count),
      [perBin, perBin],
      `${method}: the two non-empty bins of 15, pooled over 2 splits`,
    );
    t.true(html.includes(`id="reliability-${method}"`), method);
  }
});

test('the regression report draws one quantile-calibration curve per method', async (t) => {
  const runs: UciRun[] = ['bbb', 'deterministic'].map((method) => ({
    method: method as UciRun['method'],
    split: 0,
    metrics: allMetrics('regression'),
    quantileCalibration: { levels: [0.1, 0.5, 0.9], observed: [0.2, 0.5, 0.8], count: 10 },
  }));
  const report = uciReport(data('regression'), runs, false, {}, 1);
  t.is(report.groupReliability, undefined);
  t.false(
    report.tables!.some((table) => table.title.includes('pooled')),
    'no pooled-ECE table for regression',
  );
  const { html, charts } = await renderReportHtml(report);
  for (const method of ['bbb', 'deterministic']) {
    const chart = charts.find((c) => c.id === `quantile-calibration-${method}`);
    t.truthy(chart, method);
    t.regex(chart!.title, /10 points, error 0\.0067/);
    t.true(html.includes(`id="quantile-calibration-${method}"`));
  }
  t.is(uciGroupReliability(runs).length, 0, 'regression runs carry no reliability bins');
});
