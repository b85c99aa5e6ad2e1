// Compiling a traced call into one TensorFlow graph (issue 13, lever 4): a traced call saved as a SavedModel
// graph gives the eager call's outputs on the native backend, to float rounding (TensorFlow's graph
// optimizer may fuse or reorder an op); elsewhere it refuses.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/index.js';
import { savedModelBytes } from '../../../src/backend/native-graph/saved-model.js';
import { CompiledGraph, graphTensor, traceCall, type GraphTensor } from '../../../src/backend/native-graph/trace.js';
import { graphNodes } from '../../helpers/graph-def.js';
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

/** tfjs-node's dtype and attribute codes (TensorFlow's C API values), for the writer on any backend. */
const CODES = {
  TF_FLOAT: 1,
  TF_INT32: 3,
  TF_BOOL: 10,
  TF_ATTR_STRING: 0,
  TF_ATTR_INT: 1,
  TF_ATTR_FLOAT: 2,
  TF_ATTR_BOOL: 3,
  TF_ATTR_TYPE: 4,
  TF_ATTR_SHAPE: 5,
};

test('fuseBias writes a float Add of a [..., C] tensor and a [C] vector as BiasAdd, value first, and leaves every other Add', (t) => {
  const declared: GraphTensor[] = [
    { handle: 1, shape: [2, 3, 4], dtype: 'float32' },
    { handle: 2, shape: [4], dtype: 'float32' },
    { handle: 3, shape: [5, 4], dtype: 'float32' },
    { handle: 4, shape: [3, 4], dtype: 'float32' },
    { handle: 5, shape: [5, 4], dtype: 'int32' },
    { handle: 6, shape: [4], dtype: 'int32' },
    { handle: 7, shape: [1], dtype: 'float32' },
  ];
  const add = (op: string, inputs: number[], output: number, shape: number[], dtype = CODES.TF_FLOAT) => ({
    op,
    attrs: [{ name: 'T', type: CODES.TF_ATTR_TYPE, value: dtype }],
    inputs,
    outputs: [{ id: output, shape, dtype }],
  });
  const ops = [
    add('Add', [1, 2], 10, [2, 3, 4]), // conv-like output + bias → BiasAdd(1, 2)
    add('AddV2', [2, 3], 11, [5, 4]), // bias first → BiasAdd(3, 2)
    add('Add', [2, 2], 12, [4]), // two vectors
    add('Add', [1, 4], 13, [2, 3, 4]), // a [3, 4] "bias": not a vector
    add('Add', [5, 6], 14, [5, 4], CODES.TF_INT32), // int32
    add('Add', [3, 7], 15, [5, 4]), // a [1] vector broadcast: not as long as the last dimension
  ];
  const outputs = ops.map((op) => ({ handle: op.outputs[0].id, shape: op.outputs[0].shape, dtype: 'float32' as const }));
  const nodes = (fuseBias: boolean) =>
    graphNodes(
      savedModelBytes(CODES, { ops, constants: new Map() }, declared, outputs, { preserveArithmetic: false, fuseBias }).bytes,
    ).filter((node) => node.op !== 'Placeholder');
  t.deepEqual(
    nodes(true).map((node) => `${node.op}(${node.inputs.join(', ')})`),
    [
      'BiasAdd(input_0:0, input_1:0)',
      'BiasAdd(input_2:0, input_1:0)',
      'Add(input_1:0, input_1:0)',
      'Add(input_0:0, input_3:0)',
      'Add(input_4:0, input_5:0)',
      'Add(input_2:0, input_6:0)',
    ],
  );
  t.deepEqual(
    nodes(false).map((node) => node.op),
    ['Add', 'AddV2', 'Add', 'Add', 'Add', 'Add'],
  );
});

test('fuseBias: conv and dense layers compiled with their biases fused give the eager bits, for new inputs too (tensorflow only)', async (t) => {
  await initBackend();
  if (tf.getBackend() !== 'tensorflow') return t.pass('compiling needs the tensorflow backend');
  const shapes = [
    [1, 8],
    [8, 16],
    [16, 1],
  ];
  const weights = tf.tidy(() => [
    ...shapes.map(([cin, cout], k) => tf.mul(tf.randomNormal([3, 3, cin, cout], 0, 1, 'float32', k + 1), 0.3)),
    ...shapes.map(([, cout], k) => tf.randomNormal([cout], 0, 0.1, 'float32', k + 11)),
    tf.randomNormal([16 * 16, 5], 0, 0.1, 'float32', 21),
    tf.randomNormal([5], 0, 0.1, 'float32', 22),
  ]);
  const forward = (x: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      let h = x as tf.Tensor4D;
      shapes.forEach((_, k) => {
        const activation = k < shapes.length - 1 ? 'relu' : 'linear';
        h = tf.fused.conv2d({ x: h, filter: weights[k] as tf.Tensor4D, bias: weights[3 + k], strides: 1, pad: 'same', activation });
      });
      return tf.fused.matMul({ a: tf.reshape(h, [h.shape[0], -1]), b: weights[6] as tf.Tensor2D, bias: weights[7] });
    });
  const x0 = tf.randomUniform([4, 16, 16, 1], 0, 1, 'float32', 30);
  const { result, trace } = traceCall(() => forward(x0));
  t.true(trace.ops.filter((op) => op.op === 'Add' || op.op === 'AddV2').length >= 4, trace.ops.map((op) => op.op).join(','));
  const graph = CompiledGraph.compile(trace, [x0, ...weights].map(graphTensor), [graphTensor(result)], { fuseBias: true });
  result.dispose();
  for (let trial = 0; trial < 5; trial++) {
    const x = tf.randomUniform([4, 16, 16, 1], -1, 2, 'float32', 40 + trial);
    const eager = take(forward(x));
    const compiled = take(graph.run([x, ...weights])[0]);
    t.true(
      eager.every((v, i) => Object.is(v, compiled[i])),
      `input ${trial}: largest gap ${relativeGap(compiled, eager)}`,
    );
    x.dispose();
  }
  graph.dispose();
  tf.dispose([x0, ...weights]);
});
