/**
 * The measured work of each bench row: a spec (network, model kind, sizes) becomes a prepared case
 * with one `step()` — a training step (forward + KL + backward + Adam update, through the ELBO
 * composer for variational models) or a Monte Carlo prediction — that resolves when the backend
 * has finished it.
 */
import * as tf from '@tensorflow/tfjs';
import { NoiseSource, withNoise } from '../src/random/index.js';
import { ESTIMATORS, type Estimator } from '../layers/index.js';
import { Elbo } from '../inference/elbo/index.js';
import { bernoulli, categorical } from '../inference/likelihoods/index.js';
import { perExample } from '../inference/kl-weighting/index.js';
import { predictive, disposePredictive } from '../inference/predictive/index.js';
import { chunkPasses } from '../inference/predictive/compiled-passes.js';
import { adam } from '../src/optimizers/index.js';
import { CompiledSteps } from '../inference/trainer/compiled-step.js';
import { elboObjective } from '../inference/trainer/objective.js';
import { trainableVariables, trainingStep as fitStep } from '../inference/trainer/step.js';
import { fitCase, handWrittenCase } from './regression.js';
import {
  convNet,
  convNetForwardFlops,
  mlp,
  mlpForwardFlops,
  unet3d,
  unetForwardFlops,
  MLP_INPUT_FEATURES,
  type ModelKind,
} from './models.js';

/**
 * What a row measures: `mlp`/`conv`/`unet` one training step; `conv-mc`/`unet-mc` a prediction of
 * `samples` stochastic passes (mean sigmoid for the conv net, the full uncertainty maps of
 * `predictive` for the U-Net); `unet-forward` one stochastic forward pass; `fit` and
 * `hand-written` one Bayes-by-Backprop step of a 13-50-1 regression MLP through the library's `fit`
 * and written directly against tfjs (`bench/regression.ts`; reparameterization only).
 */
export type Network = 'mlp' | 'conv' | 'conv-mc' | 'unet' | 'unet-mc' | 'unet-forward' | 'fit' | 'hand-written';

/** Every network, in table order. */
export const NETWORKS: readonly Network[] = ['mlp', 'conv', 'conv-mc', 'unet', 'unet-mc', 'unet-forward', 'fit', 'hand-written'];

/** Networks whose rows are reparameterization only (no deterministic or other estimator rows). */
/** Rows that train (where `compile` compiles the step). */
export const TRAINING_NETWORKS: readonly Network[] = ['mlp', 'conv', 'unet', 'fit'];

export const REPARAMETERIZATION_ONLY: readonly Network[] = ['unet', 'unet-mc', 'unet-forward', 'fit', 'hand-written'];

/** One row's work. Plain data, so it can travel to a child process as JSON. */
export interface CaseSpec {
  readonly network: Network;
  readonly kind: ModelKind;
  /** Batch size. Defaults: 128 (MLP), 8 (conv net), 1 (U-Net). */
  readonly batch?: number;
  /** Image side (conv net, default 64) or volume side (U-Net, default 64). */
  readonly size?: number;
  /** Monte Carlo samples of the prediction rows. Default 20. */
  readonly samples?: number;
  /**
   * Adam of the training rows and the `fit` row: `'multi-tensor'` (default; the library's
   * `optimizers.adam`, which `fit` also runs for a `tf.train.adam`) or `'tfjs'` (`tf.train.adam`
   * per variable, as before; `fit` with `multiTensorAdam: false`). The hand-written row always
   * uses `tf.train.adam`.
   */
  readonly optimizer?: BenchOptimizer;
  /**
   * MC rows (`conv-mc`, `unet-mc`): run the passes compiled into one TensorFlow graph call each
   * (`predictive`'s `compile` option). Training rows (`mlp`, `conv`, `unet`, `fit`): run each step
   * as one graph call (`fit`'s `compile` option; the training rows then take `fit`'s step — ELBO,
   * gradient check, multi-tensor Adam — also for the deterministic model). Tensorflow backend
   * only, eager elsewhere. Default false.
   */
  readonly compile?: boolean;
}

/** The Adam implementations a bench row can train with. */
export type BenchOptimizer = 'multi-tensor' | 'tfjs';
/** Every `BenchOptimizer`. */
export const BENCH_OPTIMIZERS: readonly BenchOptimizer[] = ['multi-tensor', 'tfjs'];

/** A built case: call `step` repeatedly, then `dispose`. */
export interface PreparedCase {
  /** Human-readable model column of the table. */
  readonly model: string;
  /** Forward FLOPs of the deterministic architecture per step (× passes for MC rows). */
  readonly forwardFlops: number;
  /** Runs the measured work once (step index `index` gives fresh noise) and waits for its results. */
  step(index: number): Promise<void>;
  /**
   * When present, runs `warmup + steps` steps in one go and returns the wall time of each timed one
   * (ms); used instead of calling `step` repeatedly (the `fit` row: one `fit` call of many batches).
   */
  timedSteps?(steps: number, warmup: number): Promise<number[]>;
  /** Releases the model, data and optimizer. */
  dispose(): void;
}

