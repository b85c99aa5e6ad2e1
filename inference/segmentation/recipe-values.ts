/**
 * The values of the phantom segmentation recipe as plain data, in a file with no runtime imports so
 * that the command line can show them in `--help` and check options against them without loading
 * TensorFlow.js. The builders and the validation live in `recipe.ts`.
 */
import type { SegmentationRecipe } from './recipe.js';

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
