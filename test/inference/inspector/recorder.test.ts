import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  GradientRecorder,
  GradientWindow,
  RunningStats,
  recorderToCSV,
  recorderToJSON,
  recorderRatioPlot,
  CSV_COLUMNS,
  type GradientInspection,
} from '../../../inference/inspector/index.js';
import { NoiseSource } from '../../../src/random/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near } from '../../helpers/leak.js';
import { denseModel, gaussianElbo, position, regressionBatch } from './fixtures.js';

function fakeInspection(step: number, ratio: number): GradientInspection {
  const comparison = { likelihoodNorm: 1, klNorm: ratio, ratio, cosine: 0.5, sumNorm: 1 + ratio, size: 1 };
  return {
    step,
    parameters: [{ layer: 'a', parameter: 'kernel', role: 'loc', ...comparison }],
    layers: [{ layer: 'a', ...comparison }],
    roles: { loc: comparison },
    model: comparison,
    missingGradients: [],
  };
}

test('RunningStats matches the two-pass mean and sample standard deviation and counts non-finite values apart', (t) => {
  const stats = new RunningStats();
  const values = [2, 4, 4, 4, 5, 5, 7, 9];
  for (const v of values) stats.push(v);
  stats.push(Number.NaN);
  near(t, stats.mean, 5, 1e-12);
  near(t, stats.std, Math.sqrt(32 / 7), 1e-12);
  t.is(stats.count, 8);
  t.is(stats.nonFinite, 1);
});

test('GradientWindow SNR = ‖mean‖ / √(Σ variance): gradients 1, 3, 1, 3 and 0, 0, 0, 0 give 2', async (t) => {
  await expectNoLeak(t, () => {
    const window = new GradientWindow();
    const shapes = new Map([['v', [2]]]);
    for (const g of [1, 3, 1, 3]) {
      const grad = tf.tensor1d([g, 0]);
      window.add(['v'], { v: grad }, shapes);
      grad.dispose();
    }
    // mean (2, 0), population variance (1, 0): SNR = 2 / 1.
    near(t, window.snr(), 2, 1e-6);
    window.dispose();
  });
});

test('the trace stays within maxPoints by halving its resolution, and keeps the first step', (t) => {
  const recorder = new GradientRecorder({ maxPoints: 8 });
  for (let step = 0; step < 100; step++) recorder.record(fakeInspection(step, step % 4 === 0 ? 2 : 0.5));
  t.true(recorder.trace.length <= 8 && recorder.trace.length >= 4, `length ${recorder.trace.length}`);
  t.is(recorder.trace[0].step, 0);
  t.is(recorder.count, 100);
  const [summary] = recorder.summary();
  near(t, summary.klDominatedFraction, 0.25, 1e-12);
  t.is(summary.inspections, 100);
  recorder.dispose();
});

test('observe records real inspections with per-window SNR, and exports CSV, JSON and an SVG plot', async (t) => {
  const model = denseModel(2, 2, { useBias: true });
  const elbo = gaussianElbo(model, 1);
  const batch = regressionBatch(2, 2);
  const recorder = new GradientRecorder({ snrWindow: 3 });
  await expectNoLeak(t, async () => {
    for (let step = 0; step < 6; step++) recorder.observe(model, batch, elbo, position(step), new NoiseSource(1));
    const [summary] = recorder.summary();
    t.is(summary.layer, 'dense_v');
    t.is(summary.likelihoodSnr.length, 2);
    t.true(summary.likelihoodSnr.every((s) => s > 0));
    // Closed-form KL gradients do not depend on the noise: zero variance, infinite SNR.
    t.true(summary.klSnr.every((s) => s === Number.POSITIVE_INFINITY));
    const csv = recorderToCSV(recorder).trim().split('\n');
    t.is(csv[0], CSV_COLUMNS.join(','));
    t.is(csv.length, 1 + 6 * (4 + 1), 'header, then 4 parameter rows and 1 layer row per step');
    const json = recorderToJSON(recorder);
    t.is(json.trace.length, 6);
    t.is(JSON.parse(JSON.stringify(json)).summary[0].klSnr[0], null, 'Infinity becomes null in JSON');
    const svg = await recorderRatioPlot(recorder);
    t.true(svg.startsWith('<svg'));
    t.true(svg.includes('dense_v'));
    recorder.dispose();
  });
  tf.dispose([batch.x, batch.y]);
  model.dispose();
});

test('recorder options are validated', (t) => {
  t.throws(() => new GradientRecorder({ maxPoints: 1 }), {
    instanceOf: InvalidArgumentError,
    message: /GradientRecorder: argument 'maxPoints' was 1/,
  });
  t.throws(() => new GradientRecorder({ snrWindow: 1.5 }), { instanceOf: InvalidArgumentError });
});
