import test from 'ava';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml, renderReportHtml } from '../../../inference/report/index.js';
import { writeRunReport } from '../../../inference/report/write.js';
import { fullReport, FULL_REPORT_CHARTS } from './fixture.js';

test('escapeHtml escapes the five HTML-special characters', (t) => {
  t.is(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('the report page is self-contained: inline SVG per chart, PNG data URIs, no script, no external resource', async (t) => {
  const { html, charts } = await renderReportHtml(fullReport());
  t.is(charts.length, FULL_REPORT_CHARTS);
  t.is((html.match(/<svg /g) ?? []).length, FULL_REPORT_CHARTS);
  t.is((html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length, 5, '3 panels and 2 colour bars (none for the mask)');
  t.false(/<script/i.test(html));
  t.false(/<link/i.test(html));
  t.false(/(src|href)="(https?:)?\/\//i.test(html), 'no network URL is loaded');
  t.true(html.includes('tfjs-bnn segment &lt;test&gt; &amp; &quot;quotes&quot;'));
  t.true(html.includes('0.01230'), 'summary numbers are shown with 4 significant digits');
});

test('an interrupted run is marked as partial', async (t) => {
  const { html } = await renderReportHtml({ ...fullReport(), status: 'interrupted' });
  t.true(html.includes('interrupted: partial results'));
});

test('writeRunReport writes report.html, results.json with every figure and one PNG per panel', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-bnn-report-'));
  try {
    const written = await writeRunReport(join(dir, 'run'), fullReport());
    t.true(existsSync(written.html));
    t.is(written.panels.length, 3);
    for (const path of written.panels) t.is(readFileSync(path).subarray(1, 4).toString('latin1'), 'PNG');
    const results = JSON.parse(readFileSync(written.results, 'utf8')) as {
      summary: Record<string, number>;
      figures: Array<{ id: string; vegaLite: { $schema: string } }>;
      training: Array<{ loss: number | null }>;
      panels: Array<{ panels: Array<{ file: string; values?: unknown }> }>;
    };
    t.is(results.summary.dice, 0.5);
    t.is(results.figures.length, FULL_REPORT_CHARTS);
    t.true(results.figures.every((f) => f.vegaLite.$schema.includes('vega-lite')));
    t.is(results.training[2].loss, null, 'NaN becomes null in JSON');
    t.is(results.panels[0].panels[1].file, join('panels', '0-held-out-image-0-ground-truth.png'));
    t.is(results.panels[0].panels[1].values, undefined, 'panel pixels are not copied into results.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
