import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { fit } from '../../../inference/trainer/fit.js';
import { NonFiniteTrainingError } from '../../../inference/trainer/non-finite-training.js';
import { predictive } from '../../../inference/predictive/index.js';
import { DtypeError, NonFiniteError } from '../../../src/errors.js';
import { MODEL_INPUT_DTYPE_EXPECTATION } from '../../../src/validate.js';
import { expectNoLeak } from '../../helpers/leak.js';
import { perExampleElbo, tinyBnn } from './fixtures.js';

const silent = { progress: 'silent' as const };

for (const dtype of ['int32', 'bool'] as const) {
  test(`fit and predictive reject ${dtype} inputs with the same DtypeError`, async (t) => {
    const model = tinyBnn();
    const optimizer = tf.train.sgd(0.01);
    const x = tf.zeros([8, 1], dtype);
    const y = tf.zeros([8, 1]);
    const expected = `has dtype ${dtype}; expected ${MODEL_INPUT_DTYPE_EXPECTATION}.`;
    const fromFit = await t.throwsAsync(fit(model, { x, y }, { elbo: perExampleElbo(model), optimizer, epochs: 1, ...silent }), {
      instanceOf: DtypeError,
    });
    t.is(fromFit!.message, `fit: 'data.x' ${expected}`);
    const fromPredictive = t.throws(() => predictive(model, x, { samples: 2 }), { instanceOf: DtypeError });
    t.is(fromPredictive!.message, `predictive: 'x' ${expected}`);
    const validation = await t.throwsAsync(
      fit(model, { x: tf.zeros([8, 1]), y }, { elbo: perExampleElbo(model), optimizer, epochs: 1, validationData: { x, y }, ...silent }),
      { instanceOf: DtypeError },
    );
    t.regex(validation!.message, /fit: 'validationData.x' has dtype/);
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  });
}

test('fit rejects a dataset whose xs are int32, disposing the batch', async (t) => {
  const model = tinyBnn();
  const optimizer = tf.train.sgd(0.01);
  await expectNoLeak(t, async () => {
    const dataset = tf.data.generator(function* () {
      yield { xs: tf.zeros([4, 1], 'int32'), ys: tf.zeros([4, 1]) };
    });
    await t.throwsAsync(
      fit(model, dataset, { elbo: perExampleElbo(model), optimizer, epochs: 1, datasetSize: 4, batchesPerEpoch: 1, ...silent }),
      { instanceOf: DtypeError, message: /fit: 'data \(batch 0\).xs' has dtype int32/ },
    );
  });
  model.dispose();
  optimizer.dispose();
});

test('the NonFiniteError fit throws carries the partial history, steps applied before the failure included', async (t) => {
  const model = tinyBnn();
  const optimizer = tf.train.sgd(0.01);
  // Epoch 0 trains on finite data; from epoch 1 a callback poisons the weights, so every step is non-finite.
  const x = tf.linspace(-1, 1, 8).reshape([8, 1]);
  const y = tf.zeros([8, 1]);
  const poison = {
    onEpochBegin(epoch: number) {
      if (epoch !== 1) return;
      const nan = tf.fill(model.weights[0].shape as number[], NaN);
      model.weights[0].write(nan);
      nan.dispose();
    },
  };
  const error = await t.throwsAsync(
    fit(
      model,
      { x, y },
      { elbo: perExampleElbo(model), optimizer, epochs: 3, batchSize: 4, maxConsecutiveNonFinite: 2, callbacks: poison, ...silent },
    ),
    { instanceOf: NonFiniteError },
  );
  t.true(error instanceof NonFiniteTrainingError);
  const history = (error as NonFiniteTrainingError).history;
  t.is(history.stopReason, 'nonFinite');
  t.deepEqual(
    history.steps.map((s) => s.step),
    [0, 1],
  );
  t.is(history.epochs.length, 1);
  t.deepEqual(
    history.skippedSteps.map((s) => s.step),
    [2, 3],
  );
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
});
