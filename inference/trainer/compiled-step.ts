/**
 * `fit`'s training step as one TensorFlow graph call (`compile: true`; tfjs-node's `tensorflow`
 * backend; issue 13's lever 4).
 *
 * The step is written as a pure function of its inputs (`pureStep`): the batch, the KL weights as
 * scalars (`Elbo.terms`' `fed`), −α, the model's weights, multi-tensor Adam's state and the random
 * draws. It returns the values the step reads (report, gradient squared norms, global norm) and
 * the new weights and optimizer state, and changes nothing; the caller reads the values once and
 * commits the new state only when they are finite (the non-finite guard). Run eagerly, it computes
 * exactly what `trainingStep` computes (the same kernels in the same order), so a compiled run
 * gives the same weights, bit for bit, as an eager one.
 *
 * Per key (batch shapes, the KL weighting's structure, the model's config) the steps go: the first runs eagerly and
 * learns the ELBO's count unit; the second runs eagerly while its native calls and random draws
 * are recorded (`traceCall`, `recordDraws`) and the record becomes a graph (`CompiledGraph`); the
 * third runs eagerly and the graph, fed the same inputs and the replayed draws, must give every
 * output bit for bit (the check) — only then do later steps run as one graph call each. The check
 * is repeated at the first compiled step of every epoch, so a setting a callback changed between
 * epochs is caught. A key whose graph fails a check is traced again at its next step, at most
 * `MAX_TRACES` times; then it stays eager. A key's first graph is written with the biases fused
 * into their convolutions and products (`fuseBias`), its retraces without. Whatever cannot be
 * traced (a tensor read that is not a declared input) stays eager too. Compiling never changes a result.
 */
import * as tf from '@tensorflow/tfjs';
import { CompiledGraph, graphCompilationAvailable, graphTensor } from '../../src/backend/native-graph/trace.js';
import { identical } from '../../src/backend/native-graph/identical.js';
import { MultiTensorAdam, type AdamState } from '../../src/optimizers/multi-tensor-adam.js';
import type { RecordedDraw } from '../../src/random/draw-recorder.js';
import { runWithDraws, traceWithDraws } from '../compiled-draws.js';
import type { NoiseSource } from '../../src/random/noise-source.js';
import type { Elbo } from '../elbo/elbo.js';
import { elboReportFromValues, fedTensors, klWeightScalars } from '../elbo/terms.js';
import type { TrainingPosition } from '../position.js';
import type { Batch } from './data-source.js';
import type { CompilationRecord } from './history.js';
import { stepReport } from './objective.js';
import {
  outputTensors,
  outputsOf,
  pureTrainingStep,
  type PureStepContext,
  type ReportNumbers,
  type StepInputs,
  type StepOutputs,
} from './pure-step.js';
import { stepOutcome, type StepClipping, type StepOutcome } from './step.js';

/** How often one key may be traced before its steps stay eager. */
const MAX_TRACES = 3;

/** A key's graph and what it needs per step. */
interface KeyState {
  /** Elements per example of the ELBO's count unit (1 for `'images'`), learnt on the first step. */
  unitFactor: number | null;
  graph: CompiledGraph | null;
  draws: readonly RecordedDraw[];
  /** Whether the graph passed a check, and in which epoch it was last checked. */
  trusted: boolean;
  checkedEpoch: number;
  traces: number;
}

/** The pieces of a run a compiled step works with. */
export interface CompiledStepContext {
  readonly model: tf.LayersModel;
  readonly elbo: Elbo;
  readonly optimizer: tf.Optimizer;
  /** The trained variables, in the order of the optimizer's state. */
  readonly variables: tf.Variable[];
  readonly noise: NoiseSource;
  readonly clipping: StepClipping;
}

/**
 * Why `fit`'s steps cannot compile in this run, or null when they can (the tensorflow backend,
 * multi-tensor Adam, no gradient accumulation).
 */
export function compileRefusal(optimizer: tf.Optimizer, accumulateSteps: number): string | null {
  if (!graphCompilationAvailable()) return `the active backend is '${tf.getBackend()}'; compiling needs tfjs-node's 'tensorflow' backend`;
  // Not `instanceof`: tf.Optimizer's Symbol.hasInstance accepts any object with an optimizer's methods.
  if (!Object.prototype.isPrototypeOf.call(MultiTensorAdam.prototype, optimizer))
    return 'the optimizer is not multi-tensor Adam (a tf.train.adam with multiTensorAdam on)';
  if (accumulateSteps !== 1) return 'gradient accumulation (accumulateSteps > 1) runs eagerly';
  return null;
}

