/**
 * `tfjs-bnn inspect`: a short training of a study task under one KL weighting, with the gradient
 * inspector (`inference/inspector`) run after every step on a fixed batch at that step's position,
 * then the per-layer table of likelihood and weighted-KL gradient norms, their ratio and cosine.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { Elbo } from '../../inference/elbo/index.js';
import { GradientRecorder, type LayerGradientRow } from '../../inference/inspector/index.js';
import type { GradientRatioPoint } from '../../inference/report/index.js';
import { writeRunReport } from '../../inference/report/write.js';
import { fit } from '../../inference/trainer/index.js';
import type { Estimator } from '../../layers/index.js';
import { initBackend } from '../../src/backend/index.js';
import { NoiseSource } from '../../src/random/index.js';
import { defaultRunFolder } from '../common-options.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { digitsTask } from '../study/digits.js';
import { phantomTask } from '../study/phantom.js';
import { formatNumber } from '../study/run-study.js';
import { regressionToyTask } from '../study/regression-toy.js';
import type { StudyTask } from '../study/task.js';
import { resolveWeighting } from '../study/weightings.js';

function taskByName(name: string): StudyTask {
  if (name === 'regression-toy') return regressionToyTask;
  if (name === 'digits') return digitsTask;
  if (name === 'phantom') return phantomTask;
  throw new InvalidArgumentError('tfjs-bnn inspect', '--task', name, 'regression-toy, digits or phantom');
}

/** The per-layer table as text lines (fixed-width columns). */
export function formatLayerTable(rows: readonly LayerGradientRow[]): string[] {
  const header = ['layer', '‖∇NLL‖', '‖∇KL·w‖', 'ratio', 'cosine'];
  const body = rows.map((r) => [
    r.layer,
    formatNumber(r.likelihoodNorm),
    formatNumber(r.klNorm),
    formatNumber(r.ratio),
    formatNumber(r.cosine),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  return [header, ...body].map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

/** Runs `inspect`. */
export async function runInspect(options: ResolvedOptions, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn inspect';
  const task = taskByName(options.string('task'));
  const steps = options.number('steps');
  const seed = options.number('seed');
  const epochs = Math.max(1, Math.ceil((steps * task.batchSize) / 100));
  const weighting = resolveWeighting(options.string('klWeighting'), epochs, where, '--kl-weighting');
  const outDir = defaultRunFolder(options.optionalString('out'));
  await initBackend();
  const started = performance.now();
  const run = task.setup(seed, options.string('estimator') as Estimator);
  const optimizer = tf.train.adam(task.learningRate);
  const recorder = new GradientRecorder();
  const inspectionBatch = tf.tidy(() => ({ x: run.train.x.slice(0, task.batchSize), y: run.train.y.slice(0, task.batchSize) }));
  try {
    const elbo = new Elbo(run.model, {
      likelihood: run.likelihood,
      klWeighting: weighting.weighting,
      reduction: weighting.reduction,
      countUnit: run.countUnit,
    });
    const noise = new NoiseSource(seed);
    const datasetSize = run.train.x.shape[0];
    const numBatches = Math.ceil(datasetSize / task.batchSize);
    const history = await fit(run.model, run.train, {
      elbo,
      optimizer,
      epochs: Math.ceil(steps / numBatches),
      batchSize: task.batchSize,
      seed,
      progress: 'silent',
      signal: context.signal,
      callbacks: {
        onBatchEnd(record) {
          recorder.observe(
            run.model,
            inspectionBatch,
            elbo,
            { epoch: record.epoch, step: record.step, batchIndex: record.batchIndex, numBatches, datasetSize },
            noise,
          );
          return record.step + 1 >= steps ? { stop: true, reason: `${steps} steps inspected` } : undefined;
        },
      },
    });
    const interrupted = history.stopReason === 'aborted';
    const last = recorder.trace[recorder.trace.length - 1];
    const summary = recorder.summary();
    const ratios: GradientRatioPoint[] = recorder.trace.flatMap((inspection) =>
      inspection.layers.map((row) => ({ layer: row.layer, step: inspection.step, ratio: row.ratio })),
    );
    mkdirSync(outDir, { recursive: true });
    const written = await writeRunReport(outDir, {
      title: `tfjs-bnn inspect: ${task.name}, ${weighting.label}`,
      status: interrupted ? 'interrupted' : 'complete',
      createdAt: new Date().toISOString(),
      summary: {
        task: task.name,
        klWeighting: weighting.label,
        inspections: recorder.count,
        wallTimeSeconds: (performance.now() - started) / 1000,
      },
      settings: options.toJSON(),
      notes: [
        task.description,
        `Gradients of the likelihood term and of the weighted KL term, on the same noise sample, on a fixed batch of ${task.batchSize} training examples after each step.`,
      ],
      training: history.steps,
      gradientRatios: ratios,
      tables:
        last === undefined
          ? []
          : [
              {
                title: `Layers at step ${last.step}`,
                columns: ['layer', '‖∇NLL‖', '‖∇KL·w‖', 'ratio', 'cosine'],
                rows: last.layers.map((r) => [r.layer, r.likelihoodNorm, r.klNorm, r.ratio, r.cosine]),
              },
            ],
    });
    const lines =
      last === undefined
        ? ['no step was inspected']
        : [
            `gradient norms at step ${last.step} (${task.name}, ${weighting.label}):`,
            ...formatLayerTable(last.layers),
            `report: ${written.html}`,
          ];
    context.output.result(
      {
        command: 'inspect',
        task: task.name,
        klWeighting: weighting.label,
        status: interrupted ? 'interrupted' : 'complete',
        lastStep: last ?? null,
        layers: summary,
        paths: { out: outDir, report: written.html, results: written.results },
      },
      () => lines,
    );
    return interrupted ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    tf.dispose([inspectionBatch.x, inspectionBatch.y]);
    recorder.dispose();
    optimizer.dispose();
    run.dispose();
  }
}
