// fit({compile: true}): on tfjs-node's backend each training step runs as one TensorFlow graph call
// once the graph has reproduced an eager step bit for bit, and the run is the eager run bit for bit
// (weights, optimizer state, every step record, skipped steps); elsewhere every step stays eager
// and the history says why.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { fit, type FitData } from '../../../inference/trainer/fit.js';
import type { TrainingHistory } from '../../../inference/trainer/history.js';
import type { FitOptions } from '../../../inference/trainer/options.js';
import type { ElboInput } from '../../../inference/trainer/objective.js';
import { Elbo } from '../../../inference/elbo/index.js';
import { gaussian } from '../../../inference/likelihoods/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';
import { denseVariational, mcDropout, setSamplingMode } from '../../../layers/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { memoryCheckpointStore } from '../../../inference/trainer/checkpoint-store.js';
import { expectNoLeak } from '../../helpers/leak.js';
import { withMisroundedFusion } from '../../helpers/misrounded-fusion.js';
import { fixedWeights, lineData } from './fixtures.js';

const onNative = () => tf.getBackend() === 'tensorflow';
type Options = Partial<FitOptions<ElboInput>>;

/** A 1 → 8 → 8 → 1 network: Flipout, MC dropout and reparameterization, with fixed initial weights. */
function model(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      denseVariational({ units: 8, activation: 'relu', inputShape: [1], estimator: 'flipout', name: 'a' }),
      mcDropout({ rate: 0.1, name: 'drop' }),
      denseVariational({ units: 8, activation: 'tanh', name: 'b' }),
      denseVariational({ units: 1, name: 'out' }),
    ],
  });
  const weights = fixedWeights(m);
  m.setWeights(weights);
  tf.dispose(weights);
  return m;
}

/**
 * Trains a fresh model from `build` with `tf.train.adam(0.02)`; returns its weights' bits, the
 * optimizer's state bits and the history. `options` may depend on the model and the optimizer
 * (callbacks that change them).
 */
async function train(
  data: FitData,
  options: Options | ((m: tf.LayersModel, optimizer: tf.Optimizer) => Options),
  elboOf: (m: tf.LayersModel) => Elbo,
  build: () => tf.LayersModel = model,
) {
  const m = build();
  const optimizer = tf.train.adam(0.02);
  const history = await fit(m, data, {
    elbo: elboOf(m),
    optimizer,
    epochs: 3,
    batchSize: 4,
    seed: 3,
    progress: 'silent',
    ...(typeof options === 'function' ? options(m, optimizer) : options),
  });
  const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
  const weights = m.weights.map((w) => bits(w.read()));
  const state = await optimizer.getWeights();
  const adam = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  const optimizerBits = [...state.map((w) => bits(w.tensor)), bits(adam.accBeta1), bits(adam.accBeta2)];
  state[0].tensor.dispose();
  m.dispose();
  optimizer.dispose();
  return { weights, optimizerBits, history };
}

/** An ELBO whose KL weights change at every step: a linear warm-up, tempered posterior on top. */
const annealed = (m: tf.LayersModel) =>
  new Elbo(m, {
    likelihood: gaussian({ scale: 0.1 }),
    klWeighting: klWeighting.product(klWeighting.linearWarmup({ steps: 12 }), klWeighting.temperedPosterior(0.5)),
  });
const perExample = (m: tf.LayersModel) => new Elbo(m, { likelihood: gaussian({ scale: 0.1 }), klWeighting: klWeighting.perExample() });

const withoutCompilation = (history: TrainingHistory) => ({ ...history, compilation: undefined });

