// The cost of one training step that does not depend on machine load: device→host reads and kernels.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { denseVariational } from '../../../layers/index.js';
import { Elbo } from '../../../inference/elbo/index.js';
import { categorical } from '../../../inference/likelihoods/index.js';
import { perExample } from '../../../inference/kl-weighting/index.js';
import { resolveObjective } from '../../../inference/trainer/objective.js';
import { trainableVariables, trainingStep, type StepClipping } from '../../../inference/trainer/step.js';
import { CompiledSteps, compileRefusal } from '../../../inference/trainer/compiled-step.js';
import { clipByGlobalNorm, scaleToGlobalNorm } from '../../../inference/trainer/clip.js';
import { NoiseSource } from '../../../src/random/index.js';
import { adam } from '../../../src/optimizers/index.js';
import { countReads, stepCost } from '../../../bench/reads.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

/**
 * Budget of kernels of the variational MLP's trainer step relative to the same architecture from
 * plain tf.layers (reparameterization), both with the multi-tensor Adam `fit` runs. With
 * tf.train.adam (the one-read step and the fused KL sum): 556 / 205 ≈ 2.71 on tensorflow, 541 / 188
 * ≈ 2.88 on cpu (this file's 6-8-8-3 MLP runs the same kernel sequence as the bench's
 * 784-400-400-10; before issue 13: 846 / 240 ≈ 3.5 on tensorflow). With the multi-tensor Adam:
 * 431 / 151 ≈ 2.85 on tensorflow, 416 / 134 ≈ 3.10 on cpu and wasm — fewer kernels on both sides,
 * so the ratio rose although the variational step lost 129; `VARIATIONAL_STEP_KERNELS` guards the
 * count itself. With the native fast paths (relu's gradient as one op on tensorflow) and one softplus
 * per parameter for its sample and its KL: 389 / 133 ≈ 2.92 on tensorflow, 392 / 134 ≈ 2.93 on cpu.
 * Issue 13's target is ≤ 2×, which needs flat storage of the variational parameters (softplus,
 * sampling and the KL once per model, not per variable).
 */
export const VARIATIONAL_KERNEL_BUDGET = 3.2;
/** Kernels of the variational (reparameterization) MLP's trainer step, at most (measured 389 on tensorflow, 392 on cpu). */
export const VARIATIONAL_STEP_KERNELS = 400;

const position = (step: number) => ({ epoch: 0, step, batchIndex: 0, numBatches: 1, datasetSize: 100 });
const noClipping: StepClipping = { globalNorm: undefined, value: undefined };

function mlp(variational: boolean): tf.Sequential {
  return tf.sequential({
    layers: [8, 8, 3].map((units, i) => {
      const args = { units, activation: i < 2 ? ('relu' as const) : ('linear' as const), ...(i === 0 ? { inputShape: [6] } : {}) };
      return variational ? denseVariational(args) : tf.layers.dense(args);
    }),
  });
}

function batch() {
  return tf.tidy(() => ({
    x: tf.randomNormal([5, 6], 0, 1, 'float32', 3),
    y: tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3).toFloat(),
  }));
}

/** Runs one warm-up step, then `fn` around a second step; returns what `fn` measured. Default optimizer: fit's Adam. */
async function secondStep<T>(
  variational: boolean,
  clipping: StepClipping,
  fn: (step: () => ReturnType<typeof trainingStep>) => Promise<T>,
  optimizer: tf.Optimizer = adam(1e-2),
): Promise<T> {
  const model = mlp(variational);
  const { x, y } = batch();
  const objective = resolveObjective(model, new Elbo(model, { likelihood: categorical(), klWeighting: perExample() }));
  const variables = trainableVariables(model);
  const noise = new NoiseSource(1);
  trainingStep(objective, optimizer, variables, { x, y }, position(0), noise, clipping);
  try {
    return await fn(() => trainingStep(objective, optimizer, variables, { x, y }, position(1), noise, clipping));
  } finally {
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  }
}

test('a training step reads from the device exactly once (report, finiteness and norm together), with or without clipping', async (t) => {
  for (const clipping of [noClipping, { globalNorm: 0.01, value: undefined }, { globalNorm: 1, value: 0.5 }]) {
    const { result, reads } = await secondStep(true, clipping, (step) => countReads(step));
    t.is(result.kind, 'applied');
    t.is(reads, 1, `clipping ${JSON.stringify(clipping)}`);
  }
});

test('the read counter counts every kind of read (dataSync, data, array) once', async (t) => {
  const x = tf.tensor1d([1, 2, 3]);
  const { reads } = await countReads(async () => {
    x.dataSync();
    await x.data();
    await x.array();
    x.arraySync();
  });
  t.is(reads, 4);
  x.dispose();
});

test('an ELBO step without a report (Elbo.term under optimizer.minimize) reads nothing', async (t) => {
  const model = mlp(true);
  const { x, y } = batch();
  const elbo = new Elbo(model, { likelihood: categorical(), klWeighting: perExample() });
  const optimizer = tf.train.adam(1e-2);
  const noise = new NoiseSource(2);
  const { reads } = await countReads(() => {
    for (let step = 0; step < 3; step++) optimizer.minimize(() => elbo.term('loss', x, y, position(step), noise), false);
  });
  t.is(reads, 0);
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
});

