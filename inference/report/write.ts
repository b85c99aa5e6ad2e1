/**
 * Writes a run's report to its folder: `report.html` (self-contained), `results.json` (the same
 * numbers and the Vega-Lite spec of every chart) and one PNG per panel.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportChart } from './charts.js';
import { renderReportHtml } from './html.js';
import { encodePanelPng } from './panels.js';
import type { RunReport } from './types.js';

/** File names inside the run folder. */
const REPORT_FILE = 'report.html';
const RESULTS_FILE = 'results.json';
const PANELS_FOLDER = 'panels';

/** Paths written by `writeRunReport` (absolute or relative as `dir` was). */
export interface WrittenReport {
  readonly html: string;
  readonly results: string;
  readonly panels: readonly string[];
}

/** A file-name-safe slug: lower case, runs of other characters become `-`. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'panel'
  );
}

/** JSON replacer: non-finite numbers become `null` (JSON has no NaN), typed arrays become arrays. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * The object written to `results.json`: the report without panel pixels (their PNG files are
 * named instead) and `figures`, the Vega-Lite spec of every chart with its data inline.
 */
function resultsObject(report: RunReport, charts: readonly ReportChart[], panelFiles: readonly string[][]): Record<string, unknown> {
  const panels = report.panels?.map((row, r) => ({
    caption: row.caption,
    panels: row.panels.map((panel, p) => ({
      title: panel.title,
      width: panel.width,
      height: panel.height,
      colormap: panel.colormap,
      range: panel.range ?? null,
      file: panelFiles[r]?.[p] ?? null,
    })),
  }));
  return { ...report, panels, figures: charts.map((chart) => ({ id: chart.id, title: chart.title, vegaLite: chart.spec })) };
}

/**
 * Writes `report.html`, `results.json` and `panels/<row>-<panel>.png` into `dir` (created if missing).
 * Overwrites earlier files of the same names, so a partial report is replaced by the final one.
 */
export async function writeRunReport(dir: string, report: RunReport): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const panelFiles: string[][] = [];
  const panelPaths: string[] = [];
  if (report.panels !== undefined && report.panels.length > 0) {
    mkdirSync(join(dir, PANELS_FOLDER), { recursive: true });
    report.panels.forEach((row, r) => {
      panelFiles.push(
        row.panels.map((panel) => {
          const relative = join(PANELS_FOLDER, `${r}-${slug(row.caption)}-${slug(panel.title)}.png`);
          writeFileSync(join(dir, relative), encodePanelPng(panel));
          panelPaths.push(join(dir, relative));
          return relative;
        }),
      );
    });
  }
  const { html, charts } = await renderReportHtml(report);
  const htmlPath = join(dir, REPORT_FILE);
  const resultsPath = join(dir, RESULTS_FILE);
  writeFileSync(htmlPath, html);
  writeFileSync(resultsPath, `${JSON.stringify(resultsObject(report, charts, panelFiles), jsonSafe, 2)}\n`);
  return { html: htmlPath, results: resultsPath, panels: panelPaths };
}
