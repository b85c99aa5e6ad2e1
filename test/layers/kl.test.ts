import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { denseVariational, priors, collectKL, disposeKLBreakdown } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { NoiseSourceError, BnnError } from '../../src/errors.js';
import { expectNoLeak, take, takeScalar } from '../helpers/leak.js';
import { fixedValues, klNormal64, setParameter, softplus64 } from './fixtures.js';

function builtDense(args: Parameters<typeof denseVariational>[0], inputUnits: number) {
  const layer = denseVariational(args);
  layer.apply(tf.input({ shape: [inputUnits] }));
  return layer;
}

test('layer.kl() equals the closed-form Σ KL(N(loc, softplus(rawScale)²) ‖ N(μp, σp²)) over kernel and bias (rel. error < 1e-5)', (t) => {
  const layer = builtDense({ units: 3, prior: priors.normal({ loc: 0.2, scale: 0.7 }) }, 4);
  const kernelLoc = fixedValues(12, 3);
  const kernelRaw = fixedValues(12, 4).map((v) => v - 2);
  const biasLoc = fixedValues(3, 5);
  const biasRaw = fixedValues(3, 6).map((v) => v - 1);
  setParameter(layer, 'kernel', kernelLoc, kernelRaw);
  setParameter(layer, 'bias', biasLoc, biasRaw);
  let expected = 0;
  for (let i = 0; i < 12; i++) expected += klNormal64(kernelLoc[i], softplus64(kernelRaw[i]), 0.2, 0.7);
  for (let i = 0; i < 3; i++) expected += klNormal64(biasLoc[i], softplus64(biasRaw[i]), 0.2, 0.7);
  const actual = takeScalar(layer.kl());
  t.true(Math.abs(actual - expected) / expected < 1e-5, `kl ${actual} vs closed form ${expected}`);
  layer.dispose();
});

test("layer.kl() is the sum: it equals bayesian-torch's per-tensor mean KL times the number of weights", (t) => {
  const layer = builtDense({ units: 5, useBias: false }, 6);
  setParameter(
    layer,
    'kernel',
    fixedValues(30, 7),
    fixedValues(30, 8).map((v) => v - 3),
  );
  const sum = takeScalar(layer.kl());
  const parameter = layer.variationalParameters[0];
  const perTensorMean = tf.tidy(() =>
    takeScalar(
      tf.mean(
        tf.sub(tf.add(tf.square(parameter.scale()), tf.square(parameter.loc)), tf.add(1, tf.log(tf.square(parameter.scale())))).mul(0.5),
      ),
    ),
  );
  t.is(layer.numVariationalWeights, 30);
  t.true(Math.abs(sum / perTensorMean - 30) < 30 * 1e-5, `sum/mean = ${sum / perTensorMean}`);
  layer.dispose();
});

test('the KL is available right after model construction, before any forward pass, without noise', (t) => {
  const model = tf.sequential({ layers: [denseVariational({ units: 2, inputShape: [3], useBias: false })] });
  const layer = model.layers[0] as ReturnType<typeof denseVariational>;
  const loc = Array.from(layer.variationalParameters[0].loc.dataSync());
  const scale = softplus64(-3);
  const expected = loc.reduce((sum, m) => sum + klNormal64(m, scale, 0, 1), 0);
  const kl = takeScalar(layer.kl());
  t.true(Math.abs(kl - expected) / expected < 1e-5, `kl ${kl} vs ${expected}`);
  model.dispose();
});

test('an unbuilt layer refuses kl() with a BnnError naming the layer', (t) => {
  const layer = denseVariational({ units: 2, name: 'lonely' });
  const error = t.throws(() => layer.kl(), { instanceOf: BnnError });
  t.regex(error!.message, /DenseVariational\.kl: layer 'lonely' is not built/);
});

