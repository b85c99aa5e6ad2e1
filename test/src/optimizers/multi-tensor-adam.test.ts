// MultiTensorAdam against tfjs's Adam: the same bits, the same state layout, far fewer kernels.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { adam, MultiTensorAdam } from '../../../src/optimizers/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { stepCost } from '../../../bench/reads.js';
import { expectNoLeak } from '../../helpers/leak.js';

const SHAPES: number[][] = [[3, 4], [4], [], [2, 3, 2], [1], [37, 29]];

/** Variables of `SHAPES` with fixed values (one set per `tag`). The caller disposes them. */
function variables(tag: string, shapes: number[][] = SHAPES): tf.Variable[] {
  return shapes.map((shape, i) =>
    tf.tidy(() => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: size }, (_, k) => Math.sin(0.7 * k + 1.3 * i));
      return tf.variable(tf.tensor(values, shape), true, `${tag}_${i}_${Math.random().toString(36).slice(2)}`);
    }),
  );
}

/** The gradient of step `step` for variable `i` (varied magnitudes, signs and a zero). Caller owns it. */
function gradient(shape: number[], i: number, step: number): tf.Tensor {
  return tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, (_, k) => (k === 1 ? 0 : Math.cos(1.1 * k + 0.37 * step + i) * 10 ** ((k % 5) - 2)));
    return tf.tensor(values, shape);
  });
}

/** Runs `steps` updates; `missing(step)` names the variable indices that get no gradient in that step. */
function train(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  steps: number,
  missing: (step: number) => number[] = () => [],
  from = 0,
): void {
  for (let step = from; step < from + steps; step++) {
    const left = missing(step);
    const grads = vars.map((v, i) => (left.includes(i) ? null : gradient(v.shape, i, step)));
    // tfjs's Adam keeps state by position: its list keeps every variable, with null for a missing gradient.
    optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })));
    tf.dispose(grads.filter((g): g is tf.Tensor => g !== null));
  }
}

function bits(vars: readonly tf.Tensor[]): number[][] {
  return vars.map((v) => Array.from(new Uint32Array((v.dataSync() as Float32Array).slice().buffer)));
}

/** Adam's running β powers (a field of both optimizers). */
function powers(optimizer: tf.Optimizer): tf.Variable[] {
  const o = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  return [o.accBeta1, o.accBeta2];
}

const HYPER: Array<[number, number, number, number | undefined]> = [
  [1e-2, 0.9, 0.999, undefined],
  [0.3, 0.5, 0.9, 1e-3],
  [1e-3, 0, 0.99, 1e-8],
];

test('weights and moments after several steps are bit-identical to tf.train.adam with the same hyper-parameters', async (t) => {
  for (const [lr, b1, b2, eps] of HYPER) {
    const reference = variables('ref');
    const flat = variables('flat');
    const tfjs = tf.train.adam(lr, b1, b2, eps);
    const ours = adam(lr, b1, b2, eps);
    train(tfjs, reference, 6);
    train(ours, flat, 6);
    t.deepEqual(bits(flat), bits(reference), `lr ${lr}, β ${b1}/${b2}, ε ${eps}`);
    const [tfjsState, ourState] = [await tfjs.getWeights(), await ours.getWeights()];
    t.deepEqual(
      ourState.map((w) => w.tensor.shape),
      tfjsState.map((w) => w.tensor.shape),
    );
    t.deepEqual(bits(ourState.map((w) => w.tensor)), bits(tfjsState.map((w) => w.tensor)));
    t.deepEqual(bits(powers(ours)), bits(powers(tfjs)));
    t.is(ours.iterations, 6);
    tfjsState[0].tensor.dispose();
    ourState[0].tensor.dispose();
    tfjs.dispose();
    ours.dispose();
    tf.dispose([...reference, ...flat]);
  }
});

