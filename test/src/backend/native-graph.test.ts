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
