import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fit } from '../../../inference/trainer/fit.js';
import { readCheckpoint } from '../../../inference/trainer/checkpoint.js';
import { fingerprintDifferences } from '../../../inference/trainer/fingerprint.js';
import { BEST_CHECKPOINT_DIR } from '../../../inference/trainer/best-checkpoint.js';
import { Elbo } from '../../../inference/elbo/index.js';
import { gaussian } from '../../../inference/likelihoods/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';
import { denseVariational } from '../../../layers/index.js';
import { InvalidArgumentError, ResumeMismatchError } from '../../../src/errors.js';
import { fixedWeights, perExampleElbo, tinyBnn } from './fixtures.js';

const silent = { progress: 'silent' as const };

function lineData(n = 24): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.linspace(-1, 1, n).reshape([n, 1]) as tf.Tensor2D;
    return { x, y: tf.sub(tf.mul(2, x), 1) as tf.Tensor2D };
  });
}

function freshModel(hidden = 8, names: [string, string] = ['hidden', 'out']): tf.Sequential {
  const model = tf.sequential({
    layers: [
      denseVariational({ units: hidden, activation: 'relu', inputShape: [1], name: names[0] }),
      denseVariational({ units: 1, name: names[1] }),
    ],
  });
  const weights = fixedWeights(model);
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** Trains 1 of 3 epochs with checkpoints in a fresh directory; returns the directory. */
async function interruptedRun(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-fingerprint-'));
  const data = lineData();
  const model = freshModel();
  const optimizer = tf.train.adam(0.01);
  await fit(model, data, { elbo: perExampleElbo(model), optimizer, epochs: 1, batchSize: 6, seed: 3, checkpoint: { dir }, ...silent });
  model.dispose();
  optimizer.dispose();
  tf.dispose(data);
  return dir;
}

test('a checkpoint stores the run fingerprint: batch size, data size, weighting, layers, estimators, optimizer', async (t) => {
  const dir = await interruptedRun();
  const saved = await readCheckpoint(dir);
  const fingerprint = saved!.fingerprint!;
  t.is(fingerprint.batchSize, 6);
  t.is(fingerprint.datasetSize, 24);
  t.is(fingerprint.numBatches, 4);
  t.deepEqual(fingerprint.klWeighting, { name: 'perExample', config: {} });
  t.deepEqual(
    fingerprint.weights.map((w) => w.name),
    [
      'hidden/kernel_loc',
      'hidden/kernel_raw_scale',
      'hidden/bias_loc',
      'hidden/bias_raw_scale',
      'out/kernel_loc',
      'out/kernel_raw_scale',
      'out/bias_loc',
      'out/bias_raw_scale',
    ],
  );
  t.deepEqual(fingerprint.estimators, [
    { layer: 'hidden', estimator: 'reparameterization' },
    { layer: 'out', estimator: 'reparameterization' },
  ]);
  t.is(fingerprint.optimizer.className, 'Adam');
  t.is((fingerprint.optimizer.config as { learningRate: number }).learningRate, 0.01);
  await fs.rm(dir, { recursive: true });
});

const mismatches: Array<[string, (dir: string) => Promise<unknown>, RegExp[]]> = [
  ['a different batch size', (dir) => resume(dir, { batchSize: 8 }), [/batchSize was 6, is now 8/, /numBatches was 4, is now 3/]],
  [
    'a different KL weighting',
    (dir) => resume(dir, { weighting: klWeighting.blundell() }),
    [/klWeighting.name was "perExample", is now "blundell"/],
  ],
  [
    'different layer names',
    (dir) => resume(dir, { names: ['first', 'second'] }),
    [/weights\[0\].name was "hidden\/kernel_loc", is now "first\/kernel_loc"/, /estimators\[1\].layer was "out", is now "second"/],
  ],
  ['a different learning rate', (dir) => resume(dir, { learningRate: 0.1 }), [/optimizer.config.learningRate was 0.01, is now 0.1/]],
  ['a different data-set size', (dir) => resume(dir, { examples: 30 }), [/datasetSize was 24, is now 30/]],
];

interface ResumeChanges {
  batchSize?: number;
  weighting?: ReturnType<typeof klWeighting.blundell>;
  names?: [string, string];
  learningRate?: number;
  examples?: number;
  force?: boolean;
}

async function resume(dir: string, changes: ResumeChanges) {
  const data = lineData(changes.examples ?? 24);
  const model = freshModel(8, changes.names);
  const optimizer = tf.train.adam(changes.learningRate ?? 0.01);
  const elbo = new Elbo(model, { likelihood: gaussian({ scale: 0.1 }), klWeighting: changes.weighting ?? klWeighting.perExample() });
  try {
    return await fit(model, data, {
      elbo,
      optimizer,
      epochs: 2,
      batchSize: changes.batchSize ?? 6,
      seed: 3,
      checkpoint: { dir, resume: true, force: changes.force },
      ...silent,
    });
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose(data);
  }
}

for (const [name, run, messages] of mismatches) {
  test(`resuming with ${name} is a ResumeMismatchError listing each difference`, async (t) => {
    const dir = await interruptedRun();
    const error = await t.throwsAsync(run(dir), { instanceOf: ResumeMismatchError });
    for (const message of messages) t.regex(error!.message, message);
    t.regex(error!.message, /checkpoint\.force: true/);
    t.true(error!.differences.length >= messages.length);
    await fs.rm(dir, { recursive: true });
  });
}

test('checkpoint.force continues with the new settings from the saved position', async (t) => {
  const dir = await interruptedRun();
  const history = await resume(dir, { batchSize: 8, force: true });
  t.is(history.epochs.length, 2);
  t.deepEqual(
    history.steps.map((s) => s.step),
    [0, 1, 2, 3, 4, 5, 6],
    '4 steps of batch 6, then 3 of batch 8',
  );
  t.is((await readCheckpoint(dir))!.fingerprint!.batchSize, 8, 'the new checkpoint records the new settings');
  await fs.rm(dir, { recursive: true });
});

test('resuming with identical settings is accepted (the fingerprint matches)', async (t) => {
  const dir = await interruptedRun();
  const history = await resume(dir, {});
  t.is(history.epochs.length, 2);
  await fs.rm(dir, { recursive: true });
});

test('fingerprintDifferences lists nested paths and length changes', (t) => {
  t.deepEqual(fingerprintDifferences({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } }), [
    { field: 'b.c[1]', checkpoint: 2, current: 3 },
  ]);
  t.deepEqual(fingerprintDifferences({ w: [1] }, { w: [1, 2] }), [{ field: 'w.length', checkpoint: 1, current: 2 }]);
  t.deepEqual(fingerprintDifferences({ a: 1 }, { a: 1 }), []);
});

