import test from 'ava';
import {
  erf,
  gaussianMixtureNegativeLogLikelihood,
  gaussianNegativeLogLikelihood,
  gaussianPit,
  intervalCoverage,
  normalCdf,
  quantileCalibration,
  quantileCalibrationError,
  rootMeanSquaredError,
} from '../../../inference/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { near } from '../../helpers/leak.js';
import seedrandom from 'seedrandom';

const gaussianSamples = (n: number, seed: string): number[] => {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
};

test('erf and Φ match tabulated values', (t) => {
  near(t, erf(0.5), 0.5204998778, 2e-7);
  near(t, erf(-1), -0.8427007929, 2e-7);
  near(t, normalCdf(1.959963985), 0.975, 2e-7);
  near(t, normalCdf(0), 0.5, 1e-9);
});

test('RMSE and Gaussian NLL equal their formulas on a hand case', (t) => {
  near(t, rootMeanSquaredError([1, 2, 3], [1, 4, 0]), Math.sqrt((0 + 4 + 9) / 3), 1e-12);
  const nll = (y: number, m: number, v: number) => (0.5 * (y - m) ** 2) / v + 0.5 * Math.log(v) + 0.5 * Math.log(2 * Math.PI);
  near(t, gaussianNegativeLogLikelihood([0, 1], [1, 4], [1, -1]), (nll(1, 0, 1) + nll(-1, 1, 4)) / 2, 1e-12);
  near(t, gaussianNegativeLogLikelihood([0, 1], 0.25, [1, -1]), (nll(1, 0, 0.25) + nll(-1, 1, 0.25)) / 2, 1e-12);
});

test('the mixture NLL of a one-sample predictive equals the Gaussian NLL; two identical samples too', (t) => {
  const means = [0.3, -1, 2];
  const variances = [0.5, 1, 2];
  const targets = [0, 0, 3];
  const single = gaussianNegativeLogLikelihood(means, variances, targets);
  near(t, gaussianMixtureNegativeLogLikelihood([means], [variances], targets), single, 1e-12);
  near(t, gaussianMixtureNegativeLogLikelihood([means, means], [variances, variances], targets), single, 1e-12);
  // Two components at ±1 with unit variance, y = 0: −log N(0; 1, 1).
  near(t, gaussianMixtureNegativeLogLikelihood([[1], [-1]], 1, [0]), 0.5 + 0.5 * Math.log(2 * Math.PI), 1e-12);
});

test('a calibrated Gaussian predictive covers ≈ the nominal level and has a small quantile-calibration error', (t) => {
  const n = 4000;
  const noise = gaussianSamples(n, 'coverage');
  const means = Array.from({ length: n }, (_, i) => Math.sin(i));
  const targets = means.map((m, i) => m + 0.5 * noise[i]);
  const pit = gaussianPit(means, 0.5, targets);
  for (const level of [0.5, 0.8, 0.9, 0.95]) near(t, intervalCoverage(pit, level), level, 0.025, `level ${level}`);
  t.true(quantileCalibrationError(pit) < 2e-4);
  // Overconfident (σ too small by 2×): the 90 % interval covers ≈ 59 %, the error is large.
  const sharp = gaussianPit(means, 0.25, targets);
  near(t, intervalCoverage(sharp, 0.9), 2 * normalCdf(1.6449 / 2) - 1, 0.03);
  t.true(quantileCalibrationError(sharp) > 5e-3);
});

test('quantile calibration on a hand case', (t) => {
  const result = quantileCalibration([0.1, 0.2, 0.7, 0.9], { levels: [0.25, 0.5, 0.75] });
  t.deepEqual(result.observed, [0.5, 0.5, 0.75]);
  near(t, result.error, (0.25 ** 2 + 0 + 0) / 3, 1e-12);
  near(t, intervalCoverage([0.1, 0.2, 0.7, 0.9], 0.5), 0.25, 1e-12);
});

test('bad regression inputs are typed errors', (t) => {
  t.throws(() => rootMeanSquaredError([1, 2], [1]), { instanceOf: ShapeError });
  t.throws(() => gaussianNegativeLogLikelihood([0], [0], [1]), { instanceOf: InvalidArgumentError, message: /variances/ });
  t.throws(() => intervalCoverage([0.5], 1), { instanceOf: InvalidArgumentError, message: /level/ });
  t.throws(() => intervalCoverage([1.5], 0.5), { instanceOf: InvalidArgumentError, message: /pit/ });
  t.throws(
    () =>
      gaussianMixtureNegativeLogLikelihood(
        [[0, 1]],
        [
          [1, 1],
          [1, 1],
        ],
        [0, 1],
      ),
    { instanceOf: ShapeError, message: /variances/ },
  );
});
