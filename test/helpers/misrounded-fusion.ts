// Simulates a CPU whose fused convolution-and-bias kernel rounds differently from the eager ops:
// while `fn` runs, every graph compiled with `fuseBias` returns its float outputs nudged by 1e-3,
// so it fails the bit-for-bit check. Returns what `fn` returned and the `fuseBias` flag of every
// compile, in order.
import * as tf from '@tensorflow/tfjs';
import { CompiledGraph, type CompileOptions } from '../../src/backend/native-graph/trace.js';

export async function withMisroundedFusion<T>(fn: () => T | Promise<T>): Promise<{ result: T; fuseBias: boolean[] }> {
  const original = CompiledGraph.compile;
  const fuseBias: boolean[] = [];
  CompiledGraph.compile = (trace, inputs, outputs, options: CompileOptions = {}) => {
    const graph = original.call(CompiledGraph, trace, inputs, outputs, options);
    fuseBias.push(options.fuseBias === true);
    if (options.fuseBias === true) {
      const run = graph.run.bind(graph);
      graph.run = (values) =>
        run(values).map((output) => {
          if (output.dtype !== 'float32') return output;
          const nudged = tf.add(output, 1e-3);
          output.dispose();
          return nudged;
        });
    }
    return graph;
  };
  try {
    return { result: await fn(), fuseBias };
  } finally {
    CompiledGraph.compile = original;
  }
}
