/**
 * Lever 4 of issue 13, measured: one Bayes-by-Backprop training step of the MLP 784-400-400-10
 * (batch 128; w = loc + softplus(rawScale)·ε with TensorFlow's stateless normals, closed-form KL to
 * N(0, 1) weighted 1/N, softmax cross-entropy, Adam) written as a pure function of its inputs, run
 * eagerly through tfjs-node, and the same step compiled: its ops recorded once (`trace.ts`), saved
 * as a SavedModel graph and run with one `runSavedModel` call per step (TensorFlow's session, with
 * its graph optimizer). Interleaved A/B in one process, outputs compared after one step.
 *
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/compiled-step.js [--steps 30] [--sizes 784,400,400,10] [--batch 128]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { klNormalToFixedNormalSum } from '../src/kl/normal-sum.js';
import { statelessNormalFromSeedTensor } from '../src/random/native-normal.js';
import { checkedArgv, integerFlag, listFlag } from './flags.js';
import { CompiledGraph, graphTensor, traceCall } from '../src/backend/native-graph/trace.js';

const USAGE = 'Usage: TFJS_BNN_BACKEND=tensorflow node dist/bench/compiled-step.js [--steps 30] [--sizes 784,400,400,10] [--batch 128]';
const DATASET = 60_000;
const [BETA1, BETA2, EPSILON, LEARNING_RATE] = [0.9, 0.999, 1e-7, 1e-3];

/** Layer widths (input first) and batch size; set from the flags in `main`. */
let SIZES = [784, 400, 400, 10];
let BATCH = 128;
/** Shapes of the variational parameters: kernel and bias per layer. */
let SHAPES: number[][] = [];
let P = 0;

/**
 * inputs: x, y, stepSize (lr·√(1−β2ᵗ)/(1−β1ᵗ)), P seeds, then per parameter loc, rawScale, and the
 * Adam moments m, v of loc and of rawScale. Returns the loss, then the updated loc, rawScale, m, v, … in input order.
 */
function step(inputs: tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const [x, y, stepSize, ...rest] = inputs;
    const seeds = rest.slice(0, P);
    const state = rest.slice(P);
    const locs = SHAPES.map((_, i) => state[6 * i]);
    const raws = SHAPES.map((_, i) => state[6 * i + 1]);
    const lossOf = (...values: tf.Tensor[]) => {
      const loc = values.slice(0, P);
      const raw = values.slice(P);
      let h = x;
      let kl: tf.Tensor = tf.scalar(0);
      for (let l = 0; l < SIZES.length - 1; l++) {
        const [k, b] = [2 * l, 2 * l + 1];
        const scaleK = tf.softplus(raw[k]);
        const scaleB = tf.softplus(raw[b]);
        const w = tf.add(loc[k], tf.mul(scaleK, statelessNormalFromSeedTensor(SHAPES[k], seeds[k])));
        const bias = tf.add(loc[b], tf.mul(scaleB, statelessNormalFromSeedTensor(SHAPES[b], seeds[b])));
        h = tf.add(tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D), bias);
        if (l < SIZES.length - 2) h = tf.relu(h);
        kl = tf.add(kl, tf.add(klNormalToFixedNormalSum(loc[k], scaleK, 0, 1), klNormalToFixedNormalSum(loc[b], scaleB, 0, 1)));
      }
      return tf.add(tf.losses.softmaxCrossEntropy(y, h), tf.div(kl, DATASET)) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(lossOf)([...locs, ...raws]);
    const updated: tf.Tensor[] = [value];
    SHAPES.forEach((_, i) => {
      for (const [slot, gradient] of [
        [0, grads[i]],
        [1, grads[P + i]],
      ] as const) {
        const parameter = state[6 * i + slot];
        const m = tf.add(tf.mul(state[6 * i + 2 + 2 * slot], BETA1), tf.mul(gradient, 1 - BETA1));
        const v = tf.add(tf.mul(state[6 * i + 3 + 2 * slot], BETA2), tf.mul(tf.square(gradient), 1 - BETA2));
        const next = tf.sub(parameter, tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), EPSILON)));
        updated.push(next, m, v);
      }
    });
    // Reorder to the input layout: loc, rawScale, mLoc, vLoc, mRaw, vRaw per parameter.
    const out: tf.Tensor[] = [updated[0]];
    SHAPES.forEach((_, i) => {
      const [loc, mLoc, vLoc, raw, mRaw, vRaw] = updated.slice(1 + 6 * i, 7 + 6 * i);
      out.push(loc, raw, mLoc, vLoc, mRaw, vRaw);
    });
    return out;
  });
}

