/** `tfjs-bnn study uci`: Bayes by Backprop vs MC dropout vs deterministic on a tabular set, UCI protocol. */
import { mkdirSync } from 'node:fs';
import { writeRunReport } from '../../inference/report/write.js';
import { initBackend } from '../../src/backend/index.js';
import { DIGITS_NUM_PIXELS, DIGITS_NUM_CLASSES } from '../../src/data/digits/index.js';
import { readDigitsTable } from '../../src/data/digits/file.js';
import { readShippedTabular, readTabularCsv } from '../../src/data/tabular/read.js';
import type { ShippedTabularName, TabularData, TabularTask } from '../../src/data/tabular/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { defaultRunFolder } from '../common-options.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { UCI_METHODS, UCI_PROTOCOL, UCI_QUICK, uciRecipes, type UciMethod } from '../study/uci/recipe.js';
import { uciReport } from '../study/uci/report.js';
import { runUciStudy, summarizeUci } from '../study/uci/study.js';

/** The digits as a tabular set (64 pixel intensities, 10 classes). */
export function digitsTable(): TabularData {
  const table = readDigitsTable();
  return {
    name: 'digits',
    task: 'classification',
    featureNames: Array.from({ length: DIGITS_NUM_PIXELS }, (_, i) => `pixel_${i}`),
    features: Float64Array.from(table.intensities),
    targets: Float64Array.from(table.labels),
    rows: table.labels.length,
    classNames: Array.from({ length: DIGITS_NUM_CLASSES }, (_, k) => String(k)),
  };
}

function loadData(options: ResolvedOptions, where: string): TabularData {
  const csv = options.optionalString('csv');
  if (csv !== undefined) {
    const target = options.optionalString('target');
    if (target === undefined) throw new InvalidArgumentError(where, '--target', target, 'the name of the target column of --csv');
    const task = options.optionalString('taskType') as TabularTask | undefined;
    return readTabularCsv(csv, { target, ...(task === undefined ? {} : { task }) });
  }
  const dataset = options.string('dataset');
  return dataset === 'digits' ? digitsTable() : readShippedTabular(dataset as ShippedTabularName);
}

/** Runs `study uci`. */
export async function runStudyUci(options: ResolvedOptions, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn study uci';
  const data = loadData(options, where);
  const methods = (options.optionalList('methods') ?? UCI_METHODS).map((m) => {
    if (!(UCI_METHODS as readonly string[]).includes(m)) throw new InvalidArgumentError(where, '--methods', m, UCI_METHODS.join(', '));
    return m as UciMethod;
  });
  const quick = options.boolean('quick');
  const splits = options.has('splits') ? options.number('splits') : quick ? UCI_QUICK.splits : UCI_PROTOCOL.splits;
  const epochsOf = (method: UciMethod) =>
    options.has('epochs') ? options.number('epochs') : quick ? UCI_QUICK.epochs : uciRecipes(data.task)[method].epochs;
  const epochs = { bbb: epochsOf('bbb'), 'mc-dropout': epochsOf('mc-dropout'), deterministic: epochsOf('deterministic') };
  const samples = quick ? UCI_QUICK.predictiveSamples : UCI_PROTOCOL.predictiveSamples;
  const outDir = defaultRunFolder(options.optionalString('out'));
  await initBackend();
  mkdirSync(outDir, { recursive: true });
  context.output.log(
    `study uci: ${data.name} (${data.task}, ${data.rows} × ${data.featureNames.length}), ${methods.join(', ')} × ${splits} split(s); writing to ${outDir}`,
  );
  const started = performance.now();
  const outcome = await runUciStudy({
    data,
    splits,
    epochs,
    samples,
    seed: options.number('seed'),
    methods,
    signal: context.signal,
    log: context.output.log,
  });
  const wallTimeSeconds = (performance.now() - started) / 1000;
  const written = await writeRunReport(
    outDir,
    uciReport(data, outcome.runs, outcome.interrupted, { ...options.toJSON(), epochs, samples }, wallTimeSeconds),
  );
  const summary = summarizeUci(outcome.runs);
  context.output.result(
    {
      command: 'study uci',
      dataset: data.name,
      task: data.task,
      status: outcome.interrupted ? 'interrupted' : 'complete',
      splits,
      epochs,
      summary,
      runs: outcome.runs,
      wallTimeSeconds,
      paths: { out: outDir, report: written.html, results: written.results },
    },
    () => [
      ...Object.entries(summary).map(
        ([method, row]) =>
          `${method}: ${Object.entries(row)
            .map(([key, v]) => `${key} ${v.mean.toPrecision(4)} ± ${v.standardError.toPrecision(2)}`)
            .join(', ')}`,
      ),
      `report: ${written.html}`,
      `results: ${written.results}`,
    ],
  );
  return outcome.interrupted ? INTERRUPTED_EXIT_CODE : 0;
}