test("scale-mixture prior: the Monte Carlo KL is log q(w) − log p(w) on the forward pass's own weight sample (stream <name>/<param>)", (t) => {
  const layer = builtDense(
    { units: 2, useBias: false, name: 'mix', prior: priors.scaleMixture({ pi: 0.5, scale1: 1, scale2: Math.exp(-6) }) },
    3,
  );
  const loc = fixedValues(6, 9);
  const raw = fixedValues(6, 10).map((v) => v - 2);
  setParameter(layer, 'kernel', loc, raw);
  const noise = new NoiseSource(5);
  const position = { step: 4, particle: 1 };
  const x = tf.ones([1, 3]);
  const [afterForward, output] = withNoise(noise, position, () => {
    const y = take(layer.apply(x) as tf.Tensor);
    return [takeScalar(layer.kl()), y] as const;
  });
  const withoutForward = withNoise(noise, position, () => takeScalar(layer.kl()));
  t.is(withoutForward, afterForward, 'kl() is a pure function of the variables and the position');
  // Recompute by hand in float64 from the forward pass's stream; the output x·w (x = ones) checks it is that sample.
  const eps = Array.from(noise.draws(position, 'mix/kernel').normal([3, 2]).dataSync());
  const logNormal = (w: number, m: number, s: number) => -0.5 * ((w - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
  let expected = 0;
  const columnSums = [0, 0];
  for (let i = 0; i < 6; i++) {
    const scale = softplus64(raw[i]);
    const w = loc[i] + scale * eps[i];
    columnSums[i % 2] += w;
    const logPrior = Math.log(0.5 * Math.exp(logNormal(w, 0, 1)) + 0.5 * Math.exp(logNormal(w, 0, Math.exp(-6))));
    expected += logNormal(w, loc[i], scale) - logPrior;
  }
  output.forEach((value, j) => t.true(Math.abs(value - columnSums[j]) < 1e-4, `output ${j}: ${value} vs ${columnSums[j]}`));
  t.true(Math.abs(afterForward - expected) <= 1e-4 * Math.max(1, Math.abs(expected)), `MC KL ${afterForward} vs ${expected}`);
  tf.dispose(x);
  layer.dispose();
});

test('a Monte Carlo KL outside any withNoise scope is a NoiseSourceError that says what to do, even after a forward pass', (t) => {
  const layer = builtDense({ units: 2, name: 'fresh', prior: priors.scaleMixture({ pi: 0.25, scale1: 1, scale2: 0.001 }) }, 2);
  const error = t.throws(() => layer.kl(), { instanceOf: NoiseSourceError });
  t.regex(error!.message, /DenseVariational\.kl: .*'fresh\/kernel'.*withNoise/);
  const x = tf.ones([1, 2]);
  withNoise(new NoiseSource(1), { step: 0, particle: 0 }, () => tf.dispose(layer.apply(x) as tf.Tensor));
  t.throws(() => layer.kl(), { instanceOf: NoiseSourceError }, 'no hidden replay of the last position');
  tf.dispose(x);
  layer.dispose();
});

test("collectKL sums the layers' KL, reports each layer's weight count, and disposes cleanly", async (t) => {
  const model = tf.sequential({
    layers: [
      denseVariational({ units: 3, inputShape: [2] }),
      tf.layers.dense({ units: 2 }),
      denseVariational({ units: 1, bayesianBias: false }),
    ],
  });
  await expectNoLeak(t, () => {
    const breakdown = collectKL(model);
    t.deepEqual(
      breakdown.perLayer.map((entry) => entry.numWeights),
      [2 * 3 + 3, 2],
    );
    const parts = breakdown.perLayer.map((entry) => entry.kl.dataSync()[0]);
    t.true(Math.abs(breakdown.total.dataSync()[0] - (parts[0] + parts[1])) < 1e-3);
    disposeKLBreakdown(breakdown);
  });
  model.dispose();
});

test('the KL is differentiable in loc and rawScale (gradient of the closed form)', (t) => {
  const layer = builtDense({ units: 1, useBias: false }, 1);
  setParameter(layer, 'kernel', Float32Array.of(0.5), Float32Array.of(-1));
  const { grads, value } = tf.variableGrads(
    () => layer.kl(),
    layer.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  const [gradLoc, gradRaw] = layer.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name].dataSync()[0]);
  const scale = softplus64(-1);
  t.true(Math.abs(gradLoc - 0.5) < 1e-6, `dKL/dloc = loc/σp² = 0.5, got ${gradLoc}`);
  // dKL/dσ = σ − 1/σ, dσ/draw = sigmoid(raw).
  const expectedRaw = (scale - 1 / scale) / (1 + Math.exp(1));
  t.true(Math.abs(gradRaw - expectedRaw) < 1e-5, `dKL/drawScale ${gradRaw} vs ${expectedRaw}`);
  tf.dispose([value, ...Object.values(grads)]);
  layer.dispose();
});
