// fit runs a tf.train.adam as MultiTensorAdam: the same run bit for bit, the caller's optimizer
// ends in the state it would have reached itself, and checkpoints move between the two.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { fit, type FitData } from '../../../inference/trainer/fit.js';
import { memoryCheckpointStore } from '../../../inference/trainer/checkpoint-store.js';
import { isTfjsAdam, optimizerInUse } from '../../../inference/trainer/optimizer-in-use.js';
import type { FitOptions } from '../../../inference/trainer/options.js';
import type { ElboInput } from '../../../inference/trainer/objective.js';
import { adam, MultiTensorAdam } from '../../../src/optimizers/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';
import { freshModel, lineData, perExampleElbo, tinyBnn, weightValues } from './fixtures.js';

type Options = Partial<FitOptions<ElboInput>>;

async function run(model: tf.LayersModel, data: FitData, optimizer: tf.Optimizer, options: Options) {
  return fit(model, data, {
    elbo: perExampleElbo(model),
    optimizer,
    epochs: 3,
    batchSize: 8,
    seed: 5,
    progress: 'silent',
    ...options,
  });
}

/** Every bit of the optimizer's state: iterations, moments and β powers. */
async function optimizerBits(optimizer: tf.Optimizer): Promise<number[][]> {
  const weights = await optimizer.getWeights();
  const o = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  const bits = [...weights.map((w) => w.tensor), o.accBeta1, o.accBeta2].map((t) =>
    Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer)),
  );
  weights[0].tensor.dispose();
  return bits;
}

const bitsOf = (model: tf.LayersModel) => weightValues(model).map((w) => Array.from(new Uint32Array(w.slice().buffer)));

const VARIANTS: Array<[string, Options]> = [
  ['plain', {}],
  ['clipping', { clip: { globalNorm: 0.5, value: 0.2 } }],
  ['gradient accumulation', { accumulateSteps: 2 }],
  ['lrScaling', { accumulateSteps: 2, lrScaling: { rule: 'linear', baseBatch: 8, warmupEpochs: 2 } }],
];

test('fit with tf.train.adam gives bit-identical weights, history and optimizer state with and without the multi-tensor stand-in', async (t) => {
  const { x, y } = lineData();
  for (const [label, options] of VARIANTS) {
    const results = [];
    for (const multiTensorAdam of [false, true]) {
      const model = freshModel();
      const optimizer = tf.train.adam(0.02);
      // A callback that changes the caller's learning rate mid-run must still take effect.
      const history = await run(model, { x, y }, optimizer, {
        ...options,
        multiTensorAdam,
        callbacks: {
          onEpochEnd: (record) => void ((optimizer as unknown as { learningRate: number }).learningRate = 0.02 / (record.epoch + 2)),
        },
      });
      // A second fit with the same optimizer continues from its state.
      const second = await run(model, { x, y }, optimizer, { ...options, multiTensorAdam, epochs: 1, seed: 9 });
      results.push({ history, second, weights: bitsOf(model), state: await optimizerBits(optimizer), iterations: optimizer.iterations });
      model.dispose();
      optimizer.dispose();
    }
    t.deepEqual(results[1].weights, results[0].weights, label);
    t.deepEqual(results[1].history, results[0].history, label);
    t.deepEqual(results[1].second, results[0].second, label);
    t.deepEqual(results[1].state, results[0].state, `${label}: the caller's optimizer holds the same state`);
    t.is(results[1].iterations, results[0].iterations);
  }
  tf.dispose([x, y]);
});

