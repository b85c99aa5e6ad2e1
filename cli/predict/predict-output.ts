/**
 * The summary of a `predict` run, the same for a local run and a collected queue batch:
 * `predictions.json` (every volume's record, the means over the volumes with a mask, failures),
 * `report.html` + `results.json` (a per-volume table and the lesion tables), and the command's result.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../inference/report/index.js';
import { writeRunReport } from '../../inference/report/write.js';
import type { CommandOutput } from '../output.js';
import type { VolumeMetrics } from '../segment/volume-evaluate.js';
import type { PredictedVolume } from './predict-volume.js';

/** The machine-readable summary file of a `predict` run. */
const PREDICTIONS_FILE = 'predictions.json';

/** A volume that failed (queue jobs that failed after their retries). */
export interface FailedVolume {
  readonly name: string;
  readonly error: string;
  readonly attempts: number;
}

/** What a run produced, and how it was run. */
export interface PredictOutcome {
  /** Records in input order (volumes that failed or are pending are missing). */
  readonly volumes: readonly PredictedVolume[];
  readonly failures: readonly FailedVolume[];
  /** Names of volumes neither done nor failed (a queue batch collected early). */
  readonly pending: readonly string[];
  readonly interrupted: boolean;
}

const METRIC_COLUMNS: ReadonlyArray<keyof VolumeMetrics> = [
  'dice',
  'auroc',
  'aurocMutualInformation',
  'ece',
  'trueLesions',
  'detectedLesions',
  'predictedLesions',
  'lesionTpr',
  'lesionFdr',
  'confidentMisses',
];

/** Mean of each metric over the volumes that have metrics, ignoring NaN values (NaN when none is finite). */
function meanMetrics(volumes: readonly PredictedVolume[]): Record<string, number> {
  const means: Record<string, number> = {};
  const scored = volumes.flatMap((v) => (v.metrics === null ? [] : [v.metrics]));
  for (const key of METRIC_COLUMNS) {
    const values = scored.map((m) => m[key]).filter((x) => Number.isFinite(x));
    means[key] = values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  }
  return means;
}

function round(x: number, digits = 4): number | string {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : String(x);
}

/** The report of a run: the means, a row per volume, the failures, and each masked volume's lesion tables. */
function predictReport(
  outcome: PredictOutcome,
  settings: Record<string, unknown>,
  wallTimeSeconds: number,
  notes: readonly string[],
): RunReport {
  const means = meanMetrics(outcome.volumes);
  const masked = outcome.volumes.filter((v) => v.metrics !== null).length;
  return {
    title: 'tfjs-bnn predict',
    status: outcome.interrupted ? 'interrupted' : 'complete',
    createdAt: new Date().toISOString(),
    summary: {
      volumes: outcome.volumes.length,
      withMask: masked,
      failed: outcome.failures.length,
      pending: outcome.pending.length,
      ...(masked > 0 ? Object.fromEntries(Object.entries(means).map(([k, v]) => [`mean ${k}`, round(v)])) : {}),
      wallTimeSeconds: round(wallTimeSeconds, 1),
    },
    settings,
    notes: [
      "Maps: sliding-window Monte Carlo predictive of the saved model (Gaussian-blended windows of its input grid), written as NIfTI with each input's geometry into maps/.",
      'Metrics (volumes with a mask) as segment --dims 3 reports them for a held-out volume; means are over the volumes with a mask, NaN values left out.',
      ...notes,
    ],
    tables: [
      {
        title: 'Volumes',
        columns: ['volume', 'size (D×H×W)', 'windows', ...METRIC_COLUMNS],
        rows: outcome.volumes.map((v) => [
          v.name,
          v.size.join('×'),
          v.windows,
          ...METRIC_COLUMNS.map((key) => (v.metrics === null ? '–' : round(v.metrics[key]))),
        ]),
      },
      ...(outcome.failures.length === 0
        ? []
        : [
            {
              title: 'Failed volumes',
              columns: ['volume', 'attempts', 'error'],
              rows: outcome.failures.map((f) => [f.name, f.attempts, f.error]),
            },
          ]),
      ...outcome.volumes.flatMap((v) => v.tables),
    ],
  };
}

/**
 * Writes `predictions.json`, `report.html` and `results.json` into `outDir` and prints the
 * command's result. `extraResult` fields join the result and `predictions.json`.
 */
export async function writePredictOutput(
  outDir: string,
  outcome: PredictOutcome,
  settings: Record<string, unknown>,
  wallTimeSeconds: number,
  output: CommandOutput,
  notes: readonly string[] = [],
  extraResult: Record<string, unknown> = {},
): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const written = await writeRunReport(outDir, predictReport(outcome, settings, wallTimeSeconds, notes));
  const volumes = outcome.volumes.map(({ tables: _tables, ...rest }) => rest);
  const summary = {
    command: 'predict',
    status: outcome.interrupted ? 'interrupted' : 'complete',
    volumes,
    means: meanMetrics(outcome.volumes),
    failed: outcome.failures,
    pending: outcome.pending,
    ...extraResult,
  };
  const predictionsPath = join(outDir, PREDICTIONS_FILE);
  writeFileSync(
    predictionsPath,
    `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`,
  );
  output.result(
    { ...summary, wallTimeSeconds, paths: { out: outDir, report: written.html, results: written.results, predictions: predictionsPath } },
    () => [
      `${volumes.length} volume(s) predicted${outcome.failures.length > 0 ? `, ${outcome.failures.length} failed` : ''}; maps in ${join(outDir, 'maps')}`,
      `report: ${written.html}`,
      `wall time: ${wallTimeSeconds.toFixed(1)} s`,
    ],
  );
}
