/**
 * The recorder's series as JSON, CSV and an SVG plot of the KL / likelihood gradient-norm ratio
 * per layer over training (Vega-Lite, log scale, one line per layer).
 */
import { gradientRatioChart } from '../report/charts.js';
import { renderSvg } from '../report/svg.js';
import type { GradientRecorder, LayerGradientSummary } from './recorder.js';
import type { GradientInspection } from './summarize.js';

/** Columns of `recorderToCSV`, in order. */
export const CSV_COLUMNS = [
  'step',
  'layer',
  'parameter',
  'role',
  'likelihoodNorm',
  'klNorm',
  'ratio',
  'cosine',
  'sumNorm',
  'size',
] as const;

/** The recorder as plain JSON-safe data (non-finite numbers become `null`). */
export function recorderToJSON(recorder: GradientRecorder): { summary: LayerGradientSummary[]; trace: GradientInspection[] } {
  const clean = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
  return clean({ summary: recorder.summary(), trace: recorder.trace }) as { summary: LayerGradientSummary[]; trace: GradientInspection[] };
}

function csvField(value: string | number): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : String(value).toLowerCase();
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * One CSV row per (inspected step, layer, parameter, role), plus one row per (step, layer) with
 * parameter and role `all`. Header first; non-finite numbers are written `nan` / `infinity`.
 */
export function recorderToCSV(recorder: GradientRecorder): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const inspection of recorder.trace) {
    const rows = [...inspection.parameters, ...inspection.layers.map((row) => ({ ...row, parameter: 'all', role: 'all' }))];
    for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvField(c === 'step' ? inspection.step : row[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** SVG of ‖∇KL‖ / ‖∇likelihood‖ per layer over the recorded steps (log scale, one line per layer). */
export async function recorderRatioPlot(recorder: GradientRecorder): Promise<string> {
  const points = recorder.trace.flatMap((inspection) =>
    inspection.layers.map((row) => ({ layer: row.layer, step: inspection.step, ratio: row.ratio })),
  );
  return renderSvg(gradientRatioChart(points).spec);
}
