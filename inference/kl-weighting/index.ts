/**
 * KL weighting: pure functions of the training position to the factor applied to each layer's KL
 * in the ELBO. Imported as the namespace `klWeighting`:
 *
 * @example
 * import { klWeighting } from 'tfjs-bnn';
 * const w = klWeighting.product(klWeighting.perExample(), klWeighting.linearWarmup({epochs: 10}));
 */
export {
  type KLWeighting,
  type KLWeightingSpec,
  type KLTermWeights,
  type KLWeightingReviver,
  type LayerRef,
  type JsonValue,
  klTermWeights,
  klWeightingFromJSON,
  registerKLWeighting,
  registeredKLWeightings,
} from './kl-weighting.js';
export { perExample, perMinibatch, blundell, constant } from './scaling.js';
export { temperedLikelihood, temperedPosterior } from './tempering.js';
export {
  linearWarmup,
  sigmoidWarmup,
  cyclical,
  type WarmupOptions,
  type SigmoidWarmupOptions,
  type CyclicalOptions,
  DEFAULT_WARMUP_FROM,
  DEFAULT_WARMUP_TO,
  DEFAULT_SIGMOID_STEEPNESS,
  DEFAULT_CYCLICAL_RATIO,
} from './annealing.js';
export { product, perLayer, type LayerOverride } from './composition.js';
export { expression, EXPRESSION_FUNCTIONS, EXPRESSION_CONSTANTS, MAX_EXPRESSION_LENGTH, MAX_EXPRESSION_DEPTH } from './expression.js';
