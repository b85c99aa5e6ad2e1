/**
 * The loop of `study kl`: for every weighting and seed, a fresh model trained with `fit` and
 * evaluated by the task; the results as plain numbers and as a `RunReport`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Reduction } from '../../inference/elbo/index.js';
import type { Comparison, RunReport, TrainingPoint } from '../../inference/report/index.js';
import { fit } from '../../inference/trainer/fit.js';
import { GradientRecorder } from '../../inference/inspector/index.js';
import type { Estimator } from '../../layers/index.js';
import type { TrainerCallbacks } from '../../inference/trainer/callbacks.js';
import { NoiseSource } from '../../src/random/index.js';
import type { StudyTask } from './task.js';
import type { NamedWeighting } from './weightings.js';

/** Gradient inspections per run (spread evenly over the training steps). */
const INSPECTIONS_PER_RUN = 10;

/** Step records kept per run for the report's curves (every k-th step beyond this is dropped). */
const MAX_CURVE_POINTS_PER_RUN = 200;

/** What `runStudy` needs. */
export interface StudyPlan {
  readonly task: StudyTask;
  readonly weightings: readonly NamedWeighting[];
  /** Seeds, one run per weighting and seed. */
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly estimator: Estimator;
  /** Stops the study after the current training step; finished runs are kept. */
  readonly signal: AbortSignal;
  /** One line per finished run. */
  readonly log: (line: string) => void;
}

/** One (weighting, seed) run. Plain data. */
export interface StudyRun {
  readonly weighting: string;
  readonly reduction: Reduction;
  readonly seed: number;
  /**
   * The task's metrics on held-out data, plus from the gradient inspector at the last inspected
   * step: `gradRatio` = ‖∇ weighted KL‖ / ‖∇ NLL‖ over all variables, `gradRatioRawScale` the same
   * over the rawScale variables only.
   */
  readonly metrics: Readonly<Record<string, number>>;
  /** Means over the last epoch of the training loss parts. */
  readonly finalTrain: { readonly loss: number; readonly nll: number; readonly kl: number; readonly klWeight: number };
  /** Seconds spent in `fit`. */
  readonly trainSeconds: number;
  /** Seconds spent evaluating. */
  readonly evalSeconds: number;
  readonly stepsSkipped: number;
  /** Thinned step records for the curves. */
  readonly curve: readonly TrainingPoint[];
}

/** The study's outcome. */
export interface StudyOutcome {
  readonly runs: readonly StudyRun[];
  /** True when Ctrl-C stopped the study before every run finished. */
  readonly interrupted: boolean;
}

function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const stride = Math.ceil(items.length / max);
  return items.filter((_, i) => i % stride === 0 || i === items.length - 1);
}

/** One run of a study: a task, a weighting, a seed and the training settings. Plain data except `task` and `weighting`. */
export interface StudyRunSpec {
  readonly task: StudyTask;
  readonly weighting: NamedWeighting;
  readonly seed: number;
  readonly epochs: number;
  readonly estimator: Estimator;
}

/** Hooks of one run besides the plan: the stop signal and optional trainer callbacks (a queue worker's progress and lock renewal). */
export interface StudyRunHooks {
  readonly signal: AbortSignal;
  readonly callbacks?: TrainerCallbacks;
}

/**
 * Trains and evaluates ONE (task, weighting, seed) run: a fresh model trained with `fit`, then the
 * task's evaluation and the inspector's last ratios. The local `study kl` loop and the queue worker
 * both call this function, so a run gives the same numbers wherever it runs.
 * @returns the run, or `null` when `hooks.signal` stopped training. Leaves no tensors behind.
 */