/**
 * The compiled steps of one `fit` call (see the file comment). `step` returns null where the
 * trainer's eager `trainingStep` must take the step. `dispose` frees the graphs.
 */
export class CompiledSteps {
  private readonly keys = new Map<string, KeyState>();
  private readonly adam: MultiTensorAdam;
  private readonly names: string[];
  private readonly pure: PureStepContext;

  constructor(
    private readonly context: CompiledStepContext,
    readonly record: CompilationRecord,
  ) {
    this.adam = context.optimizer as MultiTensorAdam;
    this.names = context.variables.map((v) => v.name);
    const { elbo, variables, noise, clipping } = context;
    this.pure = { elbo, variables, names: this.names, noise, clipping, adam: this.adam };
  }

  /** One step at `position` on `batch` (the batch stays the caller's), or null to run it eagerly. */
  step(batch: Batch, position: TrainingPosition): StepOutcome | null {
    const state = this.adam.stateTensors(this.names);
    // Before the first update (no moments yet) the step runs eagerly and binds the optimizer's slots.
    if (state === null) {
      this.record.eagerSteps += 1;
      return null;
    }
    const probe = this.klWeights(position, 1);
    // The model's config holds every layer setting that changes the traced step (sampling modes, estimators, rates).
    const key = `${batch.x.dtype}${batch.x.shape.join('x')}|${batch.y.dtype}${batch.y.shape.join('x')}|${probe.layerWeights
      .map((w) => (w.klWeight === w.entropyWeight ? '=' : '≠'))
      .join('')}|${JSON.stringify(this.context.model.getConfig())}`;
    let entry = this.keys.get(key);
    if (entry === undefined) {
      entry = { unitFactor: null, graph: null, draws: [], trusted: false, checkedEpoch: -1, traces: 0 };
      this.keys.set(key, entry);
    }
    if (entry.unitFactor === null) return this.learnUnit(entry, batch, position, state);
    // The probe already holds the weights where the count unit is the example (factor 1).
    const weights = entry.unitFactor === 1 ? probe : this.klWeights(position, entry.unitFactor);
    const fed = klWeightScalars(weights);
    const negativeLearningRate = tf.scalar(-this.adam.learningRate);
    const inputs: StepInputs = { x: batch.x, y: batch.y, fed, negativeLearningRate, adam: state };
    try {
      if (entry.graph === null) {
        if (entry.traces >= MAX_TRACES) return this.eager(inputs, position, weights, batch);
        return this.trace(entry, inputs, position, weights, batch);
      }
      if (!entry.trusted || entry.checkedEpoch !== position.epoch) return this.check(entry, inputs, position, weights, batch);
      const outputs = this.runGraph(entry, inputs, position);
      this.record.compiledSteps += 1;
      return this.commit(outputs, weights, position, batch);
    } finally {
      tf.dispose([...fedTensors(fed), negativeLearningRate]);
    }
  }

  /** Frees every graph. */
  dispose(): void {
    for (const entry of this.keys.values()) entry.graph?.dispose();
    this.keys.clear();
  }

  /** The KL weights at `position` in the ELBO's count unit, and N in that unit. */
  private klWeights(position: TrainingPosition, unitFactor: number): ReportNumbers {
    const datasetSize = position.datasetSize * unitFactor;
    return { ...this.context.elbo.klWeightsAt({ ...position, datasetSize }), datasetSize };
  }

  /** The first step of a key: eager, with the ELBO's own weights; learns the count unit's factor. */
  private learnUnit(entry: KeyState, batch: Batch, position: TrainingPosition, state: AdamState): StepOutcome {
    const negativeLearningRate = tf.scalar(-this.adam.learningRate);
    try {
      const inputs: StepInputs = { x: batch.x, y: batch.y, fed: undefined, negativeLearningRate, adam: state };
      const { outputs, weights, unitFactor } = pureTrainingStep(this.pure, inputs, position);
      entry.unitFactor = unitFactor;
      this.record.eagerSteps += 1;
      return this.commit(outputs, weights, position, batch);
    } finally {
      negativeLearningRate.dispose();
    }
  }

  private eager(inputs: StepInputs, position: TrainingPosition, weights: ReportNumbers, batch: Batch): StepOutcome {
    this.record.eagerSteps += 1;
    return this.commit(pureTrainingStep(this.pure, inputs, position).outputs, weights, position, batch);
  }

