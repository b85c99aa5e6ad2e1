// Compiling a traced call into one TensorFlow graph (issue 13, lever 4): a traced call saved as a SavedModel
// graph gives the eager call's outputs on the native backend, to float rounding (TensorFlow's graph
// optimizer may fuse or reorder an op); elsewhere it refuses.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/index.js';
import { CompiledGraph, graphTensor, traceCall } from '../../../src/backend/native-graph/trace.js';
import { take } from '../../helpers/leak.js';

/** Largest |a − b| / max(1, |b|) over two equal-length arrays. */
function relativeGap(a: number[], b: number[]): number {
  return a.reduce((gap, v, i) => Math.max(gap, Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))), 0);
}

/** A small training-like call: forward, gradients through softplus/relu/matMul, an update. */
function call([x, w, raw]: tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => {
    const loss = (wv: tf.Tensor, rv: tf.Tensor) =>
      tf.sum(tf.square(tf.relu(tf.matMul(x as tf.Tensor2D, tf.mul(wv, tf.softplus(rv)) as tf.Tensor2D)))) as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(loss)([w, raw]);
    const [gw, graw] = grads;
    return [value, tf.sub(w, tf.mul(gw, 0.1)), tf.concat([tf.reshape(graw, [-1]), tf.stack([value])])];
  });
}

test('a traced call compiled to a SavedModel gives the eager outputs within 1e-6, for new inputs too (tensorflow only)', async (t) => {
  await initBackend();
  const inputs = [
    tf.randomNormal([4, 3], 0, 1, 'float32', 1),
    tf.randomNormal([3, 5], 0, 1, 'float32', 2),
    tf.randomNormal([3, 5], 0, 1, 'float32', 3),
  ];
  if (tf.getBackend() !== 'tensorflow') {
    t.throws(() => traceCall(() => call(inputs)), { message: /needs tfjs-node's 'tensorflow' backend/ });
    tf.dispose(inputs);
    return;
  }
  const { result: outputs, trace } = traceCall(() => call(inputs));
  t.true(
    trace.ops.some((op) => op.op === 'Softplus') && trace.ops.some((op) => op.op === 'ReluGrad'),
    trace.ops.map((op) => op.op).join(','),
  );
  const graph = CompiledGraph.compile(trace, inputs.map(graphTensor), outputs.map(graphTensor));
  const compiled = graph.run(inputs);
  outputs.forEach((eager, k) => {
    const [a, b] = [take(compiled[k]), take(eager)];
    t.is(a.length, b.length);
    t.true(relativeGap(a, b) < 1e-6, `output ${k}: ${relativeGap(a, b)}`);
  });
  // Other values through the same graph: still the eager results.
  const others = inputs.map((x) => tf.mul(x, -1.5));
  const eagerAgain = call(others);
  const compiledAgain = graph.run(others);
  eagerAgain.forEach((eager, k) => t.true(relativeGap(take(compiledAgain[k]), take(eager)) < 1e-6, `new inputs, output ${k}`));
  graph.dispose();
  t.throws(() => graph.run(inputs), { message: /disposed/ });
  tf.dispose([...inputs, ...others]);
});

/** Calls whose graph TensorFlow's optimizer would rewrite: constant folding and flattened sums. */
const rewritable: Record<string, (xs: tf.Tensor[]) => tf.Tensor> = {
  'constant chain (x·0.3)·0.7': (xs) => tf.mul(tf.mul(xs[0], 0.3), 0.7),
  'division by a constant x / 3': (xs) => tf.div(xs[0], 3),
  'AddN of three Add(Sum, Sum)': (xs) =>
    tf.addN([0, 1, 2].map((i) => tf.add(tf.sum(tf.mul(xs[0], xs[2 + i])), tf.sum(tf.mul(xs[1], xs[5 + i]))))),
  // 2–21 terms: one, two and three groups of TensorFlow's CPU kernel (n mod 8 first, then by 8).
  ...Object.fromEntries(
    [3, 9, 10, 16, 17, 21].map((n) => [
      `AddN of ${n} vectors of mixed magnitude`,
      (xs: tf.Tensor[]) => tf.addN(Array.from({ length: n }, (_, i) => tf.mul(xs[i % 2], 10 ** (i % 5) * (i % 3 === 0 ? -1 : 1)))),
    ]),
  ),
};

test('preserveArithmetic: compiled graphs give the eager bits where the graph optimizer would rewrite the arithmetic (tensorflow only)', async (t) => {
  await initBackend();
  if (tf.getBackend() !== 'tensorflow') {
    t.throws(() => CompiledGraph.compile({ ops: [], constants: new Map() }, [], [], { preserveArithmetic: true }), {
      message: /needs tfjs-node's 'tensorflow' backend/,
    });
    return;
  }
  for (const [name, fn] of Object.entries(rewritable)) {
    let graph: CompiledGraph | null = null;
    let mismatches = 0;
    for (let trial = 0; trial < 20; trial++) {
      const inputs = tf.tidy(() => [
        tf.randomNormal([1000], 0, 1, 'float32', 10 * trial + 1),
        tf.randomNormal([1000], 0, 3, 'float32', 10 * trial + 2),
        ...Array.from({ length: 6 }, (_, i) => tf.scalar((i + 1) * (trial + 1) * 0.37 - 2)),
      ]);
      if (graph === null) {
        const { result, trace } = traceCall(() => fn(inputs));
        graph = CompiledGraph.compile(trace, inputs.map(graphTensor), [graphTensor(result)], { preserveArithmetic: true });
        result.dispose();
      }
      const eager = take(fn(inputs));
      const compiled = take(graph.run(inputs)[0]);
      if (!eager.every((v, i) => Object.is(v, compiled[i]))) mismatches += 1;
      tf.dispose(inputs);
    }
    t.is(mismatches, 0, `${name}: ${mismatches} of 20 inputs differ`);
    graph?.dispose();
  }
});