test(`the variational MLP's trainer step runs at most ${VARIATIONAL_STEP_KERNELS} kernels and ${VARIATIONAL_KERNEL_BUDGET}× those of the deterministic one`, async (t) => {
  const deterministic = await secondStep(false, noClipping, (step) => stepCost(() => void step()));
  const variational = await secondStep(true, noClipping, (step) => stepCost(() => void step()));
  t.true(deterministic.kernels > 0);
  const ratio = variational.kernels / deterministic.kernels;
  t.log(`variational ${variational.kernels} / deterministic ${deterministic.kernels} = ${ratio.toFixed(2)} kernels`);
  t.true(
    ratio <= VARIATIONAL_KERNEL_BUDGET,
    `variational ${variational.kernels} / deterministic ${deterministic.kernels} = ${ratio.toFixed(2)} kernels`,
  );
  t.true(variational.kernels <= VARIATIONAL_STEP_KERNELS, `${variational.kernels} kernels`);
  t.is(variational.reads, 1);
});

test('with the multi-tensor Adam fit runs, a trainer step runs at least 10 kernels per trainable variable fewer than with tf.train.adam', async (t) => {
  const flat = await secondStep(true, noClipping, (step) => stepCost(() => void step()));
  const perVariable = await secondStep(true, noClipping, (step) => stepCost(() => void step()), tf.train.adam(1e-2));
  const variables = mlp(true);
  const count = variables.trainableWeights.length;
  variables.dispose();
  t.log(`kernels per step: ${flat.kernels} (multi-tensor Adam) against ${perVariable.kernels} (tf.train.adam), ${count} variables`);
  t.true(perVariable.kernels - flat.kernels >= 10 * count, `${(perVariable.kernels - flat.kernels) / count} fewer per variable`);
});

test('scaleToGlobalNorm equals clipByGlobalNorm bit for bit, above and below the bound, and leaks nothing', async (t) => {
  const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) };
  for (const maxNorm of [6.5, 13, 100]) {
    await expectNoLeak(t, () => {
      const reference = clipByGlobalNorm(grads, maxNorm);
      const norm = tf.tidy(() => tf.sqrt(tf.addN([tf.sum(tf.square(grads.a)), tf.sum(tf.square(grads.b))])) as tf.Scalar);
      const scaled = scaleToGlobalNorm(grads, maxNorm, norm);
      norm.dispose();
      t.deepEqual(take(scaled.a), take(reference.grads.a));
      t.deepEqual(take(scaled.b), take(reference.grads.b));
    });
  }
  t.deepEqual(take(scaleToGlobalNorm({ g: tf.tensor1d([1, 2]) }, 1, tf.scalar(NaN)).g).map(Number.isNaN), [true, true]);
  t.throws(() => scaleToGlobalNorm(grads, 0, tf.scalar(1)), { message: /scaleToGlobalNorm: argument 'maxNorm'/ });
  tf.dispose(Object.values(grads));
});

test('a step with a non-finite gradient is skipped after the one read, naming the variable, and leaks nothing', async (t) => {
  const model = mlp(true);
  const objective = resolveObjective(model, new Elbo(model, { likelihood: categorical(), klWeighting: perExample() }));
  const optimizer = tf.train.adam(1e-2);
  const variables = trainableVariables(model);
  const x = tf.tensor2d([[1, 2, 3, 4, 5, Infinity]]);
  const y = tf.tensor2d([[1, 0, 0]]);
  const before = variables.map((v) => Array.from(v.dataSync()));
  await expectNoLeak(t, async () => {
    const { result, reads } = await countReads(() =>
      trainingStep(objective, optimizer, variables, { x, y }, position(0), new NoiseSource(3), noClipping),
    );
    t.is(reads, 1);
    t.is(result.kind, 'skipped');
    if (result.kind === 'skipped') t.regex(result.skipped.reason, /loss is NaN|not finite/);
  });
  t.deepEqual(
    variables.map((v) => Array.from(v.dataSync())),
    before,
  );
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
});

test('a compiled trainer step (tensorflow) is one graph call: one device→host read and no tfjs kernels; elsewhere it is refused', async (t) => {
  const optimizer = adam(1e-2);
  const refusal = compileRefusal(optimizer, 1);
  if (tf.getBackend() !== 'tensorflow') {
    t.regex(refusal ?? '', /compiling needs tfjs-node's 'tensorflow' backend/);
    optimizer.dispose();
    return;
  }
  t.is(refusal, null);
  const model = mlp(true);
  const { x, y } = batch();
  const elbo = new Elbo(model, { likelihood: categorical(), klWeighting: perExample() });
  const variables = trainableVariables(model);
  const noise = new NoiseSource(1);
  const record = { compiledSteps: 0, eagerSteps: 0, traces: 0, refusal: null };
  const steps = new CompiledSteps({ model, elbo, optimizer, variables, noise, clipping: noClipping }, record);
  const runStep = (step: number) =>
    steps.step({ x, y }, position(step)) ??
    trainingStep(resolveObjective(model, elbo), optimizer, variables, { x, y }, position(step), noise, noClipping);
  // Bind Adam's slots, learn the count unit, trace, check: then the steps run compiled.
  for (let step = 0; step < 4; step++) runStep(step);
  const cost = await stepCost(() => void runStep(4));
  t.is(record.compiledSteps, 1);
  t.is(cost.reads, 1);
  t.is(cost.kernels, 0, [...cost.kernelNames.keys()].join(', '));
  steps.dispose();
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
});
