import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conv2dVariational, denseVariational, priors, variationalLayers, ESTIMATORS, type VariationalLayer } from '../../layers/index.js';
import { saveModel, loadModel } from '../../layers/io.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { FormatError } from '../../src/errors.js';
import { fixedTensor, fixedValues, setParameter } from './fixtures.js';

test('save → load round-trips weights, priors, estimators and init settings; outputs at the same noise position are bit-identical', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-io-'));
  const model = tf.sequential({
    layers: [
      conv2dVariational({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [5, 5, 1], estimator: 'flipout', activation: 'relu', posteriorInit: { rawScaleInit: -4 } }),
      tf.layers.flatten(),
      denseVariational({ units: 3, estimator: 'local', prior: priors.normal({ loc: 0.1, scale: 0.5 }), bayesianBias: false }),
      denseVariational({ units: 2, prior: priors.scaleMixture({ pi: 0.25, scale1: Math.exp(-1), scale2: Math.exp(-7) }), posteriorInit: { locInitializer: 'heNormal' } }),
    ],
  });
  const last = model.layers[3] as VariationalLayer;
  setParameter(last, 'kernel', fixedValues(6, 61), fixedValues(6, 62).map((v) => v - 3));
  await saveModel(model, dir);
  t.deepEqual((await readdir(dir)).sort(), ['model.json', 'weights.bin'], 'no temporary files remain');
  const loaded = await loadModel(dir);
  const before = variationalLayers(model);
  const after = variationalLayers(loaded);
  t.deepEqual(after.map((l) => [l.name, l.getClassName(), l.estimator, l.prior, l.biasPrior, l.bayesianBias, l.activation, l.posteriorInit.rawScaleInit, l.posteriorInit.locInitializer.getClassName()]),
    before.map((l) => [l.name, l.getClassName(), l.estimator, l.prior, l.biasPrior, l.bayesianBias, l.activation, l.posteriorInit.rawScaleInit, l.posteriorInit.locInitializer.getClassName()]));
  const x = fixedTensor([2, 5, 5, 1], 63);
  const noise = new NoiseSource('io');
  const run = (m: tf.LayersModel) => tf.tidy(() => Array.from(withNoise(noise, { step: 9, particle: 1 }, () => m.predict(x) as tf.Tensor).dataSync()));
  t.deepEqual(run(loaded), run(model));
  const kl = (m: tf.LayersModel) => variationalLayers(m).map((l) => withNoise(noise, { step: 9 }, () => tf.tidy(() => l.kl().dataSync()[0])));
  t.deepEqual(kl(loaded), kl(model));
  tf.dispose(x);
  model.dispose();
  loaded.dispose();
  await rm(dir, { recursive: true });
});

for (const estimator of ESTIMATORS) {
  test(`${estimator}: a reloaded dense model replays the same output bit for bit`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-io-'));
    const model = tf.sequential({ layers: [denseVariational({ units: 4, inputShape: [3], estimator, activation: 'tanh' }), denseVariational({ units: 1, estimator })] });
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = fixedTensor([5, 3], 64);
    const noise = new NoiseSource(1);
    const run = (m: tf.LayersModel) => tf.tidy(() => Array.from(withNoise(noise, { step: 0 }, () => m.predict(x) as tf.Tensor).dataSync()));
    t.deepEqual(run(loaded), run(model));
    x.dispose();
    model.dispose();
    loaded.dispose();
    await rm(dir, { recursive: true });
  });
}

test('loading from a directory without a model is a FormatError naming the path', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-io-'));
  await t.throwsAsync(loadModel(dir), { instanceOf: FormatError, message: new RegExp(`loadModel: cannot read a model from '${dir}'`) });
  await rm(dir, { recursive: true });
});
