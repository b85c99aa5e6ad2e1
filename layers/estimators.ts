/**
 * The three stochastic forward passes of a mean-field Gaussian layer whose deterministic op is
 * linear in both its input and its kernel (dense, conv, transposed conv). Written once, for any
 * such op, channels last.
 */
import * as tf from '@tensorflow/tfjs';
import type { RandomDraws } from '../src/random/index.js';
import type { VariationalParameter } from '../src/variational-parameter.js';

/** The deterministic op of a layer: out = op(x, kernel), linear in x and in kernel, channels last. */
export type KernelOp = (x: tf.Tensor, kernel: tf.Tensor) => tf.Tensor;

/**
 * Added to the local-reparameterization variance before the square root, so its gradient stays
 * finite where x²·scale² is exactly 0 (zero padding, dead inputs).
 */
export const LOCAL_VARIANCE_FLOOR = 1e-12;

/** Per-example random signs of shape [batch, 1, …, 1, channels] (broadcast over spatial axes). */
function perExampleSigns(draws: RandomDraws, like: tf.Tensor): tf.Tensor {
  const shape = like.shape.map((size, axis) => (axis === 0 || axis === like.rank - 1 ? size : 1));
  return draws.signs(shape);
}

/**
 * One weight sample shared by the batch (Blundell et al. 2015): op(x, loc + scale·ε).
 * Draws ε from `kernelDraws`. Returns a new tensor; call under `tf.tidy`.
 */
export function reparameterizedOutput(x: tf.Tensor, op: KernelOp, kernel: VariationalParameter, kernelDraws: RandomDraws): tf.Tensor {
  return op(x, kernel.sample(kernelDraws));
}

/**
 * Flipout (Wen et al. 2018, eq. 4): op(x, loc) + op(x∘s_in, Δ)∘s_out with Δ = scale·ε shared by the
 * batch and per-example sign vectors s_in (input channels) and s_out (output channels). Each
 * example sees the weight loc + Δ∘(s_in s_outᵀ), a valid draw from q, pseudo-independent across
 * examples. Costs two ops instead of one. Returns a new tensor; call under `tf.tidy`.
 */
export function flipoutOutput(
  x: tf.Tensor,
  op: KernelOp,
  kernel: VariationalParameter,
  kernelDraws: RandomDraws,
  signDraws: RandomDraws,
): tf.Tensor {
  const meanOutput = op(x, kernel.loc);
  const delta = tf.mul(kernel.sharedScale(), kernelDraws.normal(kernel.shape));
  const inputSigns = perExampleSigns(signDraws, x);
  const perturbation = op(tf.mul(x, inputSigns), delta);
  const outputSigns = perExampleSigns(signDraws, perturbation);
  return tf.add(meanOutput, tf.mul(perturbation, outputSigns));
}

/**
 * Local reparameterization (Kingma, Salimans & Welling 2015): the pre-activation of every example
 * and output unit is drawn from its exact marginal N(op(x, loc) + b_loc, op(x², scale²) + b_scale²),
 * independently. With `bias` null the bias (if any) is the caller's. Returns a new tensor; call under `tf.tidy`.
 */
export function localReparameterizationOutput(
  x: tf.Tensor,
  op: KernelOp,
  kernel: VariationalParameter,
  bias: VariationalParameter | null,
  draws: RandomDraws,
): tf.Tensor {
  let mean = op(x, kernel.loc);
  let variance = op(tf.square(x), tf.square(kernel.sharedScale()));
  if (bias !== null) {
    mean = tf.add(mean, bias.loc);
    variance = tf.add(variance, tf.square(bias.sharedScale()));
  }
  const scale = tf.sqrt(tf.add(variance, LOCAL_VARIANCE_FLOOR));
  return tf.add(mean, tf.mul(scale, draws.normal(mean.shape)));
}