test('compiled steps give the eager run bit for bit: annealed and tempered KL weights, clipping, a learning rate changed by a callback', async (t) => {
  const data = lineData();
  const options =
    (compile: boolean) =>
    (_: tf.LayersModel, optimizer: tf.Optimizer): Options => ({
      compile,
      clip: { globalNorm: 0.5 },
      callbacks: [
        {
          onEpochEnd: (record) => {
            // The caller's optimizer is the source of truth; fit copies its rate before each step.
            (optimizer as unknown as { learningRate: number }).learningRate = 0.02 / (record.epoch + 2);
          },
        },
      ],
    });
  const trainWith = (compile: boolean) => train(data, options(compile), annealed);
  const eager = await trainWith(false);
  const compiled = await trainWith(true);
  t.deepEqual(compiled.weights, eager.weights);
  t.deepEqual(compiled.optimizerBits, eager.optimizerBits);
  t.deepEqual(withoutCompilation(compiled.history), withoutCompilation(eager.history));
  t.is(eager.history.compilation, undefined);
  const record = compiled.history.compilation;
  if (record === undefined) return t.fail('no compilation record');
  if (onNative()) {
    t.is(record.compiledSteps + record.eagerSteps, 18);
    t.is(record.refusal, null);
    // Step 0 binds Adam's slots, 1 learns the count unit, 2 traces, 3 checks; each later epoch's first step checks again.
    t.is(record.compiledSteps, 12);
    t.is(record.traces, 1);
  } else {
    t.deepEqual([record.compiledSteps, record.traces], [0, 0]);
    t.regex(record.refusal ?? '', /compiling needs tfjs-node's 'tensorflow' backend/);
  }
  tf.dispose([data.x, data.y]);
});

test('compiled steps: optimizer state and step records equal the eager run, and a partial last batch gets its own graph', async (t) => {
  const data = tf.tidy(() => {
    const x = tf.linspace(-1, 1, 22).reshape([22, 1]);
    return { x, y: tf.sin(tf.mul(3, x)) };
  });
  const eager = await train(data, { compile: false, epochs: 5 }, perExample);
  const compiled = await train(data, { compile: true, epochs: 5 }, perExample);
  t.deepEqual(compiled.weights, eager.weights);
  t.deepEqual(compiled.optimizerBits, eager.optimizerBits);
  t.deepEqual(withoutCompilation(compiled.history), withoutCompilation(eager.history));
  if (onNative()) {
    // 22 examples in batches of 4: five full batches and one of 2, so two graphs.
    t.is(compiled.history.compilation?.traces, 2);
    t.true((compiled.history.compilation?.compiledSteps ?? 0) >= 14);
  }
  tf.dispose([data.x, data.y]);
});

test('compiled steps: a non-finite step is skipped and reported as in the eager run', async (t) => {
  const data = tf.tidy(() => {
    const values = Array.from({ length: 24 }, (_, i) => (i === 17 ? NaN : -1 + (2 * i) / 23));
    const x = tf.tensor2d(values, [24, 1]);
    return { x, y: tf.sub(tf.mul(2, x), 1) };
  });
  const options: Options = { shuffle: false, epochs: 4, maxConsecutiveNonFinite: 5 };
  const eager = await train(data, { ...options, compile: false }, perExample);
  const compiled = await train(data, { ...options, compile: true }, perExample);
  t.is(eager.history.skippedSteps.length, 4);
  t.deepEqual(compiled.history.skippedSteps, eager.history.skippedSteps);
  t.deepEqual(compiled.weights, eager.weights);
  t.deepEqual(compiled.optimizerBits, eager.optimizerBits);
  if (onNative()) t.true((compiled.history.compilation?.compiledSteps ?? 0) > 0);
  tf.dispose([data.x, data.y]);
});

/** A layer that adds a number JavaScript changes at every call: a value a graph would bake in. */
class Drifting extends tf.layers.Layer {
  private calls = 0;
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.calls += 1;
    return tf.add(x, tf.scalar(this.calls * 1e-3));
  }
  static get className(): string {
    return 'Drifting';
  }
}

test('compiled steps: a per-step JavaScript value is caught by the check and the steps stay eager', async (t) => {
  const data = lineData();
  const build = () => {
    const m = tf.sequential({
      layers: [
        denseVariational({ units: 4, inputShape: [1], name: 'a' }),
        new Drifting({ name: 'drift' }),
        denseVariational({ units: 1, name: 'o' }),
      ],
    });
    const weights = fixedWeights(m);
    m.setWeights(weights);
    tf.dispose(weights);
    return m;
  };
  const trainWith = (compile: boolean) => train(data, { compile }, perExample, build);
  const eager = await trainWith(false);
  const compiled = await trainWith(true);
  t.deepEqual(compiled.weights, eager.weights);
  t.is(compiled.history.compilation?.compiledSteps, 0);
  if (onNative()) {
    t.is(compiled.history.compilation?.traces, 3);
    t.regex(compiled.history.compilation?.refusal ?? '', /differed from the eager step 3 times/);
  }
  tf.dispose([data.x, data.y]);
});

test("compile: 'auto' (the default) gives the eager run bit for bit and records nothing", async (t) => {
  const data = lineData();
  const eager = await train(data, { compile: false }, perExample);
  const auto = await train(data, {}, perExample);
  t.deepEqual(auto.weights, eager.weights);
  t.deepEqual(auto.optimizerBits, eager.optimizerBits);
  t.deepEqual(auto.history, eager.history);
  t.false('compilation' in auto.history);
  tf.dispose([data.x, data.y]);
});

