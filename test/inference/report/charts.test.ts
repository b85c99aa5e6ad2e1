import test from 'ava';
import { reportCharts, renderSvg, reliabilityChart, lossPartsChart } from '../../../inference/report/index.js';
import { fullReport, FULL_REPORT_CHARTS } from './fixture.js';

function dataValues(spec: unknown): Array<Record<string, unknown>> {
  return (spec as { data: { values: Array<Record<string, unknown>> } }).data.values;
}

test('reportCharts draws one chart per present section, in order', (t) => {
  const charts = reportCharts(fullReport());
  t.is(charts.length, FULL_REPORT_CHARTS);
  t.deepEqual(
    charts.map((c) => c.id),
    ['loss-parts', 'kl-weight', 'gradient-ratio', 'reliability', 'reliability-foreground', 'retention', 'comparison-0'],
  );
  const bare = reportCharts({ title: 't', status: 'complete', createdAt: '', summary: {} });
  t.is(bare.length, 0);
});

test('chart data drop non-finite values and empty reliability bins', (t) => {
  const report = fullReport();
  const loss = dataValues(lossPartsChart(report.training!).spec);
  // 4 steps × 3 parts, minus the NaN loss of step 2.
  t.is(loss.length, 11);
  t.false(loss.some((row) => row.part === 'loss (ELBO)' && row.step === 2));
  const reliability = reliabilityChart(report.reliability!, 0.0123);
  const bars = (reliability.spec as { layer: Array<{ data: { values: unknown[] } }> }).layer[0].data.values;
  t.is(bars.length, 2, 'only the two non-empty bins are drawn');
  t.regex(reliability.title, /ECE 0\.0123/);
});

test('renderSvg draws one bar per non-empty reliability bin and one line per layer of the gradient ratio', async (t) => {
  const charts = reportCharts(fullReport());
  const reliabilitySvg = await renderSvg(charts.find((c) => c.id === 'reliability')!.spec);
  t.true(reliabilitySvg.startsWith('<svg'));
  const rectGroup = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(reliabilitySvg);
  t.truthy(rectGroup, 'the reliability chart has a rect mark group');
  t.is((rectGroup![1].match(/<path/g) ?? []).length, 2);
  const ratioSvg = await renderSvg(charts.find((c) => c.id === 'gradient-ratio')!.spec);
  // Vega draws each colour series of a line mark as its own mark group holding one path.
  t.is((ratioSvg.match(/class="mark-line role-mark[^"]*"[^>]*><path/g) ?? []).length, 2, 'two layers, two lines');
  t.is((ratioSvg.match(/class="mark-symbol role-mark[^"]*"/g) ?? []).length, 1);
  const width = Number(/^<svg[^>]*width="(\d+)"/.exec(ratioSvg)![1]);
  t.true(width > 300);
});
