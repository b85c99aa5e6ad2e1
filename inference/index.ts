/**
 * The inference barrel: ELBO composer, KL weighting, likelihoods and imbalance losses, trainer,
 * gradient inspector, predictive uncertainty and metrics. Each folder's public names are
 * re-exported here (the lead engineer wires this barrel into `src/index.ts`).
 */
export { type TrainingPosition, TRAINING_POSITION_FIELDS, requireTrainingPosition } from './position.js';
export * as klWeighting from './kl-weighting/index.js';
export {
  type KLWeighting,
  type KLWeightingSpec,
  type KLTermWeights,
  type LayerRef,
  klWeightingFromJSON,
  registerKLWeighting,
} from './kl-weighting/index.js';
export * from './likelihoods/index.js';
export * from './elbo/index.js';
export * from './predictive/index.js';
export * from './metrics/index.js';
export * from './trainer/index.js';
export * from './inspector/index.js';
export * from './report/index.js';
export * from './segmentation/index.js';
