/**
 * Options of the ELBO composer, their defaults and their validation.
 */
import { InvalidArgumentError, ReductionMismatchError } from '../../src/errors.js';
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
   * `'mean'`: the NLL is the batch mean of the per-example NLL (pair with `perExample`, 1/N).
   * `'sum'`: the batch sum (pair with `perMinibatch` or `blundell`, 1/M or π_i). The two give the
   * same ELBO up to the factor B (batch size) when N = M·B. Default: the reduction the weighting
   * declares (`klWeighting.reduction`), else `'mean'`. A value contradicting the weighting's is a
   * `ReductionMismatchError` unless `allowReductionMismatch` is set.
   */
  readonly reduction?: Reduction;
  /**
   * Accept a `reduction` that contradicts the weighting's (or a weighting whose per-layer parts
   * disagree). The objective is then not the ELBO: the KL is weighted B× too little (`'sum'` with
   * 1/N) or B× too much (`'mean'` with 1/M). Default false.
   */
  readonly allowReductionMismatch?: boolean;
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

/** What pairing a reduction with the other reduction's weighting does to the objective. */
const CONSEQUENCE: Readonly<Record<Reduction, string>> = {
  sum: 'A batch-sum likelihood with a per-example KL weight (1/N) weights the KL B× (batch size) too little against the likelihood: the posterior collapses towards a point estimate and overfits.',
  mean: 'A batch-mean likelihood with a per-minibatch KL weight (1/M or π_i) weights the KL B× (batch size) too much: the posterior is pulled towards the prior and underfits (the same mistake as a voxel-mean likelihood with KL/N_images, measured to make the KL gradient 47× the likelihood’s on a 3D U-Net).',
};

/** Throws `ReductionMismatchError` when `reduction` contradicts what `weighting` is defined for. */
function requireMatchingReduction(reduction: Reduction, weighting: KLWeighting): void {
  const declared = weighting.reduction;
  if (declared === undefined || declared === reduction) return;
  if (declared === 'mixed') {
    throw new ReductionMismatchError(
      'Elbo',
      reduction,
      'mixed',
      `'${weighting.name}'`,
      'Its layers use weightings defined for different reductions (1/N needs a batch mean, 1/M and π_i a batch sum), so some KL terms are weighted B× apart; use one scaling for all layers, or set allowReductionMismatch: true.',
    );
  }
  throw new ReductionMismatchError(
    'Elbo',
    reduction,
    declared,
    `'${weighting.name}'`,
    `${CONSEQUENCE[reduction]} Omit 'reduction' to use "${declared}", or set allowReductionMismatch: true.`,
  );
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
  if (
    typeof weighting !== 'object' ||
    weighting === null ||
    typeof weighting.weight !== 'function' ||
    typeof weighting.toJSON !== 'function'
  ) {
    throw new InvalidArgumentError(
      where,
      'klWeighting',
      o.klWeighting,
      'a KLWeighting (klWeighting.perExample(), klWeighting.blundell(), …)',
    );
  }
  const particles = requireInteger(where, 'particles', o.particles ?? DEFAULT_PARTICLES, 1);
  const weightingReduction = (o.klWeighting as KLWeighting).reduction;
  const declared = weightingReduction === 'mean' || weightingReduction === 'sum' ? weightingReduction : undefined;
  const reduction = requireOneOf(where, 'reduction', o.reduction ?? declared ?? DEFAULT_REDUCTION, REDUCTIONS);
  if (o.allowReductionMismatch !== true) requireMatchingReduction(reduction, o.klWeighting as KLWeighting);
  const countUnit = requireOneOf(where, 'countUnit', o.countUnit ?? DEFAULT_COUNT_UNIT, COUNT_UNITS);
  if (countUnit === 'voxels' && isSegmentationLoss(likelihood)) {
    throw new InvalidArgumentError(where, 'countUnit', countUnit, `'images' for the per-image loss '${likelihood.name}'`);
  }
  return { likelihood, klWeighting: o.klWeighting as KLWeighting, particles, reduction, countUnit };
}
