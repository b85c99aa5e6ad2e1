import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  conv1dVariational,
  conv2dVariational,
  conv3dVariational,
  conv2dTransposeVariational,
  conv3dTransposeVariational,
  ESTIMATORS,
  type VariationalLayer,
} from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { expectNoLeak } from '../helpers/leak.js';
import { fixedTensor } from './fixtures.js';

interface Case {
  title: string;
  input: number[];
  variational: () => VariationalLayer;
  deterministic: () => tf.layers.Layer;
  op: (x: tf.Tensor, kernel: tf.Tensor) => tf.Tensor;
}

const cases: Case[] = [
  {
    title: 'conv1d (valid, stride 2)',
    input: [2, 9, 3],
    variational: () => conv1dVariational({ filters: 4, kernelSize: 3, strides: 2 }),
    deterministic: () => tf.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2 }),
    op: (x, k) => tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, 2, 'valid'),
  },
  {
    title: 'conv2d (same, dilation 2)',
    input: [2, 7, 6, 2],
    variational: () => conv2dVariational({ filters: 3, kernelSize: [3, 2], padding: 'same', dilationRate: 2 }),
    deterministic: () => tf.layers.conv2d({ filters: 3, kernelSize: [3, 2], padding: 'same', dilationRate: 2 }),
    op: (x, k) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'same', 'NHWC', 2),
  },
  {
    title: 'conv3d (valid, stride 2)',
    input: [1, 5, 6, 5, 2],
    variational: () => conv3dVariational({ filters: 2, kernelSize: 2, strides: 2 }),
    deterministic: () => tf.layers.conv3d({ filters: 2, kernelSize: 2, strides: 2 }),
    op: (x, k) => tf.conv3d(x as tf.Tensor5D, k as tf.Tensor5D, 2, 'valid'),
  },
  {
    title: 'conv2dTranspose (same, stride 2)',
    input: [2, 3, 4, 3],
    variational: () => conv2dTransposeVariational({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
    deterministic: () => tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
    op: (x, k) => tf.conv2dTranspose(x as tf.Tensor4D, k as tf.Tensor4D, [2, 6, 8, 2], 2, 'same'),
  },
  {
    title: 'conv2dTranspose (valid, stride 2, kernel 3)',
    input: [1, 3, 3, 2],
    variational: () => conv2dTransposeVariational({ filters: 2, kernelSize: 3, strides: 2 }),
    deterministic: () => tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 }),
    op: (x, k) => tf.conv2dTranspose(x as tf.Tensor4D, k as tf.Tensor4D, [1, 7, 7, 2], 2, 'valid'),
  },
  {
    title: 'conv3dTranspose (same, stride 2)',
    input: [1, 2, 3, 2, 2],
    variational: () => conv3dTransposeVariational({ filters: 1, kernelSize: 2, strides: 2, padding: 'same' }),
    deterministic: () => tf.layers.conv3dTranspose({ filters: 1, kernelSize: 2, strides: 2, padding: 'same' }),
    op: (x, k) => tf.conv3dTranspose(x as tf.Tensor5D, k as tf.Tensor5D, [1, 4, 6, 4, 1], 2, 'same'),
  },
];

for (const c of cases) {
  test(`${c.title}: same output shape as tf.layers (symbolic and concrete) and, in mean mode, the values of the op with kernel = loc (+ bias)`, (t) => {
    const layer = c.variational();
    const reference = c.deterministic();
    const symbolic = tf.input({ shape: c.input.slice(1) });
    t.deepEqual((layer.apply(symbolic) as tf.SymbolicTensor).shape, (reference.apply(symbolic) as tf.SymbolicTensor).shape);
    tf.tidy(() => {
      const x = fixedTensor(c.input, 31);
      tf.tidy(() => {
        layer.variationalWeights('bias').loc.write(fixedTensor(layer.variationalWeights('bias').loc.shape as number[], 32));
      });
      layer.samplingMode = 'mean';
      const output = layer.apply(x) as tf.Tensor;
      t.deepEqual(output.shape, (reference.apply(x) as tf.Tensor).shape);
      const expected = tf.add(c.op(x, layer.variationalParameters[0].loc), layer.variationalParameters[1].loc);
      t.true(tf.max(tf.abs(tf.sub(output, expected))).dataSync()[0] < 1e-5);
    });
    layer.dispose();
    reference.dispose();
  });
}

