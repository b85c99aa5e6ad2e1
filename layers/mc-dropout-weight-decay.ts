/**
 * The L2 weight decay of MC dropout (Gal & Ghahramani 2016): the prior term of the dropout objective,
 * so that training with dropout plus this decay approximates variational inference.
 */
import { requireInteger, requireOpenInterval, requirePositive } from '../src/validate.js';

/** Arguments of `mcDropoutWeightDecay`. */
export interface McDropoutWeightDecayArgs {
  /** Drop probability of the dropout applied to the layer's input, in (0, 1) (Gal's keep probability is 1 − rate). */
  rate: number;
  /** Prior length-scale l (the weight prior is N(0, l⁻² I)), in input units; Gal's UCI code uses 10⁻². */
  lengthScale: number;
  /** N, the number of training examples. */
  datasetSize: number;
}

/** Gal's prior length-scale of the UCI experiments (`lengthscale = 1e-2` in DropoutUncertaintyExps). */
export const GAL_LENGTH_SCALE = 1e-2;

/**
 * λ = (1 − rate) · l² / (2N): the coefficient of ‖W‖² that, added to the **mean** per-example
 * negative log-likelihood, makes dropout training the variational objective of Gal & Ghahramani
 * (2016, Appendix: λ = p l² / (2Nτ) for the squared error ½‖y − ŷ‖², p the keep probability; in
 * units of the NLL, which holds τ itself, the τ cancels). Use it as
 * `kernelRegularizer: tf.regularizers.l2({l2: λ})` on each dense layer that follows an `mcDropout`;
 * the ELBO composer adds tfjs regularizer losses to its prior term like `model.fit` does.
 *
 * With a fixed-noise squared-error loss (Gal's Keras code, τ from a grid) divide by τ instead.
 *
 * @example
 * const l2 = mcDropoutWeightDecay({rate: 0.05, lengthScale: GAL_LENGTH_SCALE, datasetSize: 398}); // ≈ 1.19e-7
 * tf.layers.dense({units: 50, kernelRegularizer: tf.regularizers.l2({l2})});
 */
export function mcDropoutWeightDecay(args: McDropoutWeightDecayArgs): number {
  const where = 'mcDropoutWeightDecay';
  const rate = requireOpenInterval(where, 'rate', args?.rate, 0, 1);
  const lengthScale = requirePositive(where, 'lengthScale', args?.lengthScale);
  const datasetSize = requireInteger(where, 'datasetSize', args?.datasetSize);
  return ((1 - rate) * lengthScale ** 2) / (2 * datasetSize);
}