test('a variable without a gradient in a step keeps its value and moments; the others match tf.train.adam', async (t) => {
  const missing = (step: number) => (step === 2 ? [1] : step === 3 ? [0, 4] : []);
  const reference = variables('ref');
  const flat = variables('flat');
  const tfjs = tf.train.adam(0.05);
  const ours = adam(0.05);
  train(tfjs, reference, 3, missing);
  train(ours, flat, 3, missing);
  const before = bits([flat[0], flat[4]]);
  train(tfjs, reference, 1, missing, 3);
  train(ours, flat, 1, missing, 3);
  t.deepEqual(bits([flat[0], flat[4]]), before, 'no gradient, no change');
  train(tfjs, reference, 2, missing, 4);
  train(ours, flat, 2, missing, 4);
  t.deepEqual(bits(flat), bits(reference));
  // Name-keyed state: a gradient map without a variable (as tf.variableGrads returns) also leaves it alone.
  const g = gradient(flat[2].shape, 2, 9);
  const untouched = bits([flat[0]]);
  ours.applyGradients({ [flat[2].name]: g });
  t.deepEqual(bits([flat[0]]), untouched);
  g.dispose();
  tfjs.dispose();
  ours.dispose();
  tf.dispose([...reference, ...flat]);
});

test('getWeights/setWeights round-trip with itself and with tf.train.adam in both directions (exact continuation)', async (t) => {
  const reference = variables('ref');
  const tfjs = tf.train.adam(0.02);
  train(tfjs, reference, 7);
  for (const [first, second] of [
    ['tfjs', 'ours'],
    ['ours', 'ours'],
    ['ours', 'tfjs'],
  ] as const) {
    const make = (kind: 'tfjs' | 'ours') => (kind === 'tfjs' ? tf.train.adam(0.02) : adam(0.02));
    const vars = variables(`${first}_${second}`);
    const writer = make(first);
    train(writer, vars, 4);
    const state = await writer.getWeights();
    const reader = make(second);
    await reader.setWeights(state);
    // As the trainer's checkpoints do: the exact running products (setWeights recomputes pow(β, t + 1)).
    powers(reader).forEach((p, i) => p.assign(powers(writer)[i]));
    state[0].tensor.dispose();
    writer.dispose();
    train(reader, vars, 3, () => [], 4);
    t.is(reader.iterations, 7, `${first} → ${second}`);
    t.deepEqual(bits(vars), bits(reference), `${first} → ${second}`);
    reader.dispose();
    tf.dispose(vars);
  }
  tfjs.dispose();
  tf.dispose(reference);
});

test('restored state stays for the variables of the first update with gradients, also after an update with none', async (t) => {
  const vars = variables('bind');
  const writer = adam(0.02);
  train(writer, vars, 2);
  const state = await writer.getWeights();
  const reader = adam(0.02);
  await reader.setWeights([
    { name: 'iter', tensor: state[0].tensor },
    ...state.slice(1).map((w) => ({ name: `saved_${w.name}`, tensor: w.tensor })),
  ]);
  const restored = bits(state.slice(1).map((w) => w.tensor));
  state[0].tensor.dispose();
  reader.applyGradients([]);
  const unbound = await reader.getWeights();
  t.is(unbound.length, 1 + 2 * vars.length);
  t.true(
    unbound.slice(1).every((w) => w.name.startsWith('saved_')),
    'still the saved names',
  );
  t.deepEqual(bits(unbound.slice(1).map((w) => w.tensor)), restored);
  unbound[0].tensor.dispose();
  train(reader, vars, 1, () => [], 2);
  const bound = await reader.getWeights();
  t.is(bound.length, 1 + 2 * vars.length, 'the restored moments were taken, not new zero ones');
  t.deepEqual(
    bound.slice(1, 1 + vars.length).map((w) => w.name),
    vars.map((v) => `${v.name}/m`),
  );
  bound[0].tensor.dispose();
  [writer, reader].forEach((o) => o.dispose());
  tf.dispose(vars);
});

