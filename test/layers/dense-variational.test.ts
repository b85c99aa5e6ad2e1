import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  denseVariational,
  priors,
  isVariationalLayer,
  type VariationalLayer,
  variationalLayers,
  setSamplingMode,
  conv2dVariational,
  type PriorSpec,
} from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError, ShapeError } from '../../src/errors.js';
import { expectNoLeak } from '../helpers/leak.js';
import { fixedTensor } from './fixtures.js';

test('bad arguments are typed errors naming the function, the argument, the value and what was expected', (t) => {
  t.throws(() => denseVariational({ units: 0 }), {
    instanceOf: InvalidArgumentError,
    message: "denseVariational: argument 'units' was 0; expected an integer ≥ 1.",
  });
  t.throws(() => denseVariational({ units: 2.5 }), { instanceOf: InvalidArgumentError, message: /'units' was 2.5/ });
  t.throws(() => priors.normal({ scale: -1 }), {
    instanceOf: InvalidArgumentError,
    message: "priors.normal: argument 'scale' was -1; expected a finite number > 0.",
  });
  t.throws(() => priors.scaleMixture({ pi: 1.5, scale1: 1, scale2: 0.1 }), {
    instanceOf: InvalidArgumentError,
    message: /priors.scaleMixture: argument 'pi' was 1.5/,
  });
  t.throws(() => denseVariational({ units: 2, prior: { kind: 'laplace', loc: 0, scale: 1 } as unknown as PriorSpec }), {
    instanceOf: InvalidArgumentError,
    message: /denseVariational: argument 'prior' was .*laplace.*; expected a prior spec from priors.normal/,
  });
  t.throws(() => denseVariational({ units: 2, prior: { kind: 'normal', loc: 0, scale: -2 } }), {
    instanceOf: InvalidArgumentError,
    message: /argument 'prior.scale' was -2/,
  });
  t.throws(() => denseVariational({ units: 2, estimator: 'bbb' as 'local' }), {
    instanceOf: InvalidArgumentError,
    message: /'estimator' was "bbb"; expected one of 'reparameterization', 'flipout', 'local'/,
  });
  t.throws(() => denseVariational({ units: 2, activation: 'leaky' as 'relu' }), {
    instanceOf: InvalidArgumentError,
    message: /'activation' was "leaky"/,
  });
  t.throws(() => denseVariational({ units: 2, posteriorInit: { rawScaleInit: Number.NaN } }), {
    instanceOf: InvalidArgumentError,
    message: /posteriorInit.rawScaleInit/,
  });
  t.throws(() => denseVariational({ units: 2, posteriorInit: { locInitializer: 'xavier' as 'zeros' } }), {
    instanceOf: InvalidArgumentError,
    message: /posteriorInit.locInitializer/,
  });
});

test('a mismatched input rank or width is a ShapeError', (t) => {
  const layer = denseVariational({ units: 2 });
  t.throws(() => layer.apply(tf.input({ shape: [] })), {
    instanceOf: ShapeError,
    message: /DenseVariational.build: 'input' has shape \[-1\]; expected rank ≥ 2/,
  });
  layer.apply(tf.input({ shape: [3] }));
  t.throws(
    () =>
      tf.tidy(() => {
        layer.samplingMode = 'mean';
        layer.apply(tf.zeros([2, 4]));
      }),
    { instanceOf: ShapeError, message: /DenseVariational.call: 'input' has shape \[2, 4\]; expected a last axis of 3/ },
  );
  layer.dispose();
});

test("in 'sample' mode a call outside withNoise is a NoiseSourceError; 'mean' mode needs no noise and is deterministic", (t) => {
  const model = tf.sequential({ layers: [denseVariational({ units: 2, inputShape: [3] })] });
  const x = fixedTensor([2, 3], 41);
  t.throws(() => model.predict(x), {
    instanceOf: NoiseSourceError,
    message: /DenseVariational.call: a stochastic forward pass ran without a noise source/,
  });
  t.is(setSamplingMode(model, 'mean'), 1);
  const a = model.predict(x) as tf.Tensor;
  const b = model.predict(x) as tf.Tensor;
  t.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  t.throws(() => setSamplingMode(model, 'median' as 'mean'), {
    instanceOf: InvalidArgumentError,
    message: /setSamplingMode: argument 'samplingMode' was "median"/,
  });
  tf.dispose([a, b, x]);
  model.dispose();
});