export async function runStudyRun(spec: StudyRunSpec, hooks: StudyRunHooks): Promise<StudyRun | null> {
  const { task, weighting: named, seed } = spec;
  const run = task.setup(seed, spec.estimator);
  const optimizer = tf.train.adam(task.learningRate);
  const recorder = new GradientRecorder();
  try {
    const stepsPerEpoch = Math.ceil(run.train.x.shape[0] / task.batchSize);
    const every = Math.max(1, Math.floor((spec.epochs * stepsPerEpoch) / INSPECTIONS_PER_RUN));
    const started = performance.now();
    const history = await fit(run.model, run.train, {
      elbo: { likelihood: run.likelihood, klWeighting: named.weighting, reduction: named.reduction, countUnit: run.countUnit },
      optimizer,
      epochs: spec.epochs,
      batchSize: task.batchSize,
      seed,
      progress: 'silent',
      signal: hooks.signal,
      inspect: { every, recorder },
      ...(hooks.callbacks === undefined ? {} : { callbacks: hooks.callbacks }),
    });
    const trainSeconds = (performance.now() - started) / 1000;
    if (history.stopReason === 'aborted') return null;
    const evalStarted = performance.now();
    const inspected = recorder.trace[recorder.trace.length - 1];
    const metrics: Record<string, number> = {
      ...(await run.evaluate(task.samples, new NoiseSource(`evaluation/${seed}`))),
      gradRatio: inspected?.model.ratio ?? Number.NaN,
      gradRatioRawScale: inspected?.roles.rawScale?.ratio ?? Number.NaN,
    };
    const evalSeconds = (performance.now() - evalStarted) / 1000;
    const last = history.epochs[history.epochs.length - 1]?.logs ?? {};
    return {
      weighting: named.label,
      reduction: named.reduction,
      seed,
      metrics,
      finalTrain: {
        loss: last.loss ?? Number.NaN,
        nll: last.nll ?? Number.NaN,
        kl: last.kl ?? Number.NaN,
        klWeight: last.klWeight ?? Number.NaN,
      },
      trainSeconds,
      evalSeconds,
      stepsSkipped: history.skippedSteps.length,
      curve: thin(history.steps, MAX_CURVE_POINTS_PER_RUN).map((s) => ({
        step: s.step,
        loss: s.loss,
        nll: s.nll,
        kl: s.kl,
        klWeight: s.klWeight,
        series: named.label,
      })),
    };
  } finally {
    recorder.dispose();
    optimizer.dispose();
    run.dispose();
  }
}

/** The line logged for a finished run. */
export function describeRun(task: StudyTask, run: StudyRun): string {
  const shown = [...task.metrics.map((m) => m.key), 'gradRatio'].map((key) => `${key} ${formatNumber(run.metrics[key])}`).join(', ');
  return `${run.weighting} seed ${run.seed}: ${shown}; ${run.trainSeconds.toFixed(1)} s`;
}

/** Runs the plan, one `runStudyRun` after another (weightings outer, seeds inner). Leaves no tensors behind. */
export async function runStudy(plan: StudyPlan): Promise<StudyOutcome> {
  const runs: StudyRun[] = [];
  for (const weighting of plan.weightings) {
    for (const seed of plan.seeds) {
      if (plan.signal.aborted) return { runs, interrupted: true };
      const result = await runStudyRun(
        { task: plan.task, weighting, seed, epochs: plan.epochs, estimator: plan.estimator },
        { signal: plan.signal },
      );
      if (result === null) return { runs, interrupted: true };
      runs.push(result);
      plan.log(describeRun(plan.task, result));
    }
  }
  return { runs, interrupted: false };
}

/** The inspector's figures every study run reports next to the task's metrics. */
const INSPECTOR_METRICS = [
  { key: 'gradRatio', label: '‖∇ weighted KL‖ / ‖∇ NLL‖ (all weights, last inspection)' },
  { key: 'gradRatioRawScale', label: '‖∇ weighted KL‖ / ‖∇ NLL‖ on rawScale (last inspection)' },
] as const;

/** The task's metrics followed by the inspector's. */
function studyMetrics(task: StudyTask): ReadonlyArray<{ readonly key: string; readonly label: string }> {
  return [...task.metrics, ...INSPECTOR_METRICS];
}

