export { type VoxelValues, DEFAULT_THRESHOLD } from './values.js';
export {
  voxelMetrics,
  diceScore,
  countConfusion,
  metricsFromCounts,
  type ThresholdOptions,
  type ConfusionCounts,
  type VoxelMetrics,
} from './overlap.js';
export {
  labelComponents,
  spatialLayout,
  DEFAULT_CONNECTIVITY,
  type Connectivity,
  type ComponentLabels,
  type SpatialLayout,
} from './components.js';
export { lesionMetrics, type LesionMetrics, type LesionMetricsOptions } from './lesion.js';
export {
  expectedCalibrationError,
  reliabilityBins,
  brierScore,
  negativeLogLikelihood,
  DEFAULT_CALIBRATION_BINS,
  PROBABILITY_EPSILON,
  type CalibrationKind,
  type CalibrationOptions,
  type ReliabilityBin,
} from './calibration.js';
export { auroc, errorDetectionAuroc, errorMask, type ErrorDetectionOptions } from './auroc.js';
export {
  uncertaintyErrorOverlap,
  retentionCurve,
  DEFAULT_RETENTION_POINTS,
  DEFAULT_OVERLAP_THRESHOLDS,
  type OverlapOfErrors,
  type OverlapOfErrorsOptions,
  type RetentionCurve,
  type RetentionOptions,
} from './retention.js';
export { type ClassProbabilities, type ClassLabels, ROW_SUM_TOLERANCE } from './class-probabilities.js';
export {
  multiclassReliabilityBins,
  multiclassExpectedCalibrationError,
  classwiseExpectedCalibrationError,
  multiclassBrierScore,
  multiclassNegativeLogLikelihood,
  classificationAccuracy,
  type Binning,
  type MulticlassCalibrationOptions,
} from './multiclass-calibration.js';
export { misclassificationAuroc, accuracyRejectionCurve, DEFAULT_REJECTION_POINTS, type AccuracyRejectionCurve } from './rejection.js';
export {
  rootMeanSquaredError,
  gaussianNegativeLogLikelihood,
  gaussianMixtureNegativeLogLikelihood,
  gaussianPit,
  intervalCoverage,
  quantileCalibration,
  quantileCalibrationError,
  normalCdf,
  erf,
  DEFAULT_QUANTILE_LEVELS,
  type QuantileCalibration,
  type SampleMatrix,
} from './regression.js';
export {
  lesionUncertainty,
  type Aggregate,
  type LesionRecord,
  type LesionUncertaintyInput,
  type LesionUncertaintyOptions,
  type LesionUncertaintyReport,
} from './lesion-uncertainty.js';
export {
  lesionFilterCurve,
  fdrAtTpr,
  uncertaintyFilter,
  probabilityFilter,
  type LesionFilter,
  type LesionFilterPoint,
} from './lesion-filter-curve.js';
