import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { bayesianUNet, NearestUpsampling } from '../../layers/unet.js';
import { setSamplingMode, variationalLayers, collectKL, disposeKLBreakdown } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError } from '../../src/errors.js';
import { expectNoLeak, take } from '../helpers/leak.js';

const noise = new NoiseSource('unet');

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('2D U-Net maps [N, H, W, C] to logits [N, H, W, outputChannels] in sample mode inside withNoise', async (t) => {
  const model = bayesianUNet({ rank: 2, inputShape: [16, 16, 2], depth: 2, baseFilters: 4, outputChannels: 3 });
  await expectNoLeak(t, () => {
    const x = tf.randomNormal([2, 16, 16, 2]);
    const a = withNoise(noise, { step: 0, particle: 0 }, () => model.predict(x) as tf.Tensor);
    const replay = withNoise(noise, { step: 0, particle: 0 }, () => model.predict(x) as tf.Tensor);
    const other = withNoise(noise, { step: 0, particle: 1 }, () => model.predict(x) as tf.Tensor);
    t.deepEqual(a.shape, [2, 16, 16, 3]);
    t.is(maxAbsDifference(a, replay), 0, 'the same noise position replays the same logits');
    t.true(maxAbsDifference(a, other) > 1e-4, 'another particle samples other weights');
    tf.dispose([x, a, replay, other]);
  });
  model.dispose();
});

test('encoder, bottleneck, decoder and head are variational: 2·depth + 2 + 3·depth + 1 layers', (t) => {
  const transpose = bayesianUNet({ rank: 2, inputShape: [8, 8, 1], depth: 2, baseFilters: 2 });
  t.is(variationalLayers(transpose).length, 2 * 2 + 2 + 3 * 2 + 1);
  const names = transpose.layers.map((l) => l.name);
  t.true(names.includes('bayesian_unet_skip0') && names.includes('bayesian_unet_logits'));
  transpose.dispose();
});

test('3D U-Net (upsample) maps [N, D, H, W, C] to [N, D, H, W, 1]; sample mode needs withNoise; mean mode is deterministic', async (t) => {
  const model = bayesianUNet({
    rank: 3,
    inputShape: [8, 8, 8, 1],
    depth: 2,
    baseFilters: 2,
    upsampling: 'upsample',
    estimator: 'flipout',
    name: 'u3',
  });
  await expectNoLeak(t, () => {
    const x = tf.randomNormal([1, 8, 8, 8, 1]);
    const y = withNoise(noise, { step: 2 }, () => model.predict(x) as tf.Tensor);
    t.deepEqual(y.shape, [1, 8, 8, 8, 1]);
    t.true(take(tf.tidy(() => tf.sum(tf.cast(tf.isFinite(y), 'float32')))).every((v) => v === 512));
    t.throws(() => model.predict(x), { instanceOf: NoiseSourceError });
    setSamplingMode(model, 'mean');
    const m1 = model.predict(x) as tf.Tensor;
    const m2 = model.predict(x) as tf.Tensor;
    t.is(maxAbsDifference(m1, m2), 0);
    setSamplingMode(model, 'sample');
    tf.dispose([x, y, m1, m2]);
  });
  model.dispose();
});

test('3D U-Net with transposed-conv upsampling has the input spatial size', async (t) => {
  const model = bayesianUNet({ rank: 3, inputShape: [4, 8, 8, 1], depth: 1, baseFilters: 2 });
  await expectNoLeak(t, () => {
    const x = tf.randomNormal([1, 4, 8, 8, 1]);
    const y = withNoise(noise, { step: 0 }, () => model.predict(x) as tf.Tensor);
    t.deepEqual(y.shape, [1, 4, 8, 8, 1]);
    tf.dispose([x, y]);
  });
  model.dispose();
});

test('the U-Net trains: gradients reach every variational weight and the KL is positive', async (t) => {
  const model = bayesianUNet({ rank: 2, inputShape: [8, 8, 1], depth: 1, baseFilters: 2, upsampling: 'upsample' });
  await expectNoLeak(t, () => {
    const x = tf.randomNormal([1, 8, 8, 1]);
    const { value, grads } = tf.variableGrads(() =>
      withNoise(noise, { step: 0 }, () => {
        const kl = collectKL(model);
        const loss = tf.add(tf.mean(tf.square(model.apply(x) as tf.Tensor)), tf.mul(1e-3, kl.total)) as tf.Scalar;
        t.true(kl.total.dataSync()[0] > 0);
        disposeKLBreakdown(kl);
        return loss;
      }),
    );
    const names = Object.keys(grads);
    t.true(names.length >= 2 * variationalLayers(model).length, `${names.length} gradients`);
    t.true(Object.values(grads).every((g) => Number.isFinite(g.dataSync()[0])));
    tf.dispose([x, value, ...Object.values(grads)]);
  });
  model.dispose();
});

test('NearestUpsampling repeats every voxel 2× along each spatial axis', (t) => {
  const layer = new NearestUpsampling({ rank: 2 });
  const y = layer.apply(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])) as tf.Tensor;
  t.deepEqual(y.shape, [1, 4, 4, 1]);
  t.deepEqual(take(y), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  t.deepEqual(new NearestUpsampling({ rank: 3 }).computeOutputShape([null, 2, 3, 4, 5]), [null, 4, 6, 8, 5]);
});

test('bayesianUNet rejects bad arguments with typed errors', (t) => {
  t.throws(() => bayesianUNet({ rank: 2, inputShape: [12, 12, 1], depth: 3 }), {
    instanceOf: InvalidArgumentError,
    message: /bayesianUNet: argument 'inputShape' was \[12, 12, 1\]; expected .*multiples of 2\^depth = 8/,
  });
  t.throws(() => bayesianUNet({ rank: 3, inputShape: [8, 8, 1] }), { instanceOf: InvalidArgumentError, message: /inputShape/ });
  t.throws(() => bayesianUNet({ rank: 2, inputShape: [8, 8, 1], upsampling: 'bilinear' as 'upsample' }), {
    instanceOf: InvalidArgumentError,
    message: /'transpose', 'upsample'/,
  });
  t.throws(() => bayesianUNet({ rank: 2, inputShape: [8, 8, 1], estimator: 'mc' as 'local' }), {
    instanceOf: InvalidArgumentError,
    message: /estimator/,
  });
  t.throws(() => bayesianUNet({ rank: 4 as 3, inputShape: [8, 8, 1] }), { instanceOf: InvalidArgumentError, message: /rank/ });
});

test('posteriorInit reaches every variational layer: a seed replays the initial weights, rawScaleInit sets every rawScale', (t) => {
  const build = (seed: number) =>
    bayesianUNet({ rank: 2, inputShape: [8, 8, 1], depth: 1, baseFilters: 2, posteriorInit: { seed, rawScaleInit: -5 } });
  const [a, b, c] = [build(3), build(3), build(4)];
  const values = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
  const [wa, wb, wc] = [values(a), values(b), values(c)];
  t.deepEqual(wa, wb, 'same seed, same initial weights');
  t.notDeepEqual(wa, wc, 'another seed, other weights');
  const rawScales = a.weights.filter((w) => w.name.includes('raw_scale'));
  t.is(rawScales.length, 2 * variationalLayers(a).length, 'kernel and bias rawScale of every layer');
  for (const w of rawScales)
    t.true(
      Array.from(w.read().dataSync()).every((v) => v === -5),
      w.name,
    );
  [a, b, c].forEach((m) => m.dispose());
});