test("checkpoints written with tfjs's Adam (as before) resume exactly under the stand-in, and the other way round", async (t) => {
  const { x, y } = lineData();
  const straight = freshModel();
  const straightOptimizer = tf.train.adam(0.02);
  const expected = await run(straight, { x, y }, straightOptimizer, { epochs: 4, multiTensorAdam: false });
  for (const [writer, reader] of [
    [false, true],
    [true, false],
  ]) {
    const store = memoryCheckpointStore();
    const first = freshModel();
    const firstOptimizer = tf.train.adam(0.02);
    await run(first, { x, y }, firstOptimizer, { epochs: 2, multiTensorAdam: writer, checkpoint: { dir: 'run', store } });
    const saved = await store.read('run');
    t.is(saved?.optimizer.className, 'Adam');
    const resumed = tinyBnn(8);
    const resumedOptimizer = tf.train.adam(0.02);
    const history = await run(resumed, { x, y }, resumedOptimizer, {
      epochs: 4,
      multiTensorAdam: reader,
      checkpoint: { dir: 'run', store, resume: true },
      seed: undefined,
    });
    t.deepEqual(
      bitsOf(resumed),
      bitsOf(straight),
      `written ${writer ? 'multi-tensor' : 'tfjs'}, resumed ${reader ? 'multi-tensor' : 'tfjs'}`,
    );
    t.deepEqual(history, expected);
    t.deepEqual(await optimizerBits(resumedOptimizer), await optimizerBits(straightOptimizer));
    [first, resumed].forEach((m) => m.dispose());
    [firstOptimizer, resumedOptimizer].forEach((o) => o.dispose());
  }
  straight.dispose();
  straightOptimizer.dispose();
  tf.dispose([x, y]);
});

test('fit with optimizers.adam equals fit with tf.train.adam; only an exact tf.AdamOptimizer gets the stand-in', async (t) => {
  const { x, y } = lineData();
  const runs = [];
  for (const optimizer of [adam(0.02), tf.train.adam(0.02)]) {
    const model = freshModel();
    runs.push({ history: await run(model, { x, y }, optimizer, {}), weights: bitsOf(model) });
    model.dispose();
    optimizer.dispose();
  }
  t.deepEqual(runs[0], runs[1]);
  class MyAdam extends tf.AdamOptimizer {}
  const sgd = tf.train.sgd(0.1);
  const mine = new MyAdam(0.1, 0.9, 0.999);
  t.true(isTfjsAdam(tf.train.adam(0.1)));
  t.false(isTfjsAdam(mine));
  for (const optimizer of [sgd, mine, adam(0.1)]) {
    const inUse = await optimizerInUse(optimizer, true);
    t.is(inUse.optimizer, optimizer);
    await inUse.handBack();
  }
  const unusual = tf.train.adam(0.1, 1); // β₁ = 1: tfjs accepts it, MultiTensorAdam does not, so fit runs it as given
  t.is((await optimizerInUse(unusual, true)).optimizer, unusual);
  unusual.dispose();
  const off = tf.train.adam(0.1);
  t.is((await optimizerInUse(off, false)).optimizer, off);
  const on = await optimizerInUse(off, true);
  t.true(on.optimizer instanceof MultiTensorAdam);
  await on.handBack();
  [sgd, mine, off].forEach((o) => o.dispose());
  tf.dispose([x, y]);
});

test('fit through the stand-in leaks nothing, also when it throws', async (t) => {
  const { x, y } = lineData();
  const model = freshModel();
  const optimizer = tf.train.adam(0.02);
  await run(model, { x, y }, optimizer, { epochs: 1 });
  await expectNoLeak(t, () => run(model, { x, y }, optimizer, { epochs: 2 }), 'a run that continues');
  await expectNoLeak(
    t,
    async () => {
      await t.throwsAsync(
        run(model, { x, y }, optimizer, {
          epochs: 2,
          callbacks: {
            onBatchEnd: () => {
              throw new Error('stop here');
            },
          },
        }),
        { message: 'stop here' },
      );
    },
    'a run that throws',
  );
  t.is(optimizer.iterations, 3 + 2 * 3 + 1, 'the step before the throw is handed back too');
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
});

test('a non-boolean multiTensorAdam is rejected', async (t) => {
  const { x, y } = lineData();
  const model = freshModel();
  const optimizer = tf.train.adam(0.02);
  await t.throwsAsync(run(model, { x, y }, optimizer, { multiTensorAdam: 'yes' as unknown as boolean }), {
    instanceOf: InvalidArgumentError,
    message: /argument 'multiTensorAdam' was .*; expected true or false/,
  });
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
});