for (const estimator of ESTIMATORS) {
  test(`conv2d ${estimator}: replays bit-identically at the same position, differs at another, and does not leak`, async (t) => {
    const layer = conv2dVariational({ filters: 2, kernelSize: 3, padding: 'same', estimator, name: `replay_${estimator}` });
    layer.apply(tf.input({ shape: [5, 5, 2] }));
    const x = fixedTensor([3, 5, 5, 2], 33);
    const noise = new NoiseSource(8);
    await expectNoLeak(t, () =>
      tf.tidy(() => {
        const a = withNoise(noise, { step: 2 }, () => layer.apply(x) as tf.Tensor).dataSync();
        const b = withNoise(noise, { step: 2 }, () => layer.apply(x) as tf.Tensor).dataSync();
        const c = withNoise(noise, { step: 3 }, () => layer.apply(x) as tf.Tensor).dataSync();
        t.deepEqual(Array.from(a), Array.from(b));
        t.notDeepEqual(Array.from(a), Array.from(c));
      }),
    );
    x.dispose();
    layer.dispose();
  });
}

test('conv errors: wrong input rank and channel count are ShapeErrors; bad filters, kernel size, padding and stride+dilation are InvalidArgumentErrors', (t) => {
  const layer = conv2dVariational({ filters: 2, kernelSize: 3 });
  const rankError = t.throws(() => layer.apply(tf.input({ shape: [5, 5] })), { instanceOf: ShapeError });
  t.regex(rankError!.message, /conv2dVariational|ConvVariational.build: 'input' has shape \[-1, 5, 5\]; expected rank 4/);
  layer.apply(tf.input({ shape: [5, 5, 3] }));
  t.throws(
    () =>
      tf.tidy(() => {
        layer.apply(tf.zeros([1, 5, 5, 2]));
      }),
    { instanceOf: ShapeError, message: /3 input channels/ },
  );
  t.throws(() => conv2dVariational({ filters: 0, kernelSize: 3 }), {
    instanceOf: InvalidArgumentError,
    message: /conv2dVariational: argument 'filters' was 0; expected an integer ≥ 1/,
  });
  t.throws(() => conv3dVariational({ filters: 1, kernelSize: [3, 3] }), {
    instanceOf: InvalidArgumentError,
    message: /'kernelSize' was \[3, 3\]; expected .* array of 3/,
  });
  t.throws(() => conv1dVariational({ filters: 1, kernelSize: 3, padding: 'causal' as 'same' }), {
    instanceOf: InvalidArgumentError,
    message: /'padding' was "causal"/,
  });
  t.throws(() => conv2dVariational({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 }), {
    instanceOf: InvalidArgumentError,
    message: /dilationRate/,
  });
  layer.dispose();
});

test('conv3dTransposeVariational trains: every loc and rawScale gets a finite, non-zero gradient in sample mode', (t) => {
  const layer = conv3dTransposeVariational({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', name: 'up3d' });
  layer.apply(tf.input({ shape: [2, 2, 2, 3] })); // builds the layer (and makes it disposable)
  const x = fixedTensor([1, 2, 2, 2, 3]);
  const variables = layer.variationalParameters.flatMap((p) => [p.loc, p.rawScale]);
  const { value, grads } = tf.variableGrads(
    () => withNoise(new NoiseSource(4), { step: 0 }, () => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar),
    variables,
  );
  for (const variable of variables) {
    const norm = tf.tidy(() => tf.norm(grads[variable.name]).dataSync()[0]);
    t.true(Number.isFinite(norm) && norm > 0, `${variable.name}: ‖grad‖ = ${norm}`);
  }
  tf.dispose([value, ...Object.values(grads), x]);
  layer.dispose();
});
