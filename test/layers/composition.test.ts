import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { conv2dVariational, conv2dTransposeVariational, denseVariational, collectKL, disposeKLBreakdown } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { expectNoLeak } from '../helpers/leak.js';
import { fixedTensor } from './fixtures.js';

function trainStepMovesEveryTrainableWeight(t: import('ava').ExecutionContext, model: tf.LayersModel, x: tf.Tensor): void {
  const noise = new NoiseSource(17);
  const { value, grads } = tf.variableGrads(() =>
    withNoise(noise, { step: 0 }, () =>
      tf.tidy(() => {
        const output = model.apply(x, { training: true }) as tf.Tensor;
        const breakdown = collectKL(model);
        const loss = tf.add(tf.mean(tf.square(output)), tf.mul(1e-3, breakdown.total)) as tf.Scalar;
        disposeKLBreakdown(breakdown);
        return loss;
      }),
    ),
  );
  t.true(Number.isFinite(value.dataSync()[0]));
  const before = model.trainableWeights.map((weight) => Array.from(weight.read().dataSync()));
  for (const weight of model.trainableWeights) {
    const grad = grads[(weight.read() as tf.Variable).name];
    t.truthy(grad, `gradient for ${weight.name}`);
    t.true(Array.from(grad.dataSync()).every(Number.isFinite), `finite gradient for ${weight.name}`);
  }
  // Take the step: plain SGD moves every weight whose gradient is non-zero somewhere.
  const optimizer = tf.train.sgd(0.1);
  optimizer.applyGradients(grads);
  optimizer.dispose();
  model.trainableWeights.forEach((weight, i) => {
    const after = Array.from(weight.read().dataSync());
    t.true(
      after.some((v, k) => v !== before[i][k]),
      `the step moved ${weight.name}`,
    );
  });
  tf.dispose([value, ...Object.values(grads)]);
}

test('variational layers compose with tf.sequential and batchNormalization, maxPooling2d, dropout, upSampling2d, flatten; gradients reach every weight', async (t) => {
  const model = tf.sequential({
    layers: [
      conv2dVariational({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1], estimator: 'flipout' }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.upSampling2d({ size: [2, 2] }),
      conv2dVariational({ filters: 2, kernelSize: 3, padding: 'same', estimator: 'local' }),
      tf.layers.flatten(),
      denseVariational({ units: 2 }),
    ],
  });
  t.deepEqual(model.outputShape, [null, 2]);
  const x = fixedTensor([2, 8, 8, 1], 51);
  await expectNoLeak(t, () => trainStepMovesEveryTrainableWeight(t, model, x));
  x.dispose();
  model.dispose();
});

test('variational layers compose with the functional tf.model API with a skip connection (concatenate) and a transposed conv', async (t) => {
  const input = tf.input({ shape: [8, 8, 1] });
  const encoded = conv2dVariational({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const down = tf.layers.maxPooling2d({ poolSize: 2 }).apply(encoded) as tf.SymbolicTensor;
  const up = conv2dTransposeVariational({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', activation: 'relu' }).apply(
    down,
  ) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate().apply([encoded, up]) as tf.SymbolicTensor;
  const logits = conv2dVariational({ filters: 1, kernelSize: 1 }).apply(merged) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits });
  t.deepEqual(model.outputShape, [null, 8, 8, 1]);
  const x = fixedTensor([2, 8, 8, 1], 52);
  await expectNoLeak(t, () => trainStepMovesEveryTrainableWeight(t, model, x));
  x.dispose();
  model.dispose();
});