  /** An eager step recorded into a graph for `entry`; where that fails, the key stays eager (with the reason recorded). */
  private trace(entry: KeyState, inputs: StepInputs, position: TrainingPosition, weights: ReportNumbers, batch: Batch): StepOutcome {
    entry.traces += 1;
    this.record.traces += 1;
    const declared = this.declaredInputs(inputs).map(graphTensor);
    const { result: outputs, trace, draws, drawInputs } = traceWithDraws(() => pureTrainingStep(this.pure, inputs, position).outputs);
    try {
      // The first graph of a key lets TensorFlow fuse the biases into their convolutions and
      // products; a graph that then fails the check is traced again without (see `fuseBias`).
      entry.graph = CompiledGraph.compile(trace, [...declared, ...drawInputs], outputTensors(outputs).map(graphTensor), {
        preserveArithmetic: true,
        fuseBias: entry.traces === 1,
      });
      entry.draws = draws;
      entry.trusted = false;
    } catch (error) {
      // Not traceable (a tensor read that is not a declared input) or not loadable: this key stays eager.
      entry.traces = MAX_TRACES;
      this.record.refusal ??= `the step could not be compiled: ${(error as Error).message}`;
    }
    this.record.eagerSteps += 1;
    return this.commit(outputs, weights, position, batch);
  }

  /** An eager step and the graph on the same inputs; the graph is trusted only when every output is identical. */
  private check(entry: KeyState, inputs: StepInputs, position: TrainingPosition, weights: ReportNumbers, batch: Batch): StepOutcome {
    const reference = pureTrainingStep(this.pure, inputs, position).outputs;
    const candidate = this.runGraph(entry, inputs, position);
    const referenceTensors = outputTensors(reference);
    const candidateTensors = outputTensors(candidate);
    const same = referenceTensors.every((tensor, i) => identical(tensor, candidateTensors[i]));
    tf.dispose(candidateTensors);
    if (same) {
      entry.trusted = true;
      entry.checkedEpoch = position.epoch;
    } else {
      (entry.graph as CompiledGraph).dispose();
      entry.graph = null;
      entry.trusted = false;
      if (entry.traces >= MAX_TRACES) this.record.refusal ??= `the compiled step differed from the eager step ${MAX_TRACES} times`;
    }
    this.record.eagerSteps += 1;
    return this.commit(reference, weights, position, batch);
  }

  /** The step's inputs a graph takes before the draws, in graph order. */
  private declaredInputs(inputs: StepInputs): tf.Tensor[] {
    const read = new Set<tf.Tensor>(this.context.variables);
    const others = this.context.model.weights.map((w) => w.read()).filter((t) => !read.has(t));
    const { first, second, accBeta1, accBeta2 } = inputs.adam;
    const fed = inputs.fed === undefined ? [] : fedTensors(inputs.fed);
    return [
      inputs.x,
      inputs.y,
      ...fed,
      inputs.negativeLearningRate,
      ...this.context.variables,
      ...others,
      first,
      second,
      accBeta1,
      accBeta2,
    ];
  }

  /** The graph of `entry` on `inputs` and the draws of `position` replayed. */
  private runGraph(entry: KeyState, inputs: StepInputs, position: TrainingPosition): StepOutputs {
    const graph = entry.graph as CompiledGraph;
    return outputsOf(
      runWithDraws(graph, this.declaredInputs(inputs), entry.draws, this.context.noise, { step: position.step, particle: 0 }),
    );
  }

  /** Reads the packed values (the step's one read) and commits the new state when they are finite; disposes `outputs`. */
  private commit(outputs: StepOutputs, weights: ReportNumbers, position: TrainingPosition, batch: Batch): StepOutcome {
    let adopted = false;
    try {
      const values = outputs.packed.dataSync();
      const report = stepReport(elboReportFromValues(weights, values, this.context.elbo.settings));
      // The pack (`packedStepValues`): the report's scalars, one squared norm per variable, the global norm.
      const offset = values.length - this.names.length - 1;
      const outcome = stepOutcome(report, values, offset, this.names, position, batch.x.shape[0]);
      if (outcome.kind === 'applied') {
        this.context.variables.forEach((variable, i) => variable.assign(outputs.variables[i]));
        this.adam.adoptState(outputs.adam);
        adopted = true;
      }
      return outcome;
    } finally {
      tf.dispose([outputs.packed, ...outputs.variables]);
      if (!adopted) tf.dispose(Object.values(outputs.adam));
    }
  }
}