test('dense acts on the last axis of rank-3 inputs like tf.layers.dense (mean mode, same weights)', (t) => {
  const layer = denseVariational({ units: 2, samplingMode: 'mean' });
  const reference = tf.layers.dense({ units: 2 });
  tf.tidy(() => {
    const x = fixedTensor([2, 3, 4], 42);
    const output = layer.apply(x) as tf.Tensor;
    reference.apply(x);
    reference.setWeights([layer.variationalParameters[0].loc, layer.variationalParameters[1].loc]);
    const expected = reference.apply(x) as tf.Tensor;
    t.deepEqual(output.shape, [2, 3, 2]);
    t.true(tf.max(tf.abs(tf.sub(output, expected))).dataSync()[0] < 1e-6);
  });
  layer.dispose();
  reference.dispose();
});

test('no tensor leaks across 100 build/forward/KL/gradient/dispose cycles (all estimators, scale-mixture prior)', async (t) => {
  const x = fixedTensor([2, 3], 43);
  const noise = new NoiseSource(3);
  const estimators = ['reparameterization', 'flipout', 'local'] as const;
  await expectNoLeak(t, () => {
    for (let step = 0; step < 100; step++) {
      const model = tf.sequential({
        layers: [
          denseVariational({
            units: 3,
            inputShape: [3],
            estimator: estimators[step % 3],
            prior: priors.scaleMixture({ pi: 0.5, scale1: 1, scale2: 0.01 }),
          }),
          denseVariational({ units: 1, bayesianBias: step % 2 === 0 }),
        ],
      });
      const { value, grads } = tf.variableGrads(() =>
        withNoise(noise, { step }, () =>
          tf.tidy(() => {
            const output = model.apply(x) as tf.Tensor;
            const kl = tf.addN(variationalLayers(model).map((layer) => layer.kl()));
            return tf.add(tf.sum(output), kl) as tf.Scalar;
          }),
        ),
      );
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    }
  });
  x.dispose();
});

test('isVariationalLayer is an instanceof guard; variationalLayers walks nested models in order', (t) => {
  const inner = tf.sequential({
    layers: [denseVariational({ units: 2, inputShape: [2], name: 'inner_a' }), tf.layers.dense({ units: 2 })],
  });
  const input = tf.input({ shape: [4, 4, 1] });
  const conv = conv2dVariational({ filters: 2, kernelSize: 1, name: 'outer_conv' }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  const output = denseVariational({ units: 1, name: 'outer_dense' }).apply(inner.apply(pooled) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  t.deepEqual(
    variationalLayers(model).map((layer) => layer.name),
    ['outer_conv', 'inner_a', 'outer_dense'],
  );
  t.true(isVariationalLayer(model.getLayer('outer_dense')));
  t.false(isVariationalLayer(inner.layers[1]));
  t.false(isVariationalLayer({ kl: () => tf.scalar(0) }));
  model.dispose();
});

test('posteriorInit.seed makes initial weights replayable per layer name, and layers of equal shape start apart', (t) => {
  const build = (seed: number) =>
    tf.sequential({
      layers: [
        denseVariational({ units: 4, inputShape: [4], name: 'first', posteriorInit: { seed } }),
        denseVariational({ units: 4, name: 'second', posteriorInit: { seed } }),
      ],
    });
  const kernels = (model: tf.Sequential) =>
    model.layers.map((layer) => Array.from((layer as VariationalLayer).variationalParameters[0].loc.dataSync()));
  const a = build(3);
  const b = build(3);
  const c = build(4);
  t.deepEqual(kernels(a), kernels(b));
  t.notDeepEqual(kernels(a)[0], kernels(a)[1]);
  t.notDeepEqual(kernels(a)[0], kernels(c)[0]);
  for (const model of [a, b, c]) model.dispose();
});