test('compiled steps: a sampling mode changed between epochs gets its own graph', async (t) => {
  const data = lineData();
  const switching =
    (compile: boolean) =>
    (m: tf.LayersModel): Options => ({
      compile,
      epochs: 4,
      callbacks: [
        {
          onEpochEnd: (record) => {
            setSamplingMode(m, record.epoch === 0 ? 'mean' : 'sample');
          },
        },
      ],
    });
  const runWith = (compile: boolean) => train(data, switching(compile), perExample);
  const eager = await runWith(false);
  const compiled = await runWith(true);
  t.deepEqual(compiled.weights, eager.weights);
  t.deepEqual(withoutCompilation(compiled.history), withoutCompilation(eager.history));
  if (onNative()) t.is(compiled.history.compilation?.traces, 2);
  tf.dispose([data.x, data.y]);
});

test('compiled steps: a run resumed from a checkpoint mid-training ends where the uninterrupted compiled run ends, bit for bit', async (t) => {
  const data = lineData();
  const straight = await train(data, { compile: true, epochs: 4 }, perExample);
  const store = memoryCheckpointStore();
  await train(data, { compile: true, epochs: 2, checkpoint: { dir: 'run', store } }, perExample);
  const resumed = await train(
    data,
    { compile: true, epochs: 4, checkpoint: { dir: 'run', store, resume: true }, seed: undefined },
    perExample,
  );
  t.deepEqual(resumed.weights, straight.weights);
  t.deepEqual(resumed.optimizerBits, straight.optimizerBits);
  t.deepEqual(withoutCompilation(resumed.history), withoutCompilation(straight.history));
  // The resumed call compiled again: its own first steps ran eagerly, the rest compiled.
  if (onNative()) t.true((resumed.history.compilation?.compiledSteps ?? 0) > 0);
  tf.dispose([data.x, data.y]);
});

test('compiled steps: no tensor leaks, graphs freed when fit returns', async (t) => {
  const data = lineData();
  const m = model();
  const optimizer = tf.train.adam(0.02);
  const elbo = perExample(m);
  // A first call creates the optimizer's state tensors, which live on.
  await fit(m, data, { elbo, optimizer, epochs: 1, batchSize: 4, seed: 3, progress: 'silent', compile: true });
  await expectNoLeak(
    t,
    () => fit(m, data, { elbo, optimizer, epochs: 3, batchSize: 4, seed: 3, progress: 'silent', compile: true }),
    'fit',
  );
  m.dispose();
  optimizer.dispose();
  tf.dispose([data.x, data.y]);
});

test('compile: a non-boolean is refused; gradient accumulation and other optimizers run eagerly with the reason', async (t) => {
  const data = lineData();
  const m = model();
  const base = { elbo: perExample(m), epochs: 1, batchSize: 4, seed: 3, progress: 'silent' as const };
  await t.throwsAsync(() => fit(m, data, { ...base, optimizer: tf.train.adam(0.01), compile: 'yes' as unknown as boolean }), {
    instanceOf: InvalidArgumentError,
    message: /compile/,
  });
  const sgd = await fit(m, data, { ...base, optimizer: tf.train.sgd(0.01), compile: true });
  t.is(sgd.compilation?.compiledSteps, 0);
  t.regex(sgd.compilation?.refusal ?? '', onNative() ? /not multi-tensor Adam/ : /backend/);
  const accumulated = await fit(m, data, { ...base, optimizer: tf.train.adam(0.01), compile: true, accumulateSteps: 2 });
  t.regex(accumulated.compilation?.refusal ?? '', onNative() ? /accumulateSteps/ : /backend/);
  m.dispose();
  tf.dispose([data.x, data.y]);
});

test('compiled steps: a graph whose fused biases round differently fails the check, and the next trace is written without fusing (tensorflow)', async (t) => {
  if (!onNative()) return t.pass('compiling needs the tensorflow backend');
  const data = lineData();
  const eager = await train(data, { compile: false }, perExample);
  const { result: compiled, fuseBias } = await withMisroundedFusion(() => train(data, { compile: true }, perExample));
  t.deepEqual(compiled.weights, eager.weights);
  t.deepEqual(compiled.optimizerBits, eager.optimizerBits);
  t.deepEqual(fuseBias, [true, false]);
  t.is(compiled.history.compilation?.traces, 2);
  t.is(compiled.history.compilation?.refusal, null);
  t.true((compiled.history.compilation?.compiledSteps ?? 0) > 0);
  tf.dispose([data.x, data.y]);
});
