/** `tfjs-bnn study kl`: one model trained under several KL weightings and seeds, compared in one report. */
import { mkdirSync } from 'node:fs';
import { writeRunReport } from '../../inference/report/write.js';
import type { Estimator } from '../../layers/index.js';
import { initBackend } from '../../src/backend/index.js';
import { STUDY_KL_DEFAULTS } from '../command-options.js';
import { defaultRunFolder } from '../common-options.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import type { RunContext } from '../program.js';
import type { ResolvedOptions } from '../resolve.js';
import { digitsTask } from '../study/digits.js';
import { meansByWeighting, runStudy, studyReport } from '../study/run-study.js';
import type { StudyTask, StudyTaskName } from '../study/task.js';
import { regressionToyTask } from '../study/regression-toy.js';
import { phantomTask } from '../study/phantom.js';
import { resolveWeighting } from '../study/weightings.js';

/** Seeds of `--quick` (one). */
export const QUICK_SEEDS = 1;

function taskByName(name: StudyTaskName): StudyTask {
  switch (name) {
    case 'regression-toy':
      return regressionToyTask;
    case 'digits':
      return digitsTask;
    case 'phantom':
      return phantomTask;
  }
}

/** Runs `study kl`. */
export async function runStudyKl(options: ResolvedOptions, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn study kl';
  const task = taskByName(options.string('task') as StudyTaskName);
  const quick = options.boolean('quick');
  const epochs = options.has('epochs') ? options.number('epochs') : quick ? task.epochs.quick : task.epochs.full;
  const seedCount = options.has('seeds') ? options.number('seeds') : quick ? QUICK_SEEDS : STUDY_KL_DEFAULTS.seeds;
  const firstSeed = options.number('seed');
  const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
  // Every weighting is parsed before any training, so a bad name fails at once.
  const weightings = (options.optionalList('weightings') ?? []).map((text) => resolveWeighting(text, epochs, where, '--weightings'));
  const outDir = defaultRunFolder(options.optionalString('out'));
  await initBackend();
  mkdirSync(outDir, { recursive: true });
  context.output.log(`study kl: task ${task.name}, ${weightings.length} weightings × ${seeds.length} seed(s), ${epochs} epochs each; writing to ${outDir}`);
  const started = performance.now();
  const plan = { task, weightings, seeds, epochs, estimator: options.string('estimator') as Estimator };
  const outcome = await runStudy({ ...plan, signal: context.signal, log: context.output.log });
  const wallTimeSeconds = (performance.now() - started) / 1000;
  const written = await writeRunReport(outDir, studyReport(outcome, plan, options.toJSON(), wallTimeSeconds));
  const result = {
    command: 'study kl',
    task: task.name,
    status: outcome.interrupted ? 'interrupted' : 'complete',
    epochs,
    seeds,
    weightings: weightings.map((w) => ({ label: w.label, reduction: w.reduction })),
    means: meansByWeighting(outcome, task),
    runs: outcome.runs.map(({ curve: _curve, ...rest }) => rest),
    wallTimeSeconds,
    paths: { out: outDir, report: written.html, results: written.results },
  };
  context.output.result(result, () => [`report: ${written.html}`, `results: ${written.results}`, `wall time: ${wallTimeSeconds.toFixed(1)} s`]);
  return outcome.interrupted ? INTERRUPTED_EXIT_CODE : 0;
}