/** Default Monte Carlo samples of the prediction rows. */
export const DEFAULT_MC_SAMPLES = 20;
/** N of the KL weighting 1/N in the training rows (MNIST's training-set size). */
export const BENCH_DATASET_SIZE = 60_000;
/** Adam learning rate of the training rows (its value does not change the cost). */
export const BENCH_LEARNING_RATE = 1e-3;

const VARIATIONAL_KINDS: readonly string[] = ESTIMATORS;

/** Validates a spec (throws `Error` naming the field). */
export function requireCaseSpec(spec: CaseSpec): CaseSpec {
  if (!NETWORKS.includes(spec.network)) throw new Error(`bench: unknown network '${spec.network}', expected one of ${NETWORKS.join(', ')}`);
  if (spec.kind !== 'deterministic' && !VARIATIONAL_KINDS.includes(spec.kind)) throw new Error(`bench: unknown model kind '${spec.kind}'`);
  if ((spec.network === 'fit' || spec.network === 'hand-written') && spec.kind !== 'reparameterization') {
    throw new Error(`bench: the '${spec.network}' row is reparameterization only`);
  }
  if (spec.network.startsWith('unet') && spec.kind === 'deterministic') throw new Error('bench: the U-Net rows are variational only');
  if (spec.compile !== undefined && typeof spec.compile !== 'boolean')
    throw new Error(`bench: compile must be true or false, got ${String(spec.compile)}`);
  if (spec.optimizer !== undefined && !BENCH_OPTIMIZERS.includes(spec.optimizer))
    throw new Error(`bench: unknown optimizer '${spec.optimizer}', expected one of ${BENCH_OPTIMIZERS.join(', ')}`);
  for (const field of ['batch', 'size', 'samples'] as const) {
    const value = spec[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      throw new Error(`bench: ${field} expects an integer ≥ 1, got ${value}`);
  }
  return spec;
}

function position(step: number) {
  return { epoch: 0, step, batchIndex: 0, numBatches: 1, datasetSize: BENCH_DATASET_SIZE };
}

/** Random inputs and targets, made once per case (seeded, so every run sees the same data). */
function data(network: Network, batch: number, size: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    if (network === 'mlp') {
      const labels = tf.randomUniform([batch], 0, 10, 'int32', 2);
      return { x: tf.randomUniform([batch, MLP_INPUT_FEATURES], 0, 1, 'float32', 1), y: tf.oneHot(labels, 10).toFloat() };
    }
    const shape = network.startsWith('unet') ? [batch, size, size, size, 1] : [batch, size, size, 1];
    const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
    return { x, y: tf.cast(tf.greater(x, 0.5), 'float32') };
  });
}

/**
 * One step of `fit`'s compiled training step (`CompiledSteps`) on the same model, ELBO (for the
 * deterministic model too: its KL is 0) and multi-tensor Adam; steps it does not compile run
 * through `fit`'s eager step. Each step reads its report once, as `fit` does.
 */
function compiledTrainingStep(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  classification: boolean,
): { step: PreparedCase['step']; optimizer: tf.Optimizer; release: () => void } {
  const optimizer = adam(BENCH_LEARNING_RATE);
  const noise = new NoiseSource(1);
  const elbo = new Elbo(model, { likelihood: classification ? categorical() : bernoulli(), klWeighting: perExample() });
  const variables = trainableVariables(model);
  const clipping = { globalNorm: undefined, value: undefined };
  const record = { compiledSteps: 0, eagerSteps: 0, traces: 0, refusal: null };
  const steps = new CompiledSteps({ model, elbo, optimizer, variables, noise, clipping }, record);
  const step = async (index: number) => {
    const batch = { x, y };
    const at = position(index);
    if (steps.step(batch, at) === null) fitStep(elboObjective(elbo), optimizer, variables, batch, at, noise, clipping);
  };
  return { step, optimizer, release: () => steps.dispose() };
}

/** One training step, variational (ELBO with 1/N KL weighting) or deterministic (plain loss). */
function trainingStep(
  model: tf.LayersModel,
  kind: ModelKind,
  x: tf.Tensor,
  y: tf.Tensor,
  classification: boolean,
  kindOfAdam: BenchOptimizer,
): { step: PreparedCase['step']; optimizer: tf.Optimizer } {
  const optimizer = kindOfAdam === 'tfjs' ? tf.train.adam(BENCH_LEARNING_RATE) : adam(BENCH_LEARNING_RATE);
  const noise = new NoiseSource(1);
  const likelihood = classification ? categorical() : bernoulli();
  const elbo = kind === 'deterministic' ? null : new Elbo(model, { likelihood, klWeighting: perExample() });
  const deterministicLoss = () =>
    tf.tidy(() => {
      const output = model.apply(x, { training: true }) as tf.Tensor;
      return classification ? tf.losses.softmaxCrossEntropy(y, output) : tf.losses.sigmoidCrossEntropy(y, output);
    }) as tf.Scalar;
  const step = async (index: number) => {
    const loss = optimizer.minimize(() => (elbo === null ? deterministicLoss() : elbo.term('loss', x, y, position(index), noise)), true);
    if (loss === null) throw new Error('bench: the optimizer returned no loss');
    await loss.data();
    loss.dispose();
  };
  return { step, optimizer };
}

