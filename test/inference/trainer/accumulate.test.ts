/**
 * Gradient accumulation (`accumulateSteps`) and the linear learning-rate rule (`lrScaling`):
 * K micro-batches of B give the update of one batch of K·B, the KL weight sees the full N.
 *
 * What is compared: the tiny BNN uses the reparameterization estimator, which draws ONE weight
 * sample per layer and noise position; the K micro-batches of an update share the update's noise
 * position, so they see exactly the weight sample one batch of K·B sees at that step. With the
 * batch-mean likelihood and KL/N, the size-weighted mean of the micro-batch gradients is then the
 * big batch's gradient; only float32 summation order differs (hence 1e-5, not bit equality).
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Elbo } from '../../../inference/elbo/index.js';
import { gaussian } from '../../../inference/likelihoods/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';
import { fit } from '../../../inference/trainer/fit.js';
import { scaledLearningRate } from '../../../inference/trainer/lr-scaling.js';
import type { FitOptions } from '../../../inference/trainer/options.js';
import type { ElboInput } from '../../../inference/trainer/objective.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';
import { fixedWeights, perExampleElbo, tinyBnn } from './fixtures.js';

const N = 24;

function lineData(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.linspace(-1, 1, N).reshape([N, 1]) as tf.Tensor2D;
    return { x, y: tf.add(tf.sub(tf.mul(2, x), 1), tf.mul(0.3, tf.sin(tf.mul(7, x)))) as tf.Tensor2D };
  });
}

function freshModel(): tf.Sequential {
  const model = tinyBnn(8);
  const weights = fixedWeights(model);
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

interface Trained {
  weights: Float32Array[];
  losses: number[];
  klWeights: number[];
  batchSizes: number[];
}

async function train(options: Partial<FitOptions<ElboInput>> & { lr?: number }, elbo?: (m: tf.LayersModel) => Elbo): Promise<Trained> {
  const model = freshModel();
  const data = lineData();
  const optimizer = tf.train.sgd(options.lr ?? 0.002);
  try {
    const { lr: _lr, ...rest } = options;
    const history = await fit(model, data, {
      elbo: (elbo ?? perExampleElbo)(model),
      optimizer,
      epochs: 2,
      batchSize: 4,
      seed: 5,
      progress: 'silent',
      ...rest,
    });
    return {
      weights: model.weights.map((w) => w.read().dataSync() as Float32Array),
      losses: history.steps.map((s) => s.loss),
      klWeights: history.steps.map((s) => s.klWeight),
      batchSizes: history.steps.map((s) => s.batchSize),
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([data.x, data.y]);
  }
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((values, i) => values.forEach((v, k) => (max = Math.max(max, Math.abs(v - b[i][k])))));
  return max;
}

test('K = 3 micro-batches of 4 give the same updates as one batch of 12, to 1e-5 (weights and recorded loss)', async (t) => {
  const accumulated = await train({ batchSize: 4, accumulateSteps: 3 });
  const big = await train({ batchSize: 12 });
  const small = await train({ batchSize: 4 });
  t.deepEqual(accumulated.batchSizes, [12, 12, 12, 12], '2 updates per epoch of 12 examples each');
  t.true(maxDifference(accumulated.weights, big.weights) < 1e-5, `max |Δw| ${maxDifference(accumulated.weights, big.weights)}`);
  accumulated.losses.forEach((loss, i) => t.true(Math.abs(loss - big.losses[i]) < 1e-5 * Math.max(1, Math.abs(loss))));
  t.true(maxDifference(small.weights, big.weights) > 1e-3, 'batches of 4 without accumulation train differently (the comparison can fail)');
});

test('uneven micro-batches (5, 5 | 5, 5 | 4) are weighted by size and match batches of 10, 10, 4', async (t) => {
  const accumulated = await train({ batchSize: 5, accumulateSteps: 2 });
  const big = await train({ batchSize: 10 });
  t.deepEqual(accumulated.batchSizes, [10, 10, 4, 10, 10, 4]);
  t.true(maxDifference(accumulated.weights, big.weights) < 1e-5, `max |Δw| ${maxDifference(accumulated.weights, big.weights)}`);
});

test('the KL weight sees the full data-set size N and the updates per epoch, not the micro-batches', async (t) => {
  const perExample = await train({ batchSize: 4, accumulateSteps: 3 });
  t.is(perExample.klWeights.length, 4);
  for (const w of perExample.klWeights) t.true(Math.abs(w - 1 / N) < 1e-9, `KL/N with N = ${N}: ${w}`);
  const perMinibatch = await train(
    { batchSize: 4, accumulateSteps: 3 },
    (m) => new Elbo(m, { likelihood: gaussian({ scale: 0.1 }), klWeighting: klWeighting.perMinibatch(), reduction: 'sum' }),
  );
  for (const w of perMinibatch.klWeights) t.true(Math.abs(w - 1 / 2) < 1e-9, `KL/M with M = 2 updates per epoch: ${w}`);
});

test('linear lr scaling (Goyal 2017): 3 micro-batches of 4 at lr 0.001 scaled from baseBatch 4 equal one batch of 12 at lr 0.003', async (t) => {
  const scaled = await train({ batchSize: 4, accumulateSteps: 3, lr: 0.001, lrScaling: { rule: 'linear', baseBatch: 4 } });
  const big = await train({ batchSize: 12, lr: 0.003 });
  t.true(maxDifference(scaled.weights, big.weights) < 1e-5, `max |Δw| ${maxDifference(scaled.weights, big.weights)}`);
  const unscaled = await train({ batchSize: 12, lr: 0.001 });
  t.true(maxDifference(unscaled.weights, big.weights) > 1e-3);
});

test('the warm-up ramps linearly from the base rate to k× over warmupEpochs, and fit hands the optimizer back at its base rate', async (t) => {
  const rule = { rule: 'linear' as const, baseBatch: 8, warmupEpochs: 5 };
  t.is(scaledLearningRate(rule, 0.1, 32, 0), 0.1);
  t.true(Math.abs(scaledLearningRate(rule, 0.1, 32, 2.5) - 0.25) < 1e-12);
  t.true(Math.abs(scaledLearningRate(rule, 0.1, 32, 5) - 0.4) < 1e-12);
  t.true(Math.abs(scaledLearningRate({ ...rule, warmupEpochs: 0 }, 0.1, 32, 0) - 0.4) < 1e-12);
  const model = freshModel();
  const data = lineData();
  const optimizer = tf.train.sgd(0.001);
  const seen: number[] = [];
  await fit(model, data, {
    elbo: perExampleElbo(model),
    optimizer,
    epochs: 2,
    batchSize: 4,
    accumulateSteps: 2,
    seed: 1,
    progress: 'silent',
    lrScaling: { rule: 'linear', baseBatch: 4, warmupEpochs: 1 },
    callbacks: { onBatchEnd: () => void seen.push((optimizer as unknown as { learningRate: number }).learningRate) },
  });
  // 3 updates per epoch; progress 0, 1/3, 2/3 of the 1-epoch warm-up, then the target 2 × 0.001.
  t.is(seen.length, 6);
  [0.001, 0.001 + 0.001 / 3, 0.001 + 0.002 / 3, 0.002, 0.002, 0.002].forEach((lr, i) =>
    t.true(Math.abs(seen[i] - lr) < 1e-12, `update ${i}: ${seen[i]} vs ${lr}`),
  );
  t.is((optimizer as unknown as { learningRate: number }).learningRate, 0.001);
  model.dispose();
  optimizer.dispose();
  tf.dispose([data.x, data.y]);
});

test('fit hands the optimizer back at its base rate also when a callback throws mid-training with lrScaling on', async (t) => {
  const model = freshModel();
  const data = lineData();
  const optimizer = tf.train.sgd(0.001);
  let updates = 0;
  await t.throwsAsync(
    fit(model, data, {
      elbo: perExampleElbo(model),
      optimizer,
      epochs: 2,
      batchSize: 4,
      seed: 1,
      progress: 'silent',
      lrScaling: { rule: 'linear', baseBatch: 2, warmupEpochs: 0 },
      callbacks: {
        onBatchEnd: () => {
          updates++;
          t.is((optimizer as unknown as { learningRate: number }).learningRate, 0.002, 'scaled while training');
          if (updates === 2) throw new Error('callback failed');
        },
      },
    }),
    { message: 'callback failed' },
  );
  t.is((optimizer as unknown as { learningRate: number }).learningRate, 0.001);
  model.dispose();
  optimizer.dispose();
  tf.dispose([data.x, data.y]);
});

test('accumulation leaks no tensor over two epochs', async (t) => {
  await train({ batchSize: 4, accumulateSteps: 3 });
  await expectNoLeak(
    t,
    () => train({ batchSize: 5, accumulateSteps: 2, lrScaling: { rule: 'linear', baseBatch: 5, warmupEpochs: 1 } }),
    'accumulated fit',
  );
});

test('bad accumulateSteps and lrScaling are typed errors naming the argument', async (t) => {
  const cases: Array<[Partial<FitOptions<ElboInput>>, RegExp]> = [
    [{ accumulateSteps: 0 }, /argument 'accumulateSteps' was 0/],
    [{ accumulateSteps: 1.5 }, /argument 'accumulateSteps' was 1\.5/],
    [{ lrScaling: { rule: 'sqrt' } as unknown as FitOptions<ElboInput>['lrScaling'] }, /argument 'lrScaling'/],
    [{ lrScaling: { rule: 'linear', baseBatch: 0 } }, /argument 'lrScaling\.baseBatch' was 0/],
    [{ lrScaling: { rule: 'linear', baseBatch: 4, warmupEpochs: -1 } }, /argument 'lrScaling\.warmupEpochs' was -1/],
  ];
  for (const [options, message] of cases) await t.throwsAsync(() => train(options), { instanceOf: InvalidArgumentError, message });
});
