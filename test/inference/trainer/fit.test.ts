import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fit, type FitData } from '../../../inference/trainer/fit.js';
import { earlyStopping } from '../../../inference/trainer/early-stopping.js';
import type { ClipOptions, FitOptions } from '../../../inference/trainer/options.js';
import type { ProgressStream } from '../../../inference/trainer/progress.js';
import type { ElboInput } from '../../../inference/trainer/objective.js';
import type { DatasetBatch } from '../../../inference/trainer/data-source.js';
import { setSamplingMode } from '../../../layers/index.js';
import { InvalidArgumentError, NonFiniteError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';
import { freshModel, lineData, perExampleElbo, tinyBnn, weightValues } from './fixtures.js';

const silent = { progress: 'silent' as const };

function dispose(model: tf.LayersModel, optimizer: tf.Optimizer): void {
  model.dispose();
  optimizer.dispose();
}

async function run(model: tf.LayersModel, data: FitData, options: Partial<FitOptions<ElboInput>>) {
  const optimizer = options.optimizer ?? tf.train.adam(0.01);
  const history = await fit(model, data, {
    elbo: perExampleElbo(model),
    optimizer,
    epochs: 2,
    batchSize: 8,
    seed: 5,
    ...silent,
    ...options,
  });
  return { history, optimizer };
}

test('a NaN batch is skipped, reported to callbacks and in the history, and the weights stay finite', async (t) => {
  const { x, y } = lineData();
  const poisoned = tf.tidy(() => tf.concat([tf.slice(x, 0, 23), tf.tensor2d([[NaN]])]));
  const model = freshModel();
  const reported: number[] = [];
  const { history, optimizer } = await run(
    model,
    { x: poisoned, y },
    { epochs: 3, callbacks: { onStepSkipped: (s) => void reported.push(s.step) } },
  );
  // One batch per epoch holds the NaN row: 3 of 9 steps are skipped.
  t.is(history.skippedSteps.length, 3);
  t.deepEqual(
    reported,
    history.skippedSteps.map((s) => s.step),
  );
  t.regex(history.skippedSteps[0].reason, /loss is NaN/);
  t.is(history.steps.length, 6);
  t.true(history.epochs.every((e) => e.stepsSkipped === 1 && e.stepsApplied === 2));
  t.true(history.steps.every((s) => Number.isFinite(s.loss)));
  for (const w of weightValues(model)) t.true(w.every(Number.isFinite));
  dispose(model, optimizer);
  tf.dispose([x, y, poisoned]);
});

test('after maxConsecutiveNonFinite skipped steps in a row fit throws NonFiniteError', async (t) => {
  const x = tf.fill([16, 1], NaN);
  const y = tf.zeros([16, 1]);
  const model = freshModel();
  const optimizer = tf.train.sgd(0.1);
  const error = await t.throwsAsync(
    fit(model, { x, y }, { elbo: perExampleElbo(model), optimizer, epochs: 5, batchSize: 4, maxConsecutiveNonFinite: 3, ...silent }),
    { instanceOf: NonFiniteError },
  );
  t.regex(error.message, /fit: 3 steps in a row .* had a non-finite loss or gradient/);
  dispose(model, optimizer);
  tf.dispose([x, y]);
});

test('the same seed gives the same history twice; another seed does not', async (t) => {
  const { x, y } = lineData();
  const histories = [];
  for (const seed of [5, 5, 6]) {
    const model = freshModel();
    const { history, optimizer } = await run(
      model,
      { x, y },
      { seed, evaluation: { metrics: { mse: (a, b) => tf.losses.meanSquaredError(a, b) as tf.Scalar } } },
    );
    histories.push(history);
    dispose(model, optimizer);
  }
  t.deepEqual(histories[0], histories[1]);
  t.notDeepEqual(histories[0].steps, histories[2].steps);
  tf.dispose([x, y]);
});

test('a run stopped after epoch 2 and resumed ends with bit-identical weights to an uninterrupted run', async (t) => {
  const { x, y } = lineData();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-resume-'));
  const straight = freshModel();
  const a = await run(straight, { x, y }, { epochs: 4, clip: { globalNorm: 5 } });

  const first = freshModel();
  const b = await run(first, { x, y }, { epochs: 2, clip: { globalNorm: 5 }, checkpoint: { dir } });
  dispose(first, b.optimizer);
  const resumed = tinyBnn(8); // different initial weights: everything must come from the checkpoint
  const c = await run(resumed, { x, y }, { epochs: 4, clip: { globalNorm: 5 }, checkpoint: { dir, resume: true }, seed: undefined });

  const expected = weightValues(straight);
  weightValues(resumed).forEach((w, i) => t.deepEqual(w, expected[i], `weight ${i}`));
  t.deepEqual(c.history, a.history);
  dispose(straight, a.optimizer);
  dispose(resumed, c.optimizer);
  await fs.rm(dir, { recursive: true });
  tf.dispose([x, y]);
});

test('an AbortSignal stops after the current step, checkpoints, and a resume from mid-epoch is exact', async (t) => {
  const { x, y } = lineData();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-abort-'));
  const straight = freshModel();
  const a = await run(straight, { x, y }, { epochs: 3 });

  const controller = new AbortController();
  const first = freshModel();
  const b = await run(
    first,
    { x, y },
    {
      epochs: 3,
      checkpoint: { dir },
      signal: controller.signal,
      callbacks: { onBatchEnd: (r) => void (r.step === 4 && controller.abort()) },
    },
  );
  t.is(b.history.stopReason, 'aborted');
  t.is(b.history.steps.length, 5, 'stops right after step 4, in the middle of epoch 1');
  t.is(b.history.epochs.length, 1);
  dispose(first, b.optimizer);

  const resumed = tinyBnn(8);
  const c = await run(resumed, { x, y }, { epochs: 3, checkpoint: { resumeFrom: dir }, seed: undefined });
  t.is(c.history.stopReason, 'completed');
  const expected = weightValues(straight);
  weightValues(resumed).forEach((w, i) => t.deepEqual(w, expected[i], `weight ${i}`));
  t.deepEqual(c.history.epochs, a.history.epochs);
  dispose(straight, a.optimizer);
  dispose(resumed, c.optimizer);
  await fs.rm(dir, { recursive: true });
  tf.dispose([x, y]);
});

test('early stopping stops when the monitored value stops improving', async (t) => {
  const { x, y } = lineData();
  const model = freshModel();
  // A learning rate of 0 keeps the weights, so the loss cannot improve by more than minDelta.
  const stopper = earlyStopping({ monitor: 'loss', patience: 2, minDelta: 1e6 });
  const { history, optimizer } = await run(model, { x, y }, { epochs: 20, optimizer: tf.train.sgd(0), callbacks: [stopper] });
  t.is(history.stopReason, 'callback');
  t.is(history.epochs.length, 3, 'epoch 0 sets the best, epochs 1 and 2 exhaust patience 2');
  t.is(stopper.stoppedEpoch, 2);
  t.is(stopper.bestEpoch, 0);
  dispose(model, optimizer);
  tf.dispose([x, y]);
});

test('metrics are computed apart from the loss, on mean weights, for training and validation data', async (t) => {
  const { x, y } = lineData();
  const mse = (a: tf.Tensor, b: tf.Tensor) => tf.losses.meanSquaredError(a, b) as tf.Scalar;
  const plain = freshModel();
  const p = await run(plain, { x, y }, {});
  const measured = freshModel();
  const m = await run(measured, { x, y }, { evaluation: { metrics: { mse } }, validationData: { x, y } });
  // The loss path is untouched by metrics: identical steps and weights.
  t.deepEqual(m.history.steps, p.history.steps);
  const last = m.history.epochs[1].logs;
  // The metric equals the MSE of the posterior-mean predictions, computed here independently.
  setSamplingMode(measured, 'mean');
  const expected = take(tf.tidy(() => mse(y, measured.predict(x) as tf.Tensor)))[0];
  near(t, last.mse, expected, 1e-6);
  near(t, last.val_mse, expected, 1e-6);
  t.not(last.mse, last.loss);
  t.true(Number.isFinite(last.val_loss) && Number.isFinite(last.val_nll) && Number.isFinite(last.val_kl));
  dispose(plain, p.optimizer);
  dispose(measured, m.optimizer);
  tf.dispose([x, y]);
});

test('no tensor leaks across 200 training steps (with clipping, metrics and validation)', async (t) => {
  const { x, y } = lineData();
  const model = freshModel();
  const optimizer = tf.train.adam(0.01);
  // Warm-up: the optimizer creates its moment variables on its first step.
  await fit(model, { x, y }, { elbo: perExampleElbo(model), optimizer, epochs: 1, batchSize: 24, ...silent });
  await expectNoLeak(t, async () => {
    const history = await fit(
      model,
      { x, y },
      {
        elbo: perExampleElbo(model),
        optimizer,
        epochs: 50,
        batchSize: 6,
        seed: 1,
        clip: { globalNorm: 1, value: 0.5 },
        evaluation: { metrics: { mse: (a, b) => tf.losses.meanSquaredError(a, b) as tf.Scalar } },
        validationData: { x, y },
        ...silent,
      },
    );
    t.is(history.steps.length, 200);
  });
  dispose(model, optimizer);
  tf.dispose([x, y]);
});

test('progress lines: one per epoch on a non-TTY stream; silent writes nothing; history can be bounded', async (t) => {
  const { x, y } = lineData();
  const model = freshModel();
  const lines: string[] = [];
  const { history, optimizer } = await run(
    model,
    { x, y },
    { epochs: 2, progress: { mode: 'auto', stream: { write: (s: string) => lines.push(s) }, maxStepRecords: 2 } },
  );
  const epochLines = lines.filter((l) => l.startsWith('epoch '));
  t.is(epochLines.length, 2);
  t.regex(epochLines[1], /^epoch 2\/2 {2}loss \S+ {2}nll \S+ {2}kl \S+ {2}klWeight \S+ {2}gradNorm \S+ {2}\(\d+\.\d\d s\)\n$/);
  t.is(history.steps.length, 2);
  t.is(history.droppedStepRecords, 4);
  t.is(history.steps[1].step, 5);
  const quiet: string[] = [];
  const second = await run(model, { x, y }, { epochs: 1, progress: { mode: 'silent', stream: { write: (s: string) => quiet.push(s) } } });
  t.deepEqual(quiet, []);
  second.optimizer.dispose();
  dispose(model, optimizer);
  tf.dispose([x, y]);
});

test('a tf.data.Dataset of {xs, ys} batches trains with the given datasetSize', async (t) => {
  const { x, y } = lineData();
  const dataset = tf.data.zip({ xs: tf.data.array(tf.unstack(x)), ys: tf.data.array(tf.unstack(y)) }).batch(8);
  const model = freshModel();
  const { history, optimizer } = await run(model, dataset, { datasetSize: 24 });
  t.is(history.steps.length, 6);
  t.deepEqual(
    history.steps.map((s) => s.batchSize),
    [8, 8, 8, 8, 8, 8],
  );
  dispose(model, optimizer);
  tf.dispose([x, y]);
});

test('bad options are typed errors naming the argument', async (t) => {
  const { x, y } = lineData();
  const model = freshModel();
  const elbo = perExampleElbo(model);
  const optimizer = tf.train.sgd(0.1);
  const base = { elbo, optimizer, epochs: 1, ...silent };
  const cases: Array<[Partial<FitOptions<ElboInput>>, RegExp]> = [
    [{ batchSize: 0 }, /fit: argument 'batchSize' was 0; expected an integer ≥ 1/],
    [{ batchSize: -3 }, /argument 'batchSize' was -3/],
    [{ epochs: 0 }, /fit: argument 'epochs' was 0; expected an integer ≥ 1/],
    [{ optimizer: { learningRate: 0.1 } as unknown as tf.Optimizer }, /fit: argument 'optimizer' was .*; expected a tfjs optimizer/],
    [{ clip: { globalNorm: -1 } }, /argument 'clip.globalNorm' was -1; expected a finite number > 0/],
    [{ clip: 5 as ClipOptions }, /argument 'clip' was 5; expected an object \{globalNorm\?/],
    [
      { evaluation: { metricsMode: 'median' as 'mean' } },
      /argument 'evaluation.metricsMode' was "median"; expected one of 'mean', 'sample'/,
    ],
    [{ evaluation: { batchSize: 0 } }, /argument 'evaluation.batchSize' was 0; expected an integer ≥ 1/],
    [{ progress: 'loud' as 'lines' }, /argument 'progress' was "loud"; expected one of 'auto', 'bar', 'lines', 'silent'/],
    [{ progress: { stream: {} as ProgressStream } }, /argument 'progress.stream' was .*; expected a writable stream/],
    [{ checkpoint: { resume: true } }, /argument 'checkpoint' was .*; expected an object with dir \(to write checkpoints\) or resumeFrom/],
    [
      { checkpoint: { dir: 'a', resume: true, resumeFrom: 'b' } },
      /argument 'checkpoint.resume' was true; expected left out when checkpoint.resumeFrom/,
    ],
  ];
  for (const [options, message] of cases) {
    const error = await t.throwsAsync(fit(model, { x, y }, { ...base, ...options }), { instanceOf: InvalidArgumentError });
    t.regex(error.message, message);
  }
  const short = tf.zeros([23, 1]);
  const mismatch = await t.throwsAsync(fit(model, { x, y: short }, base), { instanceOf: ShapeError });
  t.regex(mismatch.message, /fit: 'data.y' has shape \[23, 1\]; expected as many examples along axis 0 as data.x \(24\)/);
  const dataset = tf.data.array<DatasetBatch>([{ xs: x, ys: y }]);
  const size = await t.throwsAsync(fit(model, dataset, base), { instanceOf: InvalidArgumentError });
  t.regex(size.message, /argument 'datasetSize' was undefined/);
  dispose(model, optimizer);
  tf.dispose([x, y, short]);
});

test('the flat option names of earlier versions are refused with their new place', async (t) => {
  const { x, y } = lineData();
  const model = freshModel();
  const optimizer = tf.train.sgd(0.1);
  const base = { elbo: perExampleElbo(model), optimizer, epochs: 1, ...silent };
  const moved: Array<[string, unknown, string]> = [
    ['clipGlobalNorm', 5, 'clip.globalNorm'],
    ['clipValue', 0.5, 'clip.value'],
    ['metrics', {}, 'evaluation.metrics'],
    ['metricsMode', 'mean', 'evaluation.metricsMode'],
    ['trainMetrics', false, 'evaluation.trainMetrics'],
    ['evalBatchSize', 8, 'evaluation.batchSize'],
    ['progressStream', process.stdout, 'progress.stream'],
    ['maxStepRecords', 10, 'progress.maxStepRecords'],
    ['resume', true, 'checkpoint.resume'],
    ['resumeFrom', 'runs/a', 'checkpoint.resumeFrom'],
    ['forceResume', true, 'checkpoint.force'],
  ];
  const before = weightValues(model);
  for (const [name, value, now] of moved) {
    const options = { ...base, [name]: value } as FitOptions<ElboInput>;
    const error = await t.throwsAsync(fit(model, { x, y }, options), { instanceOf: InvalidArgumentError });
    t.is(error.argument, name);
    t.regex(error.message, new RegExp(`^fit: argument '${name}' was .*; expected no such option: it moved to ${now.replace('.', '\\.')} `));
  }
  // Refused before anything trains.
  t.deepEqual(weightValues(model), before);
  dispose(model, optimizer);
  tf.dispose([x, y]);
});
