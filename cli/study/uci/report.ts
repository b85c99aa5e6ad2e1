/** The report of `study uci`: the mean ± standard error table, every run, and the per-split comparison charts. */
import type { RunReport } from '../../../inference/report/index.js';
import type { TabularData } from '../../../src/data/tabular/index.js';
import { summarizeUci, uciMetricLabels, type UciRun } from './study.js';
import { UCI_PROTOCOL, uciRecipes } from './recipe.js';
import { uciGroupQuantileCalibration, uciGroupReliability } from './calibration.js';

/** Formats `mean ± se` with 4 significant digits. */
export function formatMeanError(mean: number, standardError: number): string {
  return `${mean.toPrecision(4)} ± ${standardError.toPrecision(2)}`;
}

/** Builds the report object (also written as results.json). */
export function uciReport(
  data: TabularData,
  runs: readonly UciRun[],
  interrupted: boolean,
  settings: Record<string, unknown>,
  wallTimeSeconds: number,
): RunReport {
  const labels = uciMetricLabels(data.task);
  const summary = summarizeUci(runs);
  const splits = new Set(runs.map((r) => r.split)).size;
  const reliability = data.task === 'regression' ? [] : uciGroupReliability(runs);
  return {
    title: `tfjs-bnn study uci: ${data.name}`,
    status: interrupted ? 'interrupted' : 'complete',
    createdAt: new Date().toISOString(),
    summary: { dataset: data.name, task: data.task, rows: data.rows, features: data.featureNames.length, splits, wallTimeSeconds },
    settings: { ...settings, protocol: UCI_PROTOCOL, recipes: uciRecipes(data.task) },
    notes: [
      `Protocol of Hernández-Lobato & Adams (2015): ${splits} random ${100 - UCI_PROTOCOL.testFraction * 100}/${UCI_PROTOCOL.testFraction * 100} splits, inputs${data.task === 'regression' ? ' and targets' : ''} standardised with training statistics, one hidden layer of ${UCI_PROTOCOL.hiddenUnits} ReLU units.`,
      'Methods: Bayes by Backprop (mean-field Gaussian, N(0, s²) prior, local reparameterization, KL/N with warm-up; tempered ×0.3 for classification), MC dropout (Gal & Ghahramani 2016: p = 0.05 on the inputs and the hidden layer, L2 weight decay (1 − p)·l²/(2N) with l = 0.01), and the same network trained deterministically; regression uses a learned homoscedastic Gaussian noise for all three.',
      'Values are mean ± standard error over splits; regression RMSE and log-likelihood are in the original target units. Timings were measured on a shared machine (under load).',
      data.task === 'regression'
        ? 'Quantile-calibration curves (Kuleshov et al. 2018): per method, the test targets of every split pooled; the observed fraction below each predicted quantile against its level.'
        : 'Reliability diagrams: per method, the test predictions of every split pooled into 15 equal-width top-label confidence bins; the number above a bar is its count of test points, the ECE in the title is of the pooled bins.',
      ...(interrupted ? ['Interrupted: only the finished runs are shown.'] : []),
    ],
    ...(data.task === 'regression' ? { groupQuantileCalibration: uciGroupQuantileCalibration(runs) } : { groupReliability: reliability }),
    comparisons: labels.map(({ key, label }) => ({
      metric: label,
      values: runs.map((r) => ({ group: r.method, seed: r.split, value: r.metrics[key] })),
    })),
    tables: [
      {
        title: 'Mean ± standard error over splits',
        columns: ['method', ...labels.map((l) => l.label)],
        rows: Object.entries(summary).map(([method, row]) => [
          method,
          ...labels.map((l) => formatMeanError(row[l.key].mean, row[l.key].standardError)),
        ]),
      },
      ...(reliability.length === 0
        ? []
        : [
            {
              // With 15–60 test points per split, the per-split ECE is dominated by binning noise.
              title: 'Top-label ECE of the test predictions of all splits pooled (15 bins)',
              columns: ['method', 'test points', 'pooled ECE'],
              rows: reliability.map((g) => [g.name, g.bins.reduce((n, b) => n + b.count, 0), Number((g.ece ?? NaN).toFixed(4))]),
            },
          ]),
      {
        title: 'Every run',
        columns: ['method', 'split', ...labels.map((l) => l.key)],
        rows: runs.map((r) => [r.method, r.split, ...labels.map((l) => r.metrics[l.key])]),
      },
    ],
  };
}