function initialState(): tf.Tensor[] {
  return SHAPES.flatMap((shape, i) => [
    tf.randomUniform(shape, -0.05, 0.05, 'float32', i),
    tf.fill(shape, -3),
    tf.zeros(shape),
    tf.zeros(shape),
    tf.zeros(shape),
    tf.zeros(shape),
  ]);
}

function stepInputs(t: number, x: tf.Tensor, y: tf.Tensor, state: tf.Tensor[]): tf.Tensor[] {
  const stepSize = tf.scalar((LEARNING_RATE * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t));
  const seeds = SHAPES.map((_, i) => tf.tensor1d([t, i], 'int32'));
  return [x, y, stepSize, ...seeds, ...state];
}

async function main(): Promise<void> {
  const argv = checkedArgv(process.argv.slice(2), 'bench/compiled-step', USAGE, { values: ['--steps', '--sizes', '--batch'] });
  const steps = integerFlag(argv, '--steps', 30, 'bench/compiled-step');
  BATCH = integerFlag(argv, '--batch', 128, 'bench/compiled-step');
  SIZES = listFlag(argv, '--sizes', ['784', '400', '400', '10']).map(Number);
  if (SIZES.length < 2 || SIZES.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`bench/compiled-step: --sizes needs ≥ 2 positive integers, got ${SIZES.join(',')}`);
  SHAPES = SIZES.slice(1).flatMap((units, l) => [[SIZES[l], units], [units]]);
  P = SHAPES.length;
  await initBackend();
  const classes = SIZES[SIZES.length - 1];
  const x = tf.randomNormal([BATCH, SIZES[0]], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, classes, 'int32', 2) as tf.Tensor1D, classes).toFloat();
  // Trace one eager step and compile it.
  const first = stepInputs(1, x, y, initialState());
  const { result: eagerOut, trace } = traceCall(() => step(first));
  const graph = CompiledGraph.compile(trace, first.map(graphTensor), eagerOut.map(graphTensor));
  const compiled = (inputs: tf.Tensor[]) => graph.run(inputs);
  const compiledOut = compiled(first);
  let maxDiff = 0;
  eagerOut.forEach((e, k) => {
    const d = tf.max(tf.abs(tf.sub(e, compiledOut[k]))).dataSync()[0];
    maxDiff = Math.max(maxDiff, d);
  });
  console.log(
    `traced ${trace.ops.length} ops, ${trace.constants.size} constants; compiled vs eager after one step: max |Δ| = ${maxDiff.toExponential(2)} (loss ${eagerOut[0].dataSync()[0].toFixed(5)} / ${compiledOut[0].dataSync()[0].toFixed(5)})`,
  );
  tf.dispose([...eagerOut.slice(1)]);
  // Interleaved timing: each variant carries its own state.
  let eagerState = compiledOut.slice(1).map((t) => t.clone());
  let compiledState = compiledOut.slice(1);
  tf.dispose([eagerOut[0], compiledOut[0]]);
  const times = { eager: [] as number[], compiled: [] as number[] };
  for (let t = 2; t < steps + 5; t++) {
    for (const variant of ['eager', 'compiled'] as const) {
      const state = variant === 'eager' ? eagerState : compiledState;
      const inputs = stepInputs(t, x, y, state);
      const start = performance.now();
      const out = variant === 'eager' ? step(inputs) : compiled(inputs);
      out[0].dataSync();
      const ms = performance.now() - start;
      if (t >= 5) times[variant].push(ms);
      tf.dispose([...inputs.slice(2, 3 + P), ...state, out[0]]);
      if (variant === 'eager') eagerState = out.slice(1);
      else compiledState = out.slice(1);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(
    `median ms per step: eager ${median(times.eager).toFixed(2)}, compiled ${median(times.compiled).toFixed(2)} (${(median(times.compiled) / median(times.eager)).toFixed(2)}×), ${times.eager.length} interleaved steps each`,
  );
  graph.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