/** Kernels of the second update of `count` variables of shape [5, 3] (the first creates the state). */
async function updateKernels(optimizer: tf.Optimizer, count: number): Promise<number> {
  const vars = variables(
    'count',
    Array.from({ length: count }, () => [5, 3]),
  );
  const grads = vars.map((v, i) => gradient(v.shape, i, 0));
  const apply = () => optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  apply();
  const { kernels } = await stepCost(apply);
  optimizer.dispose();
  tf.dispose([...vars, ...grads]);
  return kernels;
}

test('an update runs a fixed number of kernels plus at most three per variable (tf.train.adam: ~14 per variable)', async (t) => {
  const ours4 = await updateKernels(adam(0.01), 4);
  const ours16 = await updateKernels(adam(0.01), 16);
  const tfjs4 = await updateKernels(tf.train.adam(0.01), 4);
  const tfjs16 = await updateKernels(tf.train.adam(0.01), 16);
  t.log(`kernels per update, 4 / 16 variables: MultiTensorAdam ${ours4} / ${ours16}, tf.train.adam ${tfjs4} / ${tfjs16}`);
  const perVariable = (ours16 - ours4) / 12;
  t.true(perVariable <= 3, `${perVariable} kernels per extra variable`);
  t.true(ours4 - 4 * perVariable <= 20, `${ours4 - 4 * perVariable} fixed kernels`);
  t.true(tfjs16 - tfjs4 >= 12 * 12, `tf.train.adam ran ${(tfjs16 - tfjs4) / 12} kernels per extra variable`);
});

test('updates, getWeights and setWeights leak nothing, and dispose frees every tensor the optimizer made', async (t) => {
  const vars = variables('leak');
  await expectNoLeak(t, async () => {
    const optimizer = adam(0.01);
    train(optimizer, vars, 2);
    await expectNoLeak(t, () => train(optimizer, vars, 3, (step) => (step === 3 ? [2] : [])), 'updates');
    const state = await optimizer.getWeights();
    const other = adam(0.01);
    await other.setWeights(state);
    state[0].tensor.dispose();
    train(other, vars, 1);
    await optimizer.getWeights().then((again) => again[0].tensor.dispose());
    optimizer.dispose();
    other.dispose();
  });
  tf.dispose(vars);
});

test('bad hyper-parameters, unknown variables and mismatched restored state are rejected with named errors', async (t) => {
  t.throws(() => adam(-1), { instanceOf: InvalidArgumentError, message: /learningRate/ });
  t.throws(() => adam(0.1, 1), { instanceOf: InvalidArgumentError, message: /beta1/ });
  t.throws(() => adam(0.1, 0.9, -0.1), { instanceOf: InvalidArgumentError, message: /beta2/ });
  t.throws(() => new MultiTensorAdam(0.1, 0.9, 0.999, 0), { instanceOf: InvalidArgumentError, message: /epsilon/ });
  const optimizer = adam(0.1);
  const g = tf.ones([2]);
  t.throws(() => optimizer.applyGradients({ no_such_variable: g }), { instanceOf: InvalidArgumentError, message: /no_such_variable/ });
  const m = tf.zeros([3]);
  await t.throwsAsync(
    () =>
      optimizer.setWeights([
        { name: 'iter', tensor: tf.scalar(1) },
        { name: 'a/m', tensor: m },
      ]),
    {
      instanceOf: InvalidArgumentError,
    },
  );
  await t.throwsAsync(
    () =>
      optimizer.setWeights([
        { name: 'iter', tensor: tf.scalar(1) },
        { name: 'a/m', tensor: m },
        { name: 'a/v', tensor: g },
      ]),
    { instanceOf: ShapeError },
  );
  await optimizer.setWeights([
    { name: 'iter', tensor: tf.scalar(1) },
    { name: 'a/m', tensor: m },
    { name: 'a/v', tensor: m },
  ]);
  const [v] = variables('mismatch', [[2]]);
  t.throws(() => optimizer.applyGradients({ [v.name]: g }), { instanceOf: ShapeError, message: /binds by position/ });
  optimizer.dispose();
  tf.dispose([g, m, v]);
});
