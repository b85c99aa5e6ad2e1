import test from 'ava';
import pngjs from 'pngjs';
import {
  colorBarDataUri,
  COLOR_BAR_STEPS,
  compactCount,
  constantKlWeightSentence,
  reliabilityChart,
  renderReportHtml,
  renderSvg,
  reportCharts,
  retentionChart,
  RETENTION_SYMLOG_CONSTANT,
} from '../../../inference/report/index.js';
import { viridis } from '../../../src/io/colormap.js';
import { fullReport } from './fixture.js';

test('a constant KL weight is one sentence instead of a flat chart; a varying one is still drawn', async (t) => {
  const report = fullReport();
  const constant = { ...report, training: report.training!.map((p) => ({ ...p, klWeight: 1 / 48 })) };
  t.is(constantKlWeightSentence(constant.training), 'KL weight constant over all 4 steps: 0.02083.');
  t.false(reportCharts(constant).some((c) => c.id === 'kl-weight'));
  const { html } = await renderReportHtml(constant);
  t.regex(html, /<p class="kl-weight-constant">KL weight constant over all 4 steps: 0\.02083\.<\/p>/);
  t.is(constantKlWeightSentence(report.training!), null);
  t.true(reportCharts(report).some((c) => c.id === 'kl-weight'));
  const series = [
    { step: 0, loss: 1, nll: 1, kl: 1, klWeight: 2e-5, series: 'perExample' },
    { step: 1, loss: 1, nll: 1, kl: 1, klWeight: 2e-5, series: 'perExample' },
    { step: 0, loss: 1, nll: 1, kl: 1, klWeight: 0.25, series: 'perMinibatch' },
  ];
  t.is(constantKlWeightSentence(series), 'KL weight constant over training in every run: perExample 2.000e-5; perMinibatch 0.25.');
});

test('reliability bars carry their voxel counts, and the foreground diagram is drawn with its own ECE', async (t) => {
  const report = fullReport();
  const foreground = reportCharts(report).find((c) => c.id === 'reliability-foreground');
  t.truthy(foreground);
  t.is(foreground!.title, 'Reliability on the foreground (lesion or predicted lesion) (ECE 0.2000)');
  const svg = await renderSvg(foreground!.spec);
  const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  t.true(labels.includes('1.2k'), labels.join('|'));
  t.true(labels.includes('7'));
  t.is(compactCount(950), '950');
  t.is(compactCount(12_345), '12k');
  t.is(compactCount(3_400_000), '3.4M');
  const overall = reliabilityChart(report.reliability!);
  t.is(overall.id, 'reliability');
});

test('the retention curve uses a symmetric-log x axis, so the first percent referred spans a visible part of it', async (t) => {
  const curve = { fractions: [0, 0.001, 0.01, 0.1, 1], dice: [0.5, 0.7, 0.9, 0.95, 1], area: 0.9 };
  const chart = retentionChart(curve);
  const x = (chart.spec as { encoding: { x: { scale: { type: string; constant: number } } } }).encoding.x.scale;
  t.is(x.type, 'symlog');
  t.is(x.constant, RETENTION_SYMLOG_CONSTANT);
  const svg = await renderSvg(chart.spec);
  // On a linear axis 0.01 of the 420 px width is 4 px; on the symlog axis it is a third of the way.
  const path = /class="mark-line role-mark[^"]*"[^>]*><path[^>]*d="M([\d.]+),[\d.]+L([\d.]+),[\d.]+L([\d.]+),/.exec(svg);
  t.truthy(path, 'the curve is drawn');
  const [x0, , x2] = [Number(path![1]), Number(path![2]), Number(path![3])];
  t.true(x2 - x0 > 420 / 4, `fraction 0.01 lies at ${x2 - x0} px`);
});

test('HTML panels have a colour bar with their range; masks have none', async (t) => {
  const { html } = await renderReportHtml(fullReport());
  const bars = [
    ...html.matchAll(
      /<div class="colorbar"><span>([^<]*)<\/span><img alt="colour bar ([^"]*)" src="data:image\/png;base64,[^"]+"><span>([^<]*)<\/span><\/div>/g,
    ),
  ];
  t.deepEqual(
    bars.map((m) => [m[2], m[1], m[3]]),
    [
      ['image', '0', '1'],
      ['entropy (nats)', '0', '0.6931'],
    ],
  );
  const decoded = pngjs.PNG.sync.read(Buffer.from(colorBarDataUri('viridis').split(',')[1], 'base64'));
  t.is(decoded.width, COLOR_BAR_STEPS);
  t.deepEqual(Array.from(decoded.data.subarray(0, 3)), viridis(0));
  t.deepEqual(Array.from(decoded.data.subarray(4 * (COLOR_BAR_STEPS - 1), 4 * COLOR_BAR_STEPS - 1)), viridis(1));
});
