/** `tfjs-bnn study kl`: one model trained under several KL weightings and seeds, compared in one report. */
import { mkdirSync } from 'node:fs';
import { writeRunReport } from '../../inference/report/write.js';
import type { Estimator } from '../../layers/index.js';
import { initBackend } from '../../src/backend/index.js';
import { STUDY_KL_DEFAULTS } from '../command-options.js';
import { defaultRunFolder } from '../common-options.js';
import type { CommandOutput } from '../output.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { meansByWeighting, runStudy, studyReport, type StudyOutcome, type StudyReportExtras } from '../study/run-study.js';
import type { StudyTask, StudyTaskName } from '../study/task.js';
import { taskByName } from '../study/tasks.js';
import { resolveWeighting, type NamedWeighting } from '../study/weightings.js';

/** Seeds of `--quick` (one). */
export const QUICK_SEEDS = 1;

/** What `study kl` trains: the task, the weightings (outer loop), the seeds (inner loop), epochs and estimator. */
export interface StudySettings {
  readonly task: StudyTask;
  readonly weightings: readonly NamedWeighting[];
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly estimator: Estimator;
}

/**
 * The study's settings from the options; every weighting is parsed here, before any training, so
 * a bad name fails at once.
 */
export function resolveStudySettings(options: ResolvedOptions, where: string): StudySettings {
  const task = taskByName(options.string('task') as StudyTaskName);
  const quick = options.boolean('quick');
  const epochs = options.has('epochs') ? options.number('epochs') : quick ? task.epochs.quick : task.epochs.full;
  const seedCount = options.has('seeds') ? options.number('seeds') : quick ? QUICK_SEEDS : STUDY_KL_DEFAULTS.seeds;
  const firstSeed = options.number('seed');
  const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
  const weightings = (options.optionalList('weightings') ?? []).map((text) => resolveWeighting(text, epochs, where, '--weightings'));
  return { task, weightings, seeds, epochs, estimator: options.string('estimator') as Estimator };
}

/**
 * Writes `report.html` and `results.json` of a study to `outDir` and prints the command's result
 * (the same for a local study and a collected queue batch). `extraResult` fields join the JSON result.
 */
export async function writeStudyOutput(
  outDir: string,
  outcome: StudyOutcome,
  plan: StudySettings,
  settings: Record<string, unknown>,
  wallTimeSeconds: number,
  output: CommandOutput,
  extras: StudyReportExtras = {},
  extraResult: Record<string, unknown> = {},
): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const written = await writeRunReport(outDir, studyReport(outcome, plan, settings, wallTimeSeconds, extras));
  const result = {
    command: 'study kl',
    task: plan.task.name,
    status: outcome.interrupted ? 'interrupted' : 'complete',
    epochs: plan.epochs,
    seeds: plan.seeds,
    weightings: plan.weightings.map((w) => ({ label: w.label, reduction: w.reduction })),
    means: meansByWeighting(outcome, plan.task),
    runs: outcome.runs.map(({ curve: _curve, ...rest }) => rest),
    wallTimeSeconds,
    ...extraResult,
    paths: { out: outDir, report: written.html, results: written.results },
  };
  output.result(result, () => [`report: ${written.html}`, `results: ${written.results}`, `wall time: ${wallTimeSeconds.toFixed(1)} s`]);
}

/** Runs `study kl` (locally, or through a Redis queue with `--redis`). */
export async function runStudyKl(options: ResolvedOptions, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn study kl';
  const plan = resolveStudySettings(options, where);
  if (options.has('redis')) {
    // Node-only queue code, loaded only when asked for.
    const { runStudyBatch } = await import('../queue/study-batch.js');
    return runStudyBatch(options, plan, context);
  }
  const outDir = defaultRunFolder(options.optionalString('out'));
  await initBackend();
  mkdirSync(outDir, { recursive: true });
  context.output.log(
    `study kl: task ${plan.task.name}, ${plan.weightings.length} weightings × ${plan.seeds.length} seed(s), ${plan.epochs} epochs each; writing to ${outDir}`,
  );
  const started = performance.now();
  const outcome = await runStudy({ ...plan, signal: context.signal, log: context.output.log });
  const wallTimeSeconds = (performance.now() - started) / 1000;
  await writeStudyOutput(outDir, outcome, plan, options.toJSON(), wallTimeSeconds, context.output);
  return outcome.interrupted ? INTERRUPTED_EXIT_CODE : 0;
}
