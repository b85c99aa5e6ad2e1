/**
 * Options of the ELBO composer, their defaults and their validation.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { requireInteger, requireOneOf } from '../../src/validate.js';
import type { KLWeighting } from '../kl-weighting/kl-weighting.js';
import { type Likelihood, type SegmentationLoss, isLikelihood, isSegmentationLoss } from '../likelihoods/likelihood.js';

/** How the per-example NLL is reduced over the batch. */
export type Reduction = 'mean' | 'sum';
/** What one of the N examples of the data set is, for dense (segmentation) outputs. */
export type CountUnit = 'images' | 'voxels';

/** Every reduction. */
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum'];
/** Every count unit. */
export const COUNT_UNITS: readonly CountUnit[] = ['images', 'voxels'];
/** Default number of Monte Carlo particles (forward passes) per step. */
export const DEFAULT_PARTICLES = 1;
/** Default reduction: the batch mean, to pair with `klWeighting.perExample()` (1/N). */
export const DEFAULT_REDUCTION: Reduction = 'mean';
/** Default count unit: N counts images (the likelihood of an image is the product over its voxels). */
export const DEFAULT_COUNT_UNIT: CountUnit = 'images';

/** Options of `new Elbo(model, options)`. */
export interface ElboOptions {
  /** The per-element likelihood (`bernoulli()`, `categorical()`, `focal()`, …) or a per-image `SegmentationLoss` (`softDice()`, `tversky()`). */
  readonly likelihood: Likelihood | SegmentationLoss;
  /** The KL weighting (`klWeighting.perExample()`, `klWeighting.blundell()`, …). */
  readonly klWeighting: KLWeighting;
  /** Monte Carlo particles per step, integer ≥ 1; the loss is their mean. Default `DEFAULT_PARTICLES` (1). */
  readonly particles?: number;
  /**
   * `'mean'` (default): the NLL is the batch mean of the per-example NLL (pair with `perExample`, 1/N).
   * `'sum'`: the batch sum (pair with `perMinibatch` or `blundell`, 1/M or π_i). The two give the
   * same ELBO up to the factor B (batch size) when N = M·B.
   */
  readonly reduction?: Reduction;
  /**
   * For dense outputs, what an example is. `'images'` (default): an example's NLL is the sum over
   * its elements (voxels, labels) and N = `position.datasetSize` images. `'voxels'`: every element
   * is an example: the `'mean'` reduction averages over all elements of the batch and the weighting
   * sees `datasetSize` = images × elements per image (so `perExample()` gives 1/(N·V)). Both choices
   * are the same ELBO up to the factor V; mixing them (per-voxel mean with KL/N_images) is not.
   * `SegmentationLoss`es count images only.
   */
  readonly countUnit?: CountUnit;
}

/** Validated options with defaults filled in. */
export interface ResolvedElboOptions {
  readonly likelihood: Likelihood | SegmentationLoss;
  readonly klWeighting: KLWeighting;
  readonly particles: number;
  readonly reduction: Reduction;
  readonly countUnit: CountUnit;
}

/** Validates `options` for the `Elbo` constructor; throws `InvalidArgumentError` naming `Elbo`. */
export function resolveElboOptions(options: unknown): ResolvedElboOptions {
  const where = 'Elbo';
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(where, 'options', options, 'an options object {likelihood, klWeighting, …}');
  }
  const o = options as Partial<ElboOptions>;
  const likelihood = o.likelihood;
  if (!isLikelihood(likelihood) && !(typeof likelihood === 'object' && likelihood !== null && isSegmentationLoss(likelihood))) {
    throw new InvalidArgumentError(where, 'likelihood', likelihood, 'a Likelihood (perElement) or a SegmentationLoss (perImage)');
  }
  const weighting = o.klWeighting as Partial<KLWeighting> | undefined;
  if (typeof weighting !== 'object' || weighting === null || typeof weighting.weight !== 'function' || typeof weighting.toJSON !== 'function') {
    throw new InvalidArgumentError(where, 'klWeighting', o.klWeighting, 'a KLWeighting (klWeighting.perExample(), klWeighting.blundell(), …)');
  }
  const particles = requireInteger(where, 'particles', o.particles ?? DEFAULT_PARTICLES, 1);
  const reduction = requireOneOf(where, 'reduction', o.reduction ?? DEFAULT_REDUCTION, REDUCTIONS);
  const countUnit = requireOneOf(where, 'countUnit', o.countUnit ?? DEFAULT_COUNT_UNIT, COUNT_UNITS);
  if (countUnit === 'voxels' && isSegmentationLoss(likelihood)) {
    throw new InvalidArgumentError(where, 'countUnit', countUnit, `'images' for the per-image loss '${likelihood.name}'`);
  }
  return { likelihood, klWeighting: o.klWeighting as KLWeighting, particles, reduction, countUnit };
}
