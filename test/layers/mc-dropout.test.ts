import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { GAL_LENGTH_SCALE, McDropout, mcDropout, mcDropoutWeightDecay, setSamplingMode } from '../../layers/index.js';
import { disposePredictive, disposeRegressionPredictive, predictive, regressionPredictive } from '../../inference/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError } from '../../src/errors.js';
import { expectNoLeak, near, take } from '../helpers/leak.js';

test('mcDropout keeps ≈ 1 − p of the units, scaled by 1/(1 − p), replayably per noise position', async (t) => {
  await expectNoLeak(t, () => {
    const layer = mcDropout({ rate: 0.3, name: 'drop' });
    const x = tf.ones([200, 50]);
    const noise = new NoiseSource(4);
    const a = take(withNoise(noise, { step: 0, particle: 0 }, () => layer.apply(x) as tf.Tensor));
    const again = take(withNoise(noise, { step: 0, particle: 0 }, () => layer.apply(x) as tf.Tensor));
    const other = take(withNoise(noise, { step: 0, particle: 1 }, () => layer.apply(x) as tf.Tensor));
    const kept = a.filter((v) => v !== 0);
    near(t, kept.length / a.length, 0.7, 0.02);
    kept.forEach((v) => near(t, v, 1 / 0.7, 1e-6));
    t.deepEqual(again, a);
    t.notDeepEqual(other, a);
    // Active without {training: true} too (that is the point of MC dropout).
    t.throws(() => layer.apply(x), { instanceOf: NoiseSourceError });
    layer.samplingMode = 'mean';
    t.deepEqual(
      take(layer.apply(x) as tf.Tensor),
      Array.from({ length: 10000 }, () => 1),
    );
    x.dispose();
  });
});

test('an MC-dropout network gives non-zero epistemic uncertainty in predictive and regressionPredictive; mean mode gives zero', async (t) => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, inputShape: [2], activation: 'relu', name: 'd1' }),
      mcDropout({ rate: 0.2, name: 'mc' }),
      tf.layers.dense({ units: 3, name: 'd2' }),
    ],
  });
  const x = tf.randomNormal([5, 2], 0, 1, 'float32', 1);
  await expectNoLeak(t, () => {
    const classes = predictive(model, x, { samples: 10, seed: 1, output: 'softmax' });
    t.true(take(classes.mutualInformation.clone()).some((v) => v > 1e-4));
    disposePredictive(classes);
    const regression = regressionPredictive((input) => tf.slice(model.predict(input) as tf.Tensor, [0, 0], [-1, 1]), x, {
      samples: 10,
      seed: 1,
      noiseScale: 0.1,
    });
    t.true(take(regression.epistemicVariance.clone()).some((v) => v > 1e-6));
    disposeRegressionPredictive(regression);
  });
  t.is(setSamplingMode(model, 'mean'), 1);
  const meanMode = predictive(model, x, { samples: 4, seed: 1, output: 'softmax' });
  take(meanMode.mutualInformation.clone()).forEach((v) => near(t, v, 0, 1e-6));
  disposePredictive(meanMode);
  model.dispose();
  x.dispose();
});

test('mcDropout serializes through the tfjs registry and validates its rate', (t) => {
  const layer = mcDropout({ rate: 0.1, name: 'kept' });
  const config = layer.getConfig();
  const copy = tf.serialization.SerializationMap.getMap().classNameMap.McDropout[1](McDropout, config) as McDropout;
  t.is(copy.rate, 0.1);
  t.is(copy.samplingMode, 'sample');
  t.throws(() => mcDropout({ rate: 1 }), { instanceOf: InvalidArgumentError, message: /rate/ });
  t.throws(() => mcDropout({ rate: 0.5, samplingMode: 'always' as 'mean' }), { instanceOf: InvalidArgumentError, message: /samplingMode/ });
});

test('mcDropoutWeightDecay: λ = (1 − p)·l²/(2N) (Gal & Ghahramani 2016); bad arguments are typed errors naming the argument', (t) => {
  t.is(mcDropoutWeightDecay({ rate: 0.05, lengthScale: GAL_LENGTH_SCALE, datasetSize: 398 }), (0.95 * 1e-4) / 796);
  t.is(mcDropoutWeightDecay({ rate: 0.5, lengthScale: 2, datasetSize: 1 }), 1);
  t.throws(() => mcDropoutWeightDecay({ rate: 1, lengthScale: 1, datasetSize: 10 }), {
    instanceOf: InvalidArgumentError,
    message: /'rate'/,
  });
  t.throws(() => mcDropoutWeightDecay({ rate: 0.1, lengthScale: 0, datasetSize: 10 }), {
    instanceOf: InvalidArgumentError,
    message: /'lengthScale'/,
  });
  t.throws(() => mcDropoutWeightDecay({ rate: 0.1, lengthScale: 1, datasetSize: 2.5 }), {
    instanceOf: InvalidArgumentError,
    message: /'datasetSize'/,
  });
});
