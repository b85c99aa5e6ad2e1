/**
 * From model output to the likelihood term: one place that applies `reduction` and `countUnit`.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../src/errors.js';
import { type Likelihood, type SegmentationLoss, isSegmentationLoss } from '../likelihoods/likelihood.js';
import type { CountUnit, Reduction } from './options.js';

/** The likelihood term of one forward pass and the number of elements per example it counted. */
export interface ReducedNll {
  /** The reduced NLL (scalar, caller owns it). */
  readonly nll: tf.Scalar;
  /** Elements per example (1 for per-image losses). */
  readonly elementsPerExample: number;
}

/**
 * Applies the likelihood to `(yTrue, output)` and reduces it:
 * - per-image losses: [B] → mean or sum over the batch;
 * - per-element, `'images'`: sum over each example's elements → [B] → mean or sum;
 * - per-element, `'voxels'`: mean or sum over all B × elements values.
 */
export function reducedNll(
  likelihood: Likelihood | SegmentationLoss,
  yTrue: tf.Tensor,
  output: tf.Tensor,
  reduction: Reduction,
  countUnit: CountUnit,
): ReducedNll {
  return tf.tidy(() => {
    const where = `Elbo (${likelihood.name})`;
    const values = isSegmentationLoss(likelihood) ? likelihood.perImage(yTrue, output) : likelihood.perElement(yTrue, output);
    const batch = output.shape[0];
    if (values.rank < 1 || values.shape[0] !== batch || (isSegmentationLoss(likelihood) && values.rank !== 1)) {
      throw new ShapeError(
        where,
        'loss values',
        values.shape,
        isSegmentationLoss(likelihood) ? `[${batch}] (one per image)` : `batch first, [${batch}, …]`,
      );
    }
    const elementsPerExample = batch === 0 ? 0 : values.size / batch;
    let perUnit = values;
    if (countUnit === 'images' && values.rank > 1)
      perUnit = tf.sum(
        values,
        Array.from({ length: values.rank - 1 }, (_, i) => i + 1),
      );
    const nll = (reduction === 'mean' ? tf.mean(perUnit) : tf.sum(perUnit)) as tf.Scalar;
    return { nll, elementsPerExample };
  });
}
