import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { fit } from '../../../inference/trainer/index.js';
import { GradientRecorder } from '../../../inference/inspector/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { fixedWeights, perExampleElbo, tinyBnn } from '../trainer/fixtures.js';

function toyData(): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.reshape(tf.linspace(0, 0.5, 24), [24, 1]);
    return { x, y: tf.sin(tf.mul(x, 6)) };
  });
}

async function trainedWeights(recorder: GradientRecorder | null): Promise<number[]> {
  const model = tinyBnn(6);
  model.setWeights(fixedWeights(model));
  const data = toyData();
  const optimizer = tf.train.adam(0.02);
  await fit(model, data, {
    elbo: perExampleElbo(model),
    optimizer,
    epochs: 2,
    batchSize: 8,
    seed: 5,
    progress: 'silent',
    ...(recorder === null ? {} : { inspect: { every: 2, recorder } }),
  });
  const values = model.weights.flatMap((w) => Array.from(w.read().dataSync()));
  tf.dispose([data.x, data.y]);
  optimizer.dispose();
  model.dispose();
  return values;
}

test('fit with inspect: {every: 2} records every second step and ends with the same weights as without', async (t) => {
  const recorder = new GradientRecorder();
  const inspected = await trainedWeights(recorder);
  const plain = await trainedWeights(null);
  t.deepEqual(inspected, plain);
  t.is(recorder.count, 3, '6 steps, inspected at steps 0, 2, 4');
  t.deepEqual(
    recorder.trace.map((i) => i.step),
    [0, 2, 4],
  );
  t.deepEqual(
    recorder.summary().map((s) => s.layer),
    ['hidden', 'out'],
  );
  recorder.dispose();
});

test('fit rejects a malformed inspect option naming it', async (t) => {
  const model = tinyBnn(2);
  const data = toyData();
  const base = { elbo: perExampleElbo(model), optimizer: tf.train.sgd(0.1), epochs: 1, progress: 'silent' as const };
  await t.throwsAsync(fit(model, data, { ...base, inspect: { every: 2 } as never }), {
    instanceOf: InvalidArgumentError,
    message: /fit: argument 'inspect'/,
  });
  await t.throwsAsync(fit(model, data, { ...base, inspect: { every: 0, recorder: new GradientRecorder() } }), {
    message: /inspect\.every/,
  });
  tf.dispose([data.x, data.y]);
  model.dispose();
});