test("checkpoint keep 'both' writes the last checkpoint and, in best/, the one of the epoch with the lowest monitored loss", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-best-'));
  const data = lineData();
  const model = freshModel();
  const optimizer = tf.train.adam(0.05);
  const history = await fit(model, data, {
    elbo: perExampleElbo(model),
    optimizer,
    epochs: 4,
    batchSize: 6,
    seed: 1,
    checkpoint: { dir, keep: 'both', monitor: 'loss', mode: 'min' },
    ...silent,
  });
  const losses = history.epochs.map((e) => e.logs.loss);
  const bestEpoch = losses.indexOf(Math.min(...losses));
  const best = await readCheckpoint(path.join(dir, BEST_CHECKPOINT_DIR));
  t.is(best!.best!.epoch, bestEpoch);
  t.is(best!.best!.value, losses[bestEpoch]);
  t.is(best!.epoch, bestEpoch + 1, 'the best checkpoint resumes after the best epoch');
  t.is((await readCheckpoint(dir))!.epoch, 4, 'the last checkpoint is at the end');
  model.dispose();
  optimizer.dispose();
  tf.dispose(data);
  await fs.rm(dir, { recursive: true });
});

test("checkpoint keep 'best' with mode 'max' keeps only best/ and tracks the highest value", async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-best-'));
  const data = lineData();
  const model = freshModel();
  const optimizer = tf.train.adam(0.05);
  const history = await fit(model, data, {
    elbo: perExampleElbo(model),
    optimizer,
    epochs: 3,
    batchSize: 6,
    seed: 1,
    checkpoint: { dir, keep: 'best', monitor: 'kl', mode: 'max' },
    ...silent,
  });
  t.deepEqual(await fs.readdir(dir), [BEST_CHECKPOINT_DIR]);
  const kls = history.epochs.map((e) => e.logs.kl);
  t.is((await readCheckpoint(path.join(dir, BEST_CHECKPOINT_DIR)))!.best!.value, Math.max(...kls));
  model.dispose();
  optimizer.dispose();
  tf.dispose(data);
  await fs.rm(dir, { recursive: true });
});

test('bad checkpoint keep/monitor/mode options are InvalidArgumentErrors', async (t) => {
  const data = lineData();
  const model = tinyBnn();
  const optimizer = tf.train.sgd(0.01);
  const base = { elbo: perExampleElbo(model), optimizer, epochs: 1, ...silent };
  await t.throwsAsync(fit(model, data, { ...base, checkpoint: { dir: os.tmpdir(), keep: 'all' as 'last' } }), {
    instanceOf: InvalidArgumentError,
    message: /checkpoint.keep' was "all"/,
  });
  await t.throwsAsync(fit(model, data, { ...base, checkpoint: { dir: os.tmpdir(), keep: 'best', mode: 'up' as 'min' } }), {
    instanceOf: InvalidArgumentError,
    message: /checkpoint.mode/,
  });
  await t.throwsAsync(fit(model, data, { ...base, checkpoint: { dir: os.tmpdir(), keep: 'best', monitor: 'val_loss' } }), {
    instanceOf: InvalidArgumentError,
    message: /or validationData to compute val_\* logs/,
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-best-'));
  await t.throwsAsync(fit(model, data, { ...base, checkpoint: { dir, keep: 'best', monitor: 'accuracy' } }), {
    instanceOf: InvalidArgumentError,
    message: /checkpoint.monitor' was "accuracy"; expected one of this run's epoch logs: loss, nll, kl/,
  });
  await t.throwsAsync(fit(model, data, { ...base, checkpoint: { dir, force: 'yes' as unknown as boolean } }), {
    instanceOf: InvalidArgumentError,
    message: /argument 'checkpoint.force' was "yes"; expected true or false/,
  });
  model.dispose();
  optimizer.dispose();
  tf.dispose(data);
  await fs.rm(dir, { recursive: true });
});
