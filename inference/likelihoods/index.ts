/**
 * Likelihoods and imbalance-aware losses. Per-element likelihoods return unreduced values (the ELBO
 * reduces them); segmentation overlap losses return one value per image.
 */
export {
  type Likelihood,
  type SegmentationLoss,
  isLikelihood,
  isSegmentationLoss,
  binaryCrossEntropyFromLogits,
} from './likelihood.js';
export { bernoulli, weightedBernoulli, type WeightedBernoulliOptions } from './bernoulli.js';
export { categorical } from './categorical.js';
export { gaussian, gaussianHeteroscedastic, type GaussianOptions, DEFAULT_GAUSSIAN_SCALE } from './gaussian.js';
export { focal, type FocalOptions, DEFAULT_FOCAL_GAMMA, DEFAULT_FOCAL_ALPHA } from './focal.js';
export { ohem, ohemMask, type OhemOptions, DEFAULT_OHEM_RATIO } from './ohem.js';
export {
  softDice,
  tversky,
  diceCoefficient,
  tverskyIndex,
  type OverlapOptions,
  type TverskyOptions,
  DEFAULT_OVERLAP_SMOOTH,
  DEFAULT_TVERSKY_ALPHA,
  DEFAULT_TVERSKY_BETA,
} from './overlap.js';
export {
  diceCrossEntropy,
  type DiceCrossEntropyOptions,
  DEFAULT_DICE_WEIGHT,
  DEFAULT_DICE_CE_POSITIVE_WEIGHT,
  DEFAULT_DICE_CE_SMOOTH,
} from './dice-cross-entropy.js';
