/**
 * One self-contained HTML page per run: inline CSS, charts as inline SVG, panels as PNG data URIs,
 * no script and no network access.
 */
import { constantKlWeightSentence, reportCharts, type ReportChart } from './charts.js';
import { colorBarDataUri, panelDataUri, panelRange } from './panels.js';
import { renderSvg } from './svg.js';
import type { PanelRow, ReportTable, RunReport } from './types.js';

/** Displayed width of one image panel, in CSS pixels (images are upscaled without smoothing). */
export const PANEL_DISPLAY_WIDTH = 160;

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.status { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 4px; font-size: 0.85rem; }
.status.complete { background: #e3f4e3; } .status.interrupted { background: #fbe9d0; }
table { border-collapse: collapse; margin: 0.5rem 0; } td, th { border: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; } figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 0.3rem; }
.panels { display: flex; flex-wrap: wrap; gap: 0.8rem; margin-bottom: 1rem; }
.panels img { width: ${PANEL_DISPLAY_WIDTH}px; image-rendering: pixelated; border: 1px solid #ccc; display: block; }
.panels figcaption { font-weight: normal; font-size: 0.85rem; }
.notes li { color: #555; }
.colorbar { display: flex; align-items: center; gap: 0.3rem; font-size: 0.75rem; width: ${PANEL_DISPLAY_WIDTH}px; }
.colorbar img { flex: 1; height: 8px; width: auto; border: none; image-rendering: auto; }
`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function formatValue(value: unknown): string {
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : Number.isFinite(value) ? value.toPrecision(4) : String(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function cell(value: unknown): string {
  return typeof value === 'number'
    ? `<td class="num">${escapeHtml(formatValue(value))}</td>`
    : `<td>${escapeHtml(formatValue(value))}</td>`;
}

function keyValueTable(record: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(record).map(([key, value]) => `<tr><th>${escapeHtml(key)}</th>${cell(value)}</tr>`);
  return `<table>${rows.join('')}</table>`;
}

function tableHtml(table: ReportTable): string {
  const head = `<tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = table.rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('');
  return `<h3>${escapeHtml(table.title)}</h3><table>${head}${body}</table>`;
}

function panelRowHtml(row: PanelRow): string {
  const figures = row.panels.map((panel) => {
    const [low, high] = panelRange(panel);
    const bar =
      panel.colormap === 'mask'
        ? ''
        : `<div class="colorbar"><span>${escapeHtml(formatValue(low))}</span><img alt="colour bar ${escapeHtml(panel.title)}" src="${colorBarDataUri(panel.colormap)}"><span>${escapeHtml(formatValue(high))}</span></div>`;
    return `<figure><img alt="${escapeHtml(panel.title)}" src="${panelDataUri(panel)}">${bar}<figcaption>${escapeHtml(panel.title)}</figcaption></figure>`;
  });
  return `<h3>${escapeHtml(row.caption)}</h3><div class="panels">${figures.join('')}</div>`;
}

async function chartHtml(chart: ReportChart): Promise<string> {
  return `<figure class="chart" id="${escapeHtml(chart.id)}"><figcaption>${escapeHtml(chart.title)}</figcaption>${await renderSvg(chart.spec)}</figure>`;
}

/**
 * Renders the report page.
 * @returns the HTML text and the charts it drew (the same figures go to `results.json`).
 */
export async function renderReportHtml(report: RunReport): Promise<{ html: string; charts: ReportChart[] }> {
  const charts = reportCharts(report);
  const sections: string[] = [];
  sections.push(`<h1>${escapeHtml(report.title)}</h1>`);
  sections.push(
    `<p><span class="status ${report.status}">${report.status === 'complete' ? 'complete' : 'interrupted: partial results'}</span> ${escapeHtml(report.createdAt)}</p>`,
  );
  sections.push(`<h2>Summary</h2>${keyValueTable(report.summary)}`);
  if (report.notes !== undefined && report.notes.length > 0) {
    sections.push(`<ul class="notes">${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  }
  const constantWeight = report.training === undefined ? null : constantKlWeightSentence(report.training);
  if (charts.length > 0 || constantWeight !== null) {
    const sentence = constantWeight === null ? '' : `<p class="kl-weight-constant">${escapeHtml(constantWeight)}</p>`;
    sections.push(`<h2>Charts</h2>${sentence}<div class="charts">${(await Promise.all(charts.map(chartHtml))).join('')}</div>`);
  }
  if (report.panels !== undefined && report.panels.length > 0) sections.push(`<h2>Maps</h2>${report.panels.map(panelRowHtml).join('')}`);
  for (const table of report.tables ?? []) sections.push(tableHtml(table));
  if (report.settings !== undefined) sections.push(`<h2>Settings</h2>${keyValueTable(report.settings)}`);
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join('\n')}
</body>
</html>
`;
  return { html, charts };
}