/** 4 significant digits. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

/** Mean of each metric per weighting (over seeds), plain data for `--json`. */
export function meansByWeighting(outcome: StudyOutcome, task: StudyTask): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  const groups = [...new Set(outcome.runs.map((r) => r.weighting))];
  for (const group of groups) {
    const runs = outcome.runs.filter((r) => r.weighting === group);
    const mean = (pick: (r: StudyRun) => number) => runs.reduce((s, r) => s + pick(r), 0) / runs.length;
    const row: Record<string, number> = {};
    for (const metric of studyMetrics(task)) row[metric.key] = mean((r) => r.metrics[metric.key]);
    row.trainSeconds = mean((r) => r.trainSeconds);
    table[group] = row;
  }
  return table;
}

/** A run that failed for good (a queue job out of retries): which run, and its last error. */
export interface FailedStudyRun {
  readonly weighting: string;
  readonly seed: number;
  readonly error: string;
  readonly attempts: number;
}

/** What a queued batch adds to a study's report: the runs that failed and extra notes. */
export interface StudyReportExtras {
  readonly failures?: readonly FailedStudyRun[];
  readonly notes?: readonly string[];
}

/** The report of a study. */
export function studyReport(
  outcome: StudyOutcome,
  plan: Omit<StudyPlan, 'signal' | 'log'>,
  settings: Record<string, unknown>,
  wallTimeSeconds: number,
  extras: StudyReportExtras = {},
): RunReport {
  const failures = extras.failures ?? [];
  const { task } = plan;
  const comparisons: Comparison[] = [
    ...studyMetrics(task).map((metric) => ({
      metric: metric.label,
      values: outcome.runs.map((r) => ({ group: r.weighting, seed: r.seed, value: r.metrics[metric.key] })),
    })),
    { metric: 'training wall time (s)', values: outcome.runs.map((r) => ({ group: r.weighting, seed: r.seed, value: r.trainSeconds })) },
  ];
  const firstSeed = plan.seeds[0];
  const means = meansByWeighting(outcome, task);
  return {
    title: `tfjs-bnn study kl: ${task.name}`,
    status: outcome.interrupted ? 'interrupted' : 'complete',
    createdAt: new Date().toISOString(),
    summary: { task: task.name, runs: outcome.runs.length, epochs: plan.epochs, seeds: plan.seeds.length, wallTimeSeconds },
    settings,
    notes: [
      task.description,
      `Training curves show seed ${firstSeed} of each weighting. Gradient-norm ratios come from the gradient inspector (likelihood and weighted-KL gradients on the same noise), run ${INSPECTIONS_PER_RUN} times per run during training; the table shows the last inspection.`,
      ...(outcome.interrupted ? ['Interrupted by Ctrl-C: only the runs that finished are shown.'] : []),
      ...(extras.notes ?? []),
      ...failures.map((f) => `Run ${f.weighting} seed ${f.seed} failed after ${f.attempts} attempt(s): ${f.error}`),
    ],
    training: outcome.runs.filter((r) => r.seed === firstSeed).flatMap((r) => r.curve),
    comparisons,
    tables: [
      {
        title: 'Mean over seeds',
        columns: ['weighting', ...studyMetrics(task).map((m) => m.label), 'train time (s)'],
        rows: Object.entries(means).map(([group, row]) => [group, ...studyMetrics(task).map((m) => row[m.key]), row.trainSeconds]),
      },
      {
        title: 'Every run',
        columns: [
          'weighting',
          'reduction',
          'seed',
          ...studyMetrics(task).map((m) => m.key),
          'final loss',
          'final NLL',
          'final KL',
          'train s',
          'skipped steps',
        ],
        rows: outcome.runs.map((r) => [
          r.weighting,
          r.reduction,
          r.seed,
          ...studyMetrics(task).map((m) => r.metrics[m.key]),
          r.finalTrain.loss,
          r.finalTrain.nll,
          r.finalTrain.kl,
          r.trainSeconds,
          r.stepsSkipped,
        ]),
      },
      ...(failures.length === 0
        ? []
        : [
            {
              title: 'Failed runs',
              columns: ['weighting', 'seed', 'attempts', 'error'],
              rows: failures.map((f) => [f.weighting, f.seed, f.attempts, f.error]),
            },
          ]),
    ],
  };
}
