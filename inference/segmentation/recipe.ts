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

/**
 * The recipe's defaults, each measured on the phantom (docs/segmentation.md has the runs):
 *
 * - `imageSize` 48: lesions of radius 1.2–3.5 voxels stay a few voxels wide; 64 costs 1.8× per step.
 * - `trainSlices` 48, `testSlices` 32: 6 steps per epoch; 32 held-out slices hold ≈ 370 lesion voxels.
 * - `lesionFraction` 0.005: the target imbalance (1 lesion voxel in 200).
 * - `depth` 2, `baseFilters` 8: a receptive field of ≈ 40 voxels sees the white-matter context a
 *   lesion needs (a white-matter-oracle intensity threshold reaches Dice 0.74, a plain one 0.30).
 * - `estimator` reparameterization: the cheapest estimator; one shared weight sample per step.
 * - `upsampling` transpose: a learned 2× up-conv, the original U-Net's choice (2D only needs it).
 * - `rawScaleInit` −5 (σ ≈ 0.0067): less weight noise early, so the net finds the lesions at all.
 * - `learningRate` 1e-2 with `clipGlobalNorm` 5, `epochs` 20 (120 steps, ≈ 160 s of CPU): few steps
 *   are affordable on the cpu backend, so a large Adam step.
 * - `batchSize` 8: eight slices per step average the per-image Dice over several lesions.
 * - `loss` diceCrossEntropy({diceWeight 1, positiveWeight 10, smooth 1}): nnU-Net's CE + Dice
 *   (Isensee et al. 2021); the Dice term gives recall at 1:200, w = 10 speeds up the first epochs.
 * - `klTemperature` 1: the untempered weight 1/N with N = 48 images, so the CE part and the KL form
 *   the exact ELBO over images (divided by N). Measured, one run each: Dice 0.73 with β = 1 against
 *   0.55 with β = 0.01, so tempering is not needed (and a KL weight of 0 would not be Bayesian).
 * - `predictiveSamples` 16: MI and entropy maps settle; 16 passes over 32 slices took 17–21 s (2 shared cores).
 */
export const PHANTOM_SEGMENTATION_RECIPE: Readonly<SegmentationRecipe> = Object.freeze({
  imageSize: 48,
  trainSlices: 48,
  testSlices: 32,
  lesionFraction: 0.005,
  depth: 2,
  baseFilters: 8,
  estimator: 'reparameterization',
  upsampling: 'transpose',
  rawScaleInit: -5,
  learningRate: 1e-2,
  epochs: 20,
  batchSize: 8,
  clipGlobalNorm: 5,
  loss: Object.freeze({ diceWeight: 1, positiveWeight: 10, smooth: 1 }),
  klTemperature: 1,
  predictiveSamples: 16,
  seed: 1,
});

/**
 * Merges `overrides` into the recipe's defaults and validates every field; throws
 * `InvalidArgumentError` naming `segmentationRecipe`, the field, the value and what was expected.
 */
export function segmentationRecipe(overrides: Partial<SegmentationRecipe> = {}): SegmentationRecipe {
  const where = 'segmentationRecipe';
  if (overrides === null || typeof overrides !== 'object') throw new InvalidArgumentError(where, 'overrides', overrides, 'an object of recipe fields');
  const merged = { ...PHANTOM_SEGMENTATION_RECIPE, ...overrides, loss: { ...PHANTOM_SEGMENTATION_RECIPE.loss, ...(overrides.loss ?? {}) } };
  const depth = requireInteger(where, 'depth', merged.depth);
  const imageSize = requireInteger(where, 'imageSize', merged.imageSize, 8);
  if (imageSize % 2 ** depth !== 0) throw new InvalidArgumentError(where, 'imageSize', imageSize, `a multiple of 2^depth = ${2 ** depth}`);
  const lesionFraction = requireNonNegative(where, 'lesionFraction', merged.lesionFraction);
  if (lesionFraction > 0.25) throw new InvalidArgumentError(where, 'lesionFraction', lesionFraction, 'a fraction in [0, 0.25]');
  const upsampling = merged.upsampling;
  if (upsampling !== 'transpose' && upsampling !== 'upsample') throw new InvalidArgumentError(where, 'upsampling', upsampling, "'transpose' or 'upsample'");
  const klTemperature = requirePositive(where, 'klTemperature', merged.klTemperature);
  if (klTemperature > 1) throw new InvalidArgumentError(where, 'klTemperature', klTemperature, 'β in (0, 1] (0 switches the KL off; > 1 over-weights it)');
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
  const weighting = checked.klTemperature === 1 ? klWeighting.perExample() : klWeighting.product(klWeighting.perExample(), klWeighting.constant(checked.klTemperature));
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
