export {
  predictive,
  disposePredictive,
  DEFAULT_PREDICTIVE_SAMPLES,
  type PredictiveModel,
  type PredictiveOptions,
  type PredictiveOutput,
  type PredictiveResult,
} from './predictive.js';
export { bernoulliEntropy, categoricalEntropy, ENTROPY_EPSILON } from './entropy.js';
export {
  splitHeteroscedastic,
  heteroscedasticProbability,
  heteroscedasticLoss,
  DEFAULT_ALEATORIC_SAMPLES,
  LOG_VARIANCE_LIMIT,
  ALEATORIC_NOISE_PATH,
  type HeteroscedasticLogits,
  type HeteroscedasticOptions,
} from './heteroscedastic.js';
export {
  regressionPredictive,
  disposeRegressionPredictive,
  DEFAULT_COVERAGE_LEVELS,
  type RegressionPredictiveOptions,
  type RegressionPredictiveResult,
  type RegressionScores,
} from './regression.js';
export { releaseCompiledPasses } from './compiled-passes.js';
