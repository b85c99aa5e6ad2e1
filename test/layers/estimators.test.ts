import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { denseVariational, ESTIMATORS, type Estimator } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { fixedTensor, fixedValues, setParameter, softplus64 } from './fixtures.js';

const IN = 5;
const UNITS = 3;
const BATCH = 4;
const RAW_SCALE = 0; // σ = softplus(0) = 0.693: noise large enough to see

function layerWith(estimator: Estimator) {
  const layer = denseVariational({ units: UNITS, estimator, name: `unbiased_${estimator}` });
  layer.apply(tf.input({ shape: [IN] }));
  setParameter(layer, 'kernel', fixedValues(IN * UNITS, 11), new Float32Array(IN * UNITS).fill(RAW_SCALE));
  setParameter(layer, 'bias', fixedValues(UNITS, 12), new Float32Array(UNITS).fill(RAW_SCALE));
  return layer;
}

for (const estimator of ESTIMATORS) {
  test(`${estimator}: the average output over K noise positions matches the mean-weights output within 4.5 standard errors, and its spread matches Σx²σ² + σ_b²`, (t) => {
    const K = 400;
    const layer = layerWith(estimator);
    const x = fixedTensor([BATCH, IN], 13);
    const noise = new NoiseSource(`unbiased-${estimator}`);
    const outputs = tf.tidy(() =>
      tf.stack(Array.from({ length: K }, (_, step) => withNoise(noise, { step }, () => layer.apply(x) as tf.Tensor))),
    );
    layer.samplingMode = 'mean';
    const meanOutput = (layer.apply(x) as tf.Tensor).arraySync() as number[][];
    const average = tf.tidy(() => tf.mean(outputs, 0).arraySync() as number[][]);
    const variance = tf.tidy(() => tf.moments(outputs, 0).variance.arraySync() as number[][]);
    const xs = x.arraySync() as number[][];
    const sigma2 = softplus64(RAW_SCALE) ** 2;
    let ratioSum = 0;
    for (let b = 0; b < BATCH; b++) {
      // Exact per-element variance of every estimator's marginal: Σ_i x_i² σ² + σ_b².
      const exactVariance = xs[b].reduce((s, v) => s + v * v * sigma2, 0) + sigma2;
      for (let u = 0; u < UNITS; u++) {
        const standardError = Math.sqrt(exactVariance / K);
        t.true(
          Math.abs(average[b][u] - meanOutput[b][u]) < 4.5 * standardError,
          `[${b},${u}] ${average[b][u]} vs ${meanOutput[b][u]} ± ${standardError}`,
        );
        ratioSum += variance[b][u] / exactVariance;
      }
    }
    // The mean of 12 variance ratios, each with relative s.d. √(2/K) ≈ 7 %, is within 15 % of 1.
    const meanRatio = ratioSum / (BATCH * UNITS);
    t.true(Math.abs(meanRatio - 1) < 0.15, `sample/exact variance ${meanRatio}`);
    tf.dispose([outputs, x]);
    layer.dispose();
  });
}

test('gradient variance of a loss wrt loc orders local ≤ Flipout < one shared sample (Kingma 2015, Wen 2018)', (t) => {
  const batch = 32;
  const inputs = 16;
  const units = 8;
  const positions = 50;
  const x = fixedTensor([batch, inputs], 21);
  const y = fixedTensor([batch, units], 22);
  const traceOfVariance = (estimator: Estimator): number => {
    const layer = denseVariational({ units, estimator, name: `gradvar_${estimator}` });
    layer.apply(tf.input({ shape: [inputs] }));
    setParameter(
      layer,
      'kernel',
      fixedValues(inputs * units, 23).map((v) => v * 0.3),
      new Float32Array(inputs * units).fill(-1),
    );
    const loc = layer.variationalParameters[0].loc;
    const noise = new NoiseSource(`gradvar`);
    const grads = tf.tidy(() =>
      tf.stack(
        Array.from({ length: positions }, (_, step) =>
          tf.grad(() =>
            tf.mean(
              tf.square(
                tf.sub(
                  withNoise(noise, { step }, () => layer.apply(x) as tf.Tensor),
                  y,
                ),
              ),
            ),
          )(loc),
        ),
      ),
    );
    const trace = tf.tidy(() => tf.sum(tf.moments(grads, 0).variance).dataSync()[0]);
    tf.dispose(grads);
    layer.dispose();
    return trace;
  };
  const [reparameterization, flipout, local] = ESTIMATORS.map(traceOfVariance);
  t.log(
    `tr Var[∇loc]: reparameterization ${reparameterization.toExponential(3)}, flipout ${flipout.toExponential(3)}, local ${local.toExponential(3)}`,
  );
  t.true(local <= flipout, `local ${local} ≤ flipout ${flipout}`);
  t.true(flipout < reparameterization / 2, `flipout ${flipout} < shared ${reparameterization} / 2`);
  tf.dispose([x, y]);
});