/** Mean sigmoid probability over `samples` stochastic passes (one noise particle each). */
function meanProbabilityStep(model: tf.LayersModel, x: tf.Tensor, samples: number, compile = false): PreparedCase['step'] {
  const noise = new NoiseSource(2);
  return async (index: number) => {
    const eager = (particle: number) => withNoise(noise, { step: index, particle }, () => model.predict(x) as tf.Tensor);
    const passes = compile ? chunkPasses(model, x, noise, index, eager) : null;
    const mean = tf.tidy(() => {
      let sum: tf.Tensor | null = null;
      for (let particle = 0; particle < samples; particle++) {
        const probability = tf.sigmoid(passes === null ? eager(particle) : passes.logits(particle));
        sum = sum === null ? probability : tf.add(sum, probability);
      }
      return tf.div(sum as tf.Tensor, samples);
    });
    passes?.dispose();
    await mean.data();
    mean.dispose();
  };
}

/** Builds the model, data and step of `spec`. The caller disposes the result. */
export function prepareCase(spec: CaseSpec): PreparedCase {
  requireCaseSpec(spec);
  const { network, kind } = spec;
  const kindOfAdam = spec.optimizer ?? 'multi-tensor';
  if (network === 'fit' || network === 'hand-written')
    return network === 'fit' ? fitCase(kindOfAdam === 'multi-tensor', spec.compile === true) : handWrittenCase();
  const samples = spec.samples ?? DEFAULT_MC_SAMPLES;
  const isUNet = network.startsWith('unet');
  const batch = spec.batch ?? (network === 'mlp' ? 128 : isUNet ? 1 : 8);
  const size = spec.size ?? 64;
  const model = network === 'mlp' ? mlp(kind) : isUNet ? unet3d(kind as Estimator, size) : convNet(kind, size);
  const { x, y } = data(network, batch, size);
  let step: PreparedCase['step'];
  let optimizer: tf.Optimizer | null = null;
  let label: string;
  let releaseGraphs = () => {};
  let forwardFlops: number;
  if (network === 'mlp' || network === 'conv' || network === 'unet') {
    if (spec.compile === true) {
      let release: () => void;
      ({ step, optimizer, release } = compiledTrainingStep(model, x, y, network === 'mlp'));
      releaseGraphs = release;
    } else ({ step, optimizer } = trainingStep(model, kind, x, y, network === 'mlp', kindOfAdam));
    label =
      network === 'mlp'
        ? `MLP 784-400-400-10 step, batch ${batch}`
        : network === 'conv'
          ? `conv 1→16→32→16→1 step, [${batch}, ${size}, ${size}, 1]`
          : `3D U-Net step, [${batch}, ${size}, ${size}, ${size}, 1]`;
    if (spec.compile === true) label += ', compiled';
    forwardFlops =
      network === 'mlp' ? mlpForwardFlops(batch) : network === 'conv' ? convNetForwardFlops(batch, size) : batch * unetForwardFlops(size);
  } else if (network === 'conv-mc') {
    step = meanProbabilityStep(model, x, samples, spec.compile === true);
    label = `conv MC prediction, ${samples} samples, [${batch}, ${size}, ${size}, 1]${spec.compile === true ? ', compiled' : ''}`;
    forwardFlops = samples * convNetForwardFlops(batch, size);
  } else if (network === 'unet-mc') {
    const noise = new NoiseSource(3);
    step = async (index: number) => {
      const maps = predictive(model, x, { samples, noise, step: index, compile: spec.compile === true });
      await maps.meanProbability.data();
      disposePredictive(maps);
    };
    label = `3D U-Net uncertainty map, ${samples} samples, [${batch}, ${size}, ${size}, ${size}, 1]${spec.compile === true ? ', compiled' : ''}`;
    forwardFlops = samples * batch * unetForwardFlops(size);
  } else {
    step = meanProbabilityStep(model, x, 1);
    label = `3D U-Net forward, [${batch}, ${size}, ${size}, ${size}, 1]`;
    forwardFlops = batch * unetForwardFlops(size);
  }
  return {
    model: label,
    forwardFlops,
    step,
    dispose: () => {
      releaseGraphs();
      optimizer?.dispose();
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}
