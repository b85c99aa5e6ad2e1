/**
 * Likelihoods and imbalance-aware losses. Per-element likelihoods return unreduced values (the ELBO
 * reduces them); segmentation overlap losses return one value per image.
 */
export {
  type Likelihood,
  type SegmentationLoss,
  type LikelihoodSpec,
  likelihoodVariables,
  isLikelihood,
  isSegmentationLoss,
  binaryCrossEntropyFromLogits,
} from './likelihood.js';
export { bernoulli, weightedBernoulli, type WeightedBernoulliOptions } from './bernoulli.js';
export { categorical } from './categorical.js';
export { gaussian, gaussianHeteroscedastic, type GaussianOptions, DEFAULT_GAUSSIAN_SCALE } from './gaussian.js';
export { studentT, logGamma, type StudentTOptions, DEFAULT_STUDENT_T_DOF } from './student-t.js';
export { MIN_NOISE_SCALE, type LogScalePrior, type NoiseScaleOption } from './noise-scale.js';
export { likelihoodFromJSON, registerLikelihood, registeredLikelihoods, type LikelihoodReviver } from './serialization.js';
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
