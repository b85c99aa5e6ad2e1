import test from 'ava';
import seedrandom from 'seedrandom';
import { expectedCalibrationError, reliabilityBins, brierScore, negativeLogLikelihood } from '../../../inference/metrics/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';

function calibratedSample(n: number, seed: string, truth: (p: number) => number = (p) => p): { p: Float32Array; y: Uint8Array } {
  const random = seedrandom.alea(seed);
  const p = new Float32Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = random();
    y[i] = random() < truth(p[i]) ? 1 : 0;
  }
  return { p, y };
}

test('ECE of perfectly calibrated predictions (y ~ Bernoulli(p)) is ≈ 0 for both binnings', (t) => {
  const { p, y } = calibratedSample(200_000, 'calibrated');
  // ~13k voxels per bin: standard error of a bin's accuracy ≈ 0.004, so ECE stays well under 0.01.
  t.true(expectedCalibrationError(p, y) < 0.01);
  t.true(expectedCalibrationError(p, y, { kind: 'foreground' }) < 0.01);
});

test('ECE of over-confident predictions (p = 0.9, true rate 0.6) is ≈ 0.3', (t) => {
  const { y } = calibratedSample(50_000, 'over', () => 0.6);
  const p = new Float32Array(y.length).fill(0.9);
  const ece = expectedCalibrationError(p, y);
  t.true(Math.abs(ece - 0.3) < 0.01, `ECE ${ece}`);
});

test('ECE, Brier and NLL match hand computations on two voxels', (t) => {
  // Top-label: voxel 1 confidence 0.8 and right, voxel 2 confidence 0.7 and wrong.
  t.true(Math.abs(expectedCalibrationError([0.2, 0.7], [0, 0]) - (0.5 * 0.2 + 0.5 * 0.7)) < 1e-6);
  t.true(Math.abs(brierScore([0.2, 0.7], [0, 1]) - (0.04 + 0.09) / 2) < 1e-7);
  t.true(Math.abs(negativeLogLikelihood([0.2, 0.7], [0, 1]) + (Math.log(0.8) + Math.log(0.7)) / 2) < 1e-6);
});

test('15 equal-width bins cover [0, 1]; counts add up; p = 0 lands in the first bin', (t) => {
  const bins = reliabilityBins([0, 0.5, 1, 0.3], [0, 1, 1, 0], { kind: 'foreground' });
  t.is(bins.length, 15);
  t.is(bins[0].lower, 0);
  t.is(bins[14].upper, 1);
  t.is(
    bins.reduce((a, b) => a + b.count, 0),
    4,
  );
  t.is(bins[0].count, 1);
  t.is(bins[14].count, 1);
});

test('region restricts the average to the voxels inside it', (t) => {
  t.is(brierScore([0.5, 1, 0], [0, 1, 0], { region: [1, 0, 0] }), 0.25);
  t.true(Math.abs(negativeLogLikelihood([1, 0.5], [0, 1], { region: [0, 1] }) - Math.log(2)) < 1e-6);
});

test('NLL of a confident mistake is finite (p clamped to 1e-7)', (t) => {
  const nll = negativeLogLikelihood([1], [0]);
  t.true(Number.isFinite(nll));
  t.true(Math.abs(nll + Math.log(1e-7)) < 1e-3);
});

test('invalid probabilities, bins and empty regions give typed errors', (t) => {
  t.throws(() => brierScore([1.5], [1]), {
    instanceOf: InvalidArgumentError,
    message: /brierScore: argument 'probabilities\[0\]' was 1.5; expected a probability in \[0, 1\]/,
  });
  t.throws(() => expectedCalibrationError([0.5], [1], { bins: 0 }), { instanceOf: InvalidArgumentError, message: /options.bins/ });
  t.throws(() => brierScore([0.5], [1], { region: [0] }), { instanceOf: InvalidArgumentError, message: /at least one voxel/ });
  t.throws(() => expectedCalibrationError([0.5], [1], { kind: 'class' as 'foreground' }), {
    instanceOf: InvalidArgumentError,
    message: /'top-label', 'foreground'/,
  });
});
