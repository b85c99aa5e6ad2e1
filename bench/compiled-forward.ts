/**
 * Lever 4 for the Monte Carlo rows, measured: one deterministic forward pass of the bench's conv
 * net 1→16→32→16→1 on [8, 64, 64, 1] (tf.layers `conv2d`, 3×3 'same', ReLU) run eagerly through
 * tfjs-node, and the same pass compiled with `bench/compiled-step/trace.ts` into one TensorFlow
 * graph call, whose optimizer can fuse each convolution with its bias and ReLU. Weights and input
 * are the graph's inputs. Interleaved A/B in one process; outputs compared.
 *
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/compiled-forward.js [--passes 40]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { checkedArgv, integerFlag } from './flags.js';
import { convNet } from './models.js';
import { CompiledGraph, graphTensor, traceCall } from '../src/backend/native-graph/trace.js';

const USAGE = 'Usage: TFJS_BNN_BACKEND=tensorflow node dist/bench/compiled-forward.js [--passes 40]';

async function main(): Promise<void> {
  const argv = checkedArgv(process.argv.slice(2), 'bench/compiled-forward', USAGE, { values: ['--passes'] });
  const passes = integerFlag(argv, '--passes', 40, 'bench/compiled-forward');
  await initBackend();
  const model = convNet('deterministic', 64);
  const x = tf.randomNormal([8, 64, 64, 1], 0, 1, 'float32', 3);
  const weights = model.weights.map((w) => w.read());
  const inputs = [x, ...weights];
  const { result: outputs, trace } = traceCall(() => [model.predict(x) as tf.Tensor]);
  const graph = CompiledGraph.compile(trace, inputs.map(graphTensor), outputs.map(graphTensor));
  const compiled = () => graph.run(inputs)[0];
  const first = compiled();
  const gap = tf.max(tf.abs(tf.sub(first, outputs[0]))).dataSync()[0];
  const scale = tf.max(tf.abs(outputs[0])).dataSync()[0];
  console.log(
    `traced ${trace.ops.length} ops (${trace.ops.map((o) => o.op).join(', ')}); compiled vs eager: max |Δ| = ${gap.toExponential(2)} (max |y| ${scale.toFixed(3)})`,
  );
  tf.dispose([first, ...outputs]);
  const times = { eager: [] as number[], compiled: [] as number[] };
  for (let i = 0; i < passes + 3; i++) {
    for (const variant of ['eager', 'compiled'] as const) {
      const start = performance.now();
      const y = variant === 'eager' ? (model.predict(x) as tf.Tensor) : compiled();
      y.dataSync();
      if (i >= 3) times[variant].push(performance.now() - start);
      y.dispose();
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(
    `median ms per pass: eager ${median(times.eager).toFixed(2)}, compiled ${median(times.compiled).toFixed(2)} ` +
      `(${(median(times.compiled) / median(times.eager)).toFixed(2)}×), ${times.eager.length} interleaved passes each`,
  );
  graph.dispose();
  model.dispose();
  x.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
