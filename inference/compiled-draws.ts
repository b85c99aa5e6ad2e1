/**
 * What compiled training steps and compiled predictive passes share: a call traced for
 * `CompiledGraph` with its random draws recorded (on the native backend a draw's graph input is
 * its seed pair, so the generators run inside the graph), and a graph run fed those draws
 * replayed from the same streams at another position.
 */
import * as tf from '@tensorflow/tfjs';
import { graphTensor, traceCall, type CompiledGraph, type GraphTensor, type Trace } from '../src/backend/native-graph/trace.js';
import { recordDraws, replayDraws, type RecordedDraw } from '../src/random/draw-recorder.js';
import type { NoisePosition, NoiseSource } from '../src/random/index.js';

/**
 * Runs `fn()` once, eagerly, recording its native calls and its random draws. Returns its result
 * (owned by the caller), the trace, the draws (to replay) and their graph inputs (to declare after
 * the call's other inputs).
 */
export function traceWithDraws<T>(fn: () => T): { result: T; trace: Trace; draws: RecordedDraw[]; drawInputs: GraphTensor[] } {
  const drawInputs: GraphTensor[] = [];
  const { result, trace } = traceCall(() => recordDraws(fn, (tensor) => drawInputs.push(graphTensor(tensor))));
  return { result: result.result, trace, draws: result.draws, drawInputs };
}

/**
 * Runs `graph` on `inputs` followed by the draws `recorded` replayed from `noise` at `position`.
 * The caller owns the outputs; the inputs stay the caller's.
 */
export function runWithDraws(
  graph: CompiledGraph,
  inputs: readonly tf.Tensor[],
  recorded: readonly RecordedDraw[],
  noise: NoiseSource,
  position: NoisePosition,
): tf.Tensor[] {
  const draws = replayDraws(recorded, noise, position);
  try {
    return graph.run([...inputs, ...draws]);
  } finally {
    tf.dispose(draws);
  }
}
