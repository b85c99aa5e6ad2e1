/**
 * The stochastic forward passes of `predictive` on one chunk, each as one TensorFlow graph call
 * (`options.compile`, tfjs-node's `tensorflow` backend only; issue 13's lever 4).
 *
 * The first time a model meets a chunk shape, pass 0 runs eagerly while its native calls and its
 * random draws are recorded; the record becomes a graph whose inputs are the chunk, the model's
 * weights and the draws (`CompiledGraph`), kept for the model, that shape and the model's config
 * (so a `setSamplingMode` or another estimator makes a new one). In every call one pass still runs
 * eagerly — pass 1 after a trace, pass 0 with a kept graph — and the graph, fed that pass's draws
 * (`replayDraws`: the same streams at that position), must give its logits bit for bit; only then
 * do the other passes run compiled. Whatever cannot be traced (a model function rather than a
 * `tf.LayersModel`, a tensor made outside the pass and not a weight) or does not reproduce (a value
 * baked into the graph that should change per pass) leaves the passes eager: compiling never
 * changes a result. A key's graph is first written with the biases fused into their
 * convolutions (`fuseBias`); where such a graph fails the check, the next call traces one without.
 * `releaseCompiledPasses(model)` frees a model's graphs (they are also freed once the model is
 * garbage-collected).
 */
import * as tf from '@tensorflow/tfjs';
import { CompiledGraph, graphCompilationAvailable, graphTensor } from '../../src/backend/native-graph/trace.js';
import { identical } from '../../src/backend/native-graph/identical.js';
import type { RecordedDraw } from '../../src/random/draw-recorder.js';
import { runWithDraws, traceWithDraws } from '../compiled-draws.js';
import type { NoiseSource } from '../../src/random/index.js';

/** The logits of one pass at a particle; the caller owns the tensor. */
export type PassLogits = (particle: number) => tf.Tensor;

/** Logits of every pass of one chunk, compiled where that reproduces the eager passes exactly. */
export interface ChunkPasses {
  /** The logits of pass `particle` (call with 0, 1, 2, … in order); the caller owns the tensor. */
  logits(particle: number): tf.Tensor;
  /** Whether the graph passed this call's check, so that the remaining passes run as one graph call each. */
  readonly compiled: boolean;
  /** Ends this use (the graph stays kept for the model: `releaseCompiledPasses` frees it). */
  dispose(): void;
}

/** A compiled pass: the graph and the draws it takes as inputs. */
interface CompiledPass {
  readonly graph: CompiledGraph;
  readonly draws: readonly RecordedDraw[];
  /** Whether the graph was written with `fuseBias`. */
  readonly fusedBias: boolean;
}

/** What is kept for one model: its graphs by chunk shape and config (null where the pass cannot be traced), and the keys whose fused graph failed a check. */
interface ModelPasses {
  readonly graphs: Map<string, CompiledPass | null>;
  readonly unfused: Set<string>;
}

const kept = new WeakMap<tf.LayersModel, ModelPasses>();
const finalizer = new FinalizationRegistry<Map<string, CompiledPass | null>>((graphs) => {
  for (const pass of graphs.values()) pass?.graph.dispose();
});

function keptPasses(model: tf.LayersModel): ModelPasses {
  let passes = kept.get(model);
  if (passes === undefined) {
    passes = { graphs: new Map(), unfused: new Set() };
    kept.set(model, passes);
    finalizer.register(model, passes.graphs);
  }
  return passes;
}

/** Frees the compiled passes kept for `model` (TensorFlow sessions). Idempotent. */
export function releaseCompiledPasses(model: tf.LayersModel): void {
  const passes = kept.get(model);
  if (passes === undefined) return;
  for (const pass of passes.graphs.values()) pass?.graph.dispose();
  passes.graphs.clear();
  passes.unfused.clear();
}

function eagerPasses(eager: PassLogits): ChunkPasses {
  return { logits: eager, compiled: false, dispose: () => {} };
}

/**
 * Traces pass 0 and compiles it (with `fuseBias` when `fusedBias`); null (pass 0's logits still
 * returned) when it cannot be traced.
 */
function tracePass(
  eager: PassLogits,
  chunk: tf.Tensor,
  weights: readonly tf.Tensor[],
  fusedBias: boolean,
): { logits: tf.Tensor; pass: CompiledPass | null } {
  const { result: logits, trace, draws, drawInputs } = traceWithDraws(() => eager(0));
  try {
    const graph = CompiledGraph.compile(trace, [graphTensor(chunk), ...weights.map(graphTensor), ...drawInputs], [graphTensor(logits)], {
      fuseBias: fusedBias,
    });
    return { logits, pass: { graph, draws, fusedBias } };
  } catch {
    // Not traceable (BnnError: a tensor read that is not a weight) or not loadable by TensorFlow:
    // the passes stay eager, whose results are right by definition.
    return { logits, pass: null };
  }
}

/** Runs the compiled pass at `particle`; the caller owns the logits. */
function runCompiled(
  pass: CompiledPass,
  chunk: tf.Tensor,
  weights: readonly tf.Tensor[],
  noise: NoiseSource,
  step: number,
  particle: number,
): tf.Tensor {
  return runWithDraws(pass.graph, [chunk, ...weights], pass.draws, noise, { step, particle })[0];
}

/**
 * The passes over `chunk` of a `tf.LayersModel`, compiled when the backend allows and this call's
 * check holds (see the file comment); `eager` computes one pass's logits the usual way.
 */
export function chunkPasses(
  model: tf.LayersModel | ((x: tf.Tensor) => tf.Tensor),
  chunk: tf.Tensor,
  noise: NoiseSource,
  step: number,
  eager: PassLogits,
): ChunkPasses {
  if (!graphCompilationAvailable() || !(model instanceof tf.LayersModel)) return eagerPasses(eager);
  const weights = () => model.weights.map((w) => w.read());
  const { graphs: passes, unfused } = keptPasses(model);
  const key = `${chunk.shape.join('x')}|${JSON.stringify(model.getConfig())}`;
  /** The graph once checked in this call, else null. */
  let checked: CompiledPass | null = null;
  /** The particle whose eager pass checks the graph: 0 with a kept graph, 1 after a trace. */
  let checkAt = 0;
  const check = (particle: number): tf.Tensor => {
    const pass = passes.get(key) as CompiledPass;
    const reference = eager(particle);
    const candidate = runCompiled(pass, chunk, weights(), noise, step, particle);
    const same = identical(reference, candidate);
    candidate.dispose();
    if (same) checked = pass;
    else {
      // A graph with fused biases that differs is traced again without them at the next call.
      if (pass.fusedBias) unfused.add(key);
      pass.graph.dispose();
      passes.delete(key);
    }
    return reference;
  };
  return {
    get compiled() {
      return checked !== null;
    },
    logits(particle: number): tf.Tensor {
      if (checked !== null) return runCompiled(checked, chunk, weights(), noise, step, particle);
      if (particle === 0 && !passes.has(key)) {
        const traced = tracePass(eager, chunk, weights(), !unfused.has(key));
        passes.set(key, traced.pass);
        checkAt = 1;
        return traced.logits;
      }
      if (particle === checkAt && passes.get(key)) return check(particle);
      return eager(particle);
    },
    dispose(): void {
      checked = null;
    },
  };
}
