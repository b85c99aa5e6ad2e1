/** The loop of `study uci` (every split × method) and its summary: mean ± standard error over splits. */
import { splitTabular, type TabularData } from '../../../src/data/tabular/index.js';
import { runUciSplit, type UciMetrics, type UciSplitResult } from './run-split.js';
import { UCI_METHODS, UCI_PROTOCOL, UCI_RECIPES, uciRecipes, type UciMethod } from './recipe.js';

/** What to run. */
export interface UciPlan {
  readonly data: TabularData;
  readonly splits: number;
  readonly epochs: { readonly [method in UciMethod]: number };
  readonly samples: number;
  readonly seed: number;
  readonly methods?: readonly UciMethod[];
  /** Default: `uciRecipes(data.task)`. */
  readonly recipes?: typeof UCI_RECIPES;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** One finished run. */
export interface UciRun {
  readonly method: UciMethod;
  readonly split: number;
  readonly metrics: UciMetrics;
  /** Classification: reliability bins of the test predictions. */
  readonly reliability?: UciSplitResult['reliability'];
  /** Regression: quantile-calibration curve of the test predictions. */
  readonly quantileCalibration?: UciSplitResult['quantileCalibration'];
}

/** Mean and standard error (sample standard deviation / √n) of one metric for one method. */
export interface MeanWithError {
  readonly mean: number;
  readonly standardError: number;
  readonly n: number;
}

/** The metrics a task reports, in order, with labels. */
export function uciMetricLabels(task: TabularData['task']): Array<{ key: string; label: string }> {
  return task === 'regression'
    ? [
        { key: 'rmse', label: 'test RMSE' },
        { key: 'testLL', label: 'test log-likelihood (nats/point)' },
        { key: 'coverage90', label: `coverage of the ${UCI_PROTOCOL.coverageLevel * 100} % interval` },
        { key: 'quantileCalibration', label: 'quantile-calibration error (Kuleshov 2018)' },
        { key: 'noiseScale', label: 'learned noise σ' },
        { key: 'trainSeconds', label: 'train time (s, under load)' },
      ]
    : [
        { key: 'accuracy', label: 'test accuracy' },
        { key: 'testLL', label: 'test log-likelihood (nats/point)' },
        { key: 'ece', label: 'top-label ECE (15 bins)' },
        { key: 'classwiseEce', label: 'class-wise ECE' },
        { key: 'brier', label: 'Brier score' },
        { key: 'trainSeconds', label: 'train time (s, under load)' },
      ];
}

/** Runs every (split, method) in order; stops early (keeping finished runs) when `signal` aborts. */
export async function runUciStudy(plan: UciPlan): Promise<{ runs: UciRun[]; interrupted: boolean }> {
  const runs: UciRun[] = [];
  const methods = plan.methods ?? UCI_METHODS;
  const classes = plan.data.classNames.length;
  for (let split = 0; split < plan.splits; split++) {
    const data = splitTabular(plan.data, split, { seed: plan.seed, testFraction: UCI_PROTOCOL.testFraction });
    for (const method of methods) {
      if (plan.signal?.aborted === true) return { runs, interrupted: true };
      const result = await runUciSplit(data, {
        method,
        task: plan.data.task,
        classes,
        epochs: plan.epochs[method],
        samples: plan.samples,
        seed: plan.seed * 1000 + split,
        recipes: plan.recipes ?? uciRecipes(plan.data.task),
        ...(plan.signal === undefined ? {} : { signal: plan.signal }),
      });
      runs.push({ method, split, ...result });
      plan.log?.(
        `split ${split + 1}/${plan.splits} ${method}: ${Object.entries(result.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(', ')}`,
      );
    }
  }
  return { runs, interrupted: plan.signal?.aborted === true };
}

/** Mean ± standard error per method and metric. */
export function summarizeUci(runs: readonly UciRun[]): Record<string, Record<string, MeanWithError>> {
  const summary: Record<string, Record<string, MeanWithError>> = {};
  for (const method of [...new Set(runs.map((r) => r.method))]) {
    const mine = runs.filter((r) => r.method === method);
    summary[method] = {};
    for (const key of Object.keys(mine[0].metrics)) {
      const values = mine.map((r) => r.metrics[key]);
      const n = values.length;
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
      summary[method][key] = { mean, standardError: Math.sqrt(variance / n), n };
    }
  }
  return summary;
}
