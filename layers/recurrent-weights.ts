/**
 * The weights of a recurrent layer for one forward call (one batch of sequences), drawn ONCE and
 * shared by every time step (Fortunato, Blundell & Vinyals 2017, "Bayesian recurrent neural
 * networks"; Gal & Ghahramani 2016 share dropout masks over time for the same reason): a weight
 * that changed between steps would not be a sample of the posterior over *one* network.
 */
import * as tf from '@tensorflow/tfjs';
import type { RandomDraws } from '../src/random/index.js';
import type { VariationalParameter } from '../src/variational-parameter.js';

/** A column block [from, to) of the recurrent kernel that a cell multiplies a state by. */
export type ColumnBlock = readonly [number, number];

/**
 * The sampled (or mean) weights of one call. `inputProjection` covers every time step at once;
 * `recurrent(h, block)` is called once per step. Tensors it returns are new: use under `tf.tidy`.
 */
export interface SequenceWeights {
  /** x·W + b for x [batch, time, inputDim]: [batch, time, gates·units]. */
  inputProjection(x: tf.Tensor3D): tf.Tensor3D;
  /** h·U[:, from:to] for h [batch, units] (per-example U under Flipout): [batch, to − from]. */
  recurrent(h: tf.Tensor2D, block: number): tf.Tensor2D;
}

/** The parameters a recurrent layer owns (bias: variational, point estimate, or absent). */
export interface RecurrentParameters {
  readonly kernel: VariationalParameter;
  readonly recurrentKernel: VariationalParameter;
  readonly bias: VariationalParameter | null;
  readonly pointBias: tf.Tensor | null;
}

function project(x: tf.Tensor3D, w: tf.Tensor): tf.Tensor3D {
  const [batch, time, inputDim] = x.shape;
  const flat = tf.matMul(tf.reshape(x, [batch * time, inputDim]) as tf.Tensor2D, w as tf.Tensor2D);
  return tf.reshape(flat, [batch, time, w.shape[1] as number]);
}

function columns(w: tf.Tensor, [from, to]: ColumnBlock): tf.Tensor2D {
  return (from === 0 && to === w.shape[1] ? w : tf.slice(w, [0, from], [-1, to - from])) as tf.Tensor2D;
}

function withBias(projection: tf.Tensor3D, bias: tf.Tensor | null): tf.Tensor3D {
  return bias === null ? projection : (tf.add(projection, bias) as tf.Tensor3D);
}

/** The bias tensor of the call: mean, one sample shared by the batch, the point estimate, or none. */
function callBias(parameters: RecurrentParameters, draws: ((stream: string) => RandomDraws) | null): tf.Tensor | null {
  if (parameters.bias !== null) return draws === null ? parameters.bias.loc : parameters.bias.sample(draws('bias'));
  return parameters.pointBias;
}

/**
 * Fixed weights for the call: the posterior means (`draws` null) or one reparameterized sample
 * w = loc + scale·ε of each parameter, from the streams `kernel`, `recurrent_kernel`, `bias`
 * (Blundell et al. 2015), shared by the batch and the time steps.
 */
export function sharedWeights(
  parameters: RecurrentParameters,
  blocks: readonly ColumnBlock[],
  draws: ((stream: string) => RandomDraws) | null,
): SequenceWeights {
  const kernel = draws === null ? parameters.kernel.loc : parameters.kernel.sample(draws('kernel'));
  const recurrentKernel = draws === null ? parameters.recurrentKernel.loc : parameters.recurrentKernel.sample(draws('recurrent_kernel'));
  const bias = callBias(parameters, draws);
  const recurrentBlocks = blocks.map((block) => columns(recurrentKernel, block));
  return {
    inputProjection: (x) => withBias(project(x, kernel), bias),
    recurrent: (h, block) => tf.matMul(h, recurrentBlocks[block]),
  };
}

/**
 * Flipout weights for the call (Wen et al. 2018): every sequence b sees W_b = loc + ΔW∘(s_b r_bᵀ)
 * and U_b = loc + ΔU∘(p_b q_bᵀ), with ΔW = scale·ε, ΔU = scale·ε' shared by the batch and random
 * sign vectors s, r, p, q drawn per sequence from the stream `signs` and kept for all time steps.
 * x·W_b = x·loc + ((x∘s_b)·ΔW)∘r_b, so each step costs two products per kernel. The bias is one
 * sample shared by the batch, as in the dense Flipout layer.
 */
export function flipoutWeights(
  parameters: RecurrentParameters,
  blocks: readonly ColumnBlock[],
  batch: number,
  draws: (stream: string) => RandomDraws,
): SequenceWeights {
  const { kernel, recurrentKernel } = parameters;
  const kernelDelta = tf.mul(kernel.sharedScale(), draws('kernel').normal(kernel.shape));
  const recurrentDelta = tf.mul(recurrentKernel.sharedScale(), draws('recurrent_kernel').normal(recurrentKernel.shape));
  const bias = callBias(parameters, draws);
  const signs = draws('signs');
  const [inputDim, outputWidth] = kernel.shape;
  const units = recurrentKernel.shape[0];
  const inputSigns = tf.expandDims(signs.signs([batch, inputDim]), 1);
  const outputSigns = tf.expandDims(signs.signs([batch, outputWidth]), 1);
  const stateSigns = signs.signs([batch, units]);
  const recurrentOutputSigns = signs.signs([batch, outputWidth]);
  const meanBlocks = blocks.map((block) => columns(recurrentKernel.loc, block));
  const deltaBlocks = blocks.map((block) => columns(recurrentDelta, block));
  const signBlocks = blocks.map((block) => columns(recurrentOutputSigns, block));
  return {
    inputProjection: (x) => {
      const perturbation = tf.mul(project(tf.mul(x, inputSigns) as tf.Tensor3D, kernelDelta), outputSigns) as tf.Tensor3D;
      return withBias(tf.add(project(x, kernel.loc), perturbation) as tf.Tensor3D, bias);
    },
    recurrent: (h, block) => {
      const perturbation = tf.mul(tf.matMul(tf.mul(h, stateSigns) as tf.Tensor2D, deltaBlocks[block]), signBlocks[block]);
      return tf.add(tf.matMul(h, meanBlocks[block]), perturbation) as tf.Tensor2D;
    },
  };
}
