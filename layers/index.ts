/** Variational layers that expose their KL from their own weights, and helpers for models built from them. */
export { VariationalLayer, type VariationalLayerArgs, type VariationalWeights, type ParameterDeclaration } from './variational-layer.js';
export { type Estimator, type SamplingMode, ESTIMATORS, SAMPLING_MODES, DEFAULT_ESTIMATOR, DEFAULT_SAMPLING_MODE } from './estimator.js';
export { type ActivationName, ACTIVATION_NAMES, DEFAULT_ACTIVATION } from './activation.js';
export { LOCAL_VARIANCE_FLOOR } from './estimators.js';
export {
  priors,
  type PriorSpec,
  type NormalPriorSpec,
  type ScaleMixturePriorSpec,
  type EmpiricalPriorSpec,
  type NormalPriorArgs,
  type ScaleMixturePriorArgs,
  type EmpiricalPriorArgs,
  DEFAULT_PRIOR,
  DEFAULT_MOPED_DELTA,
  DEFAULT_EMPIRICAL_MIN_SCALE,
} from './priors.js';
export {
  type PosteriorInitArgs,
  type PosteriorInit,
  type Initializer,
  type InitializerName,
  type SerializedInitializer,
  DEFAULT_RAW_SCALE_INIT,
  DEFAULT_LOC_INITIALIZER,
} from './posterior-init.js';
export { DenseVariational, denseVariational, type DenseVariationalArgs } from './dense-variational.js';
export {
  isVariationalLayer,
  variationalLayers,
  wrappedLayers,
  collectKL,
  disposeKLBreakdown,
  setSamplingMode,
  type ModelOrLayer,
  type LayerKL,
  type KLBreakdown,
} from './model-walk.js';
export {
  ConvVariational,
  conv1dVariational,
  conv2dVariational,
  conv3dVariational,
  type ConvVariationalArgs,
  type RankedConvVariationalArgs,
} from './conv-variational.js';
export {
  ConvTransposeVariational,
  conv2dTransposeVariational,
  conv3dTransposeVariational,
  type ConvTransposeVariationalArgs,
  type RankedConvTransposeVariationalArgs,
} from './conv-transpose-variational.js';
export { type Padding, type ConvRank } from './conv-geometry.js';
export {
  LSTMVariational,
  GRUVariational,
  SimpleRNNVariational,
  lstmVariational,
  gruVariational,
  simpleRNNVariational,
  DEFAULT_RECURRENT_ACTIVATION,
  type LSTMVariationalArgs,
  type GatedRecurrentVariationalArgs,
} from './recurrent-layers.js';
export {
  RecurrentVariational,
  RECURRENT_ESTIMATORS,
  DEFAULT_RECURRENT_LAYER_ACTIVATION,
  type RecurrentVariationalArgs,
  type CellStepInputs,
} from './recurrent-variational.js';
export { type SequenceWeights, type ColumnBlock } from './recurrent-weights.js';
export { EmbeddingVariational, embeddingVariational, type EmbeddingVariationalArgs } from './embedding-variational.js';
export { bidirectionalVariational, type BidirectionalVariationalArgs } from './bidirectional.js';
export { toBayesian, CONVERTIBLE_CLASSES, type ToBayesianOptions, type MopedArgs } from './to-bayesian.js';
export {
  bayesianUNet,
  NearestUpsampling,
  DEFAULT_UNET_DEPTH,
  DEFAULT_UNET_BASE_FILTERS,
  DEFAULT_UNET_UPSAMPLING,
  type BayesianUNetArgs,
  type UNetUpsampling,
} from './unet.js';
export { seedInitialWeights } from './seed-weights.js';
export { McDropout, mcDropout, type McDropoutArgs } from './mc-dropout.js';
export { GAL_LENGTH_SCALE, mcDropoutWeightDecay, type McDropoutWeightDecayArgs } from './mc-dropout-weight-decay.js';
