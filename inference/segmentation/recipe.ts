/**
 * The measured recipe for Bayesian U-Net segmentation of the built-in lesion phantom (2D, 0.5 %
 * lesion voxels) on the pure-JS cpu backend: data, model, loss, KL weighting and optimiser settings
 * as named values with the reason for each, and the builders that turn them into `fit`'s options.
 * Figures and the runs behind each choice: docs/segmentation.md, "A recipe that works".
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { requireFinite, requireInteger, requireNonNegative, requirePositive } from '../../src/validate.js';
import { requireEstimator, type Estimator } from '../../layers/estimator.js';
import type { BayesianUNetArgs, UNetUpsampling } from '../../layers/unet.js';
import { diceCrossEntropy, type DiceCrossEntropyOptions } from '../likelihoods/dice-cross-entropy.js';
import type { ElboOptions } from '../elbo/options.js';
import * as klWeighting from '../kl-weighting/index.js';

/** Every setting of the phantom segmentation recipe. All sizes are in voxels, rates per optimiser step. */
export interface SegmentationRecipe {
  /** Height and width of each slice (a multiple of 2^depth). */
  readonly imageSize: number;
  /** Training slices N (the N of KL/N: images are the examples). */
  readonly trainSlices: number;
  /** Held-out slices for the reported figures (another phantom seed). */
  readonly testSlices: number;
  /** Lesion voxels / all voxels of the phantom. */
  readonly lesionFraction: number;
  /** U-Net pooling steps. */
  readonly depth: number;
  /** Filters of the first U-Net level. */
  readonly baseFilters: number;
  /** Gradient estimator of every variational conv. */
  readonly estimator: Estimator;
  /** Decoder upsampling of the U-Net. */
  readonly upsampling: UNetUpsampling;
  /** Initial pre-softplus posterior scale of every weight. */
  readonly rawScaleInit: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  /** Passes over the training slices. */
  readonly epochs: number;
  /** Slices per step. */
  readonly batchSize: number;
  /** Global gradient-norm clip. */
  readonly clipGlobalNorm: number;
  /** The combined CE + Dice loss (`diceCrossEntropy`), all three options given. */
  readonly loss: Required<DiceCrossEntropyOptions>;
  /** KL temperature β in (0, 1]: each step minimises the batch-mean loss + β·KL/N with N in images. */
  readonly klTemperature: number;
  /** Monte Carlo passes of the predictive maps. */
  readonly predictiveSamples: number;
  /** Root seed of the weights' initialisation, the noise and the batch order. */
  readonly seed: number;
}

export { PHANTOM_SEGMENTATION_RECIPE } from './recipe-values.js';
import { PHANTOM_SEGMENTATION_RECIPE } from './recipe-values.js';

/**
 * Merges `overrides` into the recipe's defaults and validates every field; throws
 * `InvalidArgumentError` naming `segmentationRecipe`, the field, the value and what was expected.
 */
export function segmentationRecipe(overrides: Partial<SegmentationRecipe> = {}): SegmentationRecipe {
  const where = 'segmentationRecipe';
  if (overrides === null || typeof overrides !== 'object')
    throw new InvalidArgumentError(where, 'overrides', overrides, 'an object of recipe fields');
  const merged = { ...PHANTOM_SEGMENTATION_RECIPE, ...overrides, loss: { ...PHANTOM_SEGMENTATION_RECIPE.loss, ...(overrides.loss ?? {}) } };
  const depth = requireInteger(where, 'depth', merged.depth);
  const imageSize = requireInteger(where, 'imageSize', merged.imageSize, 8);
  if (imageSize % 2 ** depth !== 0) throw new InvalidArgumentError(where, 'imageSize', imageSize, `a multiple of 2^depth = ${2 ** depth}`);
  const lesionFraction = requireNonNegative(where, 'lesionFraction', merged.lesionFraction);
  if (lesionFraction > 0.25) throw new InvalidArgumentError(where, 'lesionFraction', lesionFraction, 'a fraction in [0, 0.25]');
  const upsampling = merged.upsampling;
  if (upsampling !== 'transpose' && upsampling !== 'upsample')
    throw new InvalidArgumentError(where, 'upsampling', upsampling, "'transpose' or 'upsample'");
  const klTemperature = requirePositive(where, 'klTemperature', merged.klTemperature);
  if (klTemperature > 1)
    throw new InvalidArgumentError(where, 'klTemperature', klTemperature, 'β in (0, 1] (0 switches the KL off; > 1 over-weights it)');
  const loss = merged.loss;
  return {
    imageSize,
    trainSlices: requireInteger(where, 'trainSlices', merged.trainSlices),
    testSlices: requireInteger(where, 'testSlices', merged.testSlices),
    lesionFraction,
    depth,
    baseFilters: requireInteger(where, 'baseFilters', merged.baseFilters),
    estimator: requireEstimator(where, merged.estimator),
    upsampling,
    rawScaleInit: requireFinite(where, 'rawScaleInit', merged.rawScaleInit),
    learningRate: requirePositive(where, 'learningRate', merged.learningRate),
    epochs: requireInteger(where, 'epochs', merged.epochs),
    batchSize: requireInteger(where, 'batchSize', merged.batchSize),
    clipGlobalNorm: requirePositive(where, 'clipGlobalNorm', merged.clipGlobalNorm),
    loss: {
      diceWeight: requireNonNegative(where, 'loss.diceWeight', loss.diceWeight),
      positiveWeight: requirePositive(where, 'loss.positiveWeight', loss.positiveWeight),
      smooth: requireNonNegative(where, 'loss.smooth', loss.smooth),
    },
    klTemperature,
    predictiveSamples: requireInteger(where, 'predictiveSamples', merged.predictiveSamples),
    seed: requireFinite(where, 'seed', merged.seed),
  };
}

/**
 * The ELBO options of the recipe: `diceCrossEntropy(recipe.loss)` per image, `countUnit: 'images'`,
 * and the KL weight β/N per step (`product(perExample(), constant(β))`, N = training slices seen by
 * `fit` as `datasetSize`). For β = 1 the cross-entropy part with the KL is the exact ELBO over images
 * (divided by N). Holds no tensors.
 */
export function segmentationObjective(recipe: SegmentationRecipe = PHANTOM_SEGMENTATION_RECIPE): ElboOptions {
  const checked = segmentationRecipe(recipe);
  const weighting =
    checked.klTemperature === 1
      ? klWeighting.perExample()
      : klWeighting.product(klWeighting.perExample(), klWeighting.constant(checked.klTemperature));
  return { likelihood: diceCrossEntropy(checked.loss), klWeighting: weighting, countUnit: 'images' };
}

/**
 * The `bayesianUNet` arguments of the recipe for slices of `imageSize`² with one channel, one logit
 * channel out, posterior initialisation seeded by `recipe.seed` (same seed, same initial weights).
 */
export function segmentationUNetArgs(recipe: SegmentationRecipe = PHANTOM_SEGMENTATION_RECIPE): BayesianUNetArgs {
  const checked = segmentationRecipe(recipe);
  return {
    rank: 2,
    inputShape: [checked.imageSize, checked.imageSize, 1],
    depth: checked.depth,
    baseFilters: checked.baseFilters,
    estimator: checked.estimator,
    upsampling: checked.upsampling,
    outputChannels: 1,
    posteriorInit: { seed: checked.seed, rawScaleInit: checked.rawScaleInit },
  };
}
