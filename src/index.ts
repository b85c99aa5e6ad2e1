/**
 * tfjs-bnn: Bayesian neural networks for TensorFlow.js — the core entry.
 *
 * Everything here runs wherever tfjs runs (Node, browsers, workers): no Node API is reachable from
 * this file (a test walks the import graph). The public API is this explicit list; the Node entry
 * (`src/node.ts`: files, checkpoints on disk, native backend choice) adds to it. In Node, `import
 * … from 'tfjs-bnn'` resolves to the Node entry, in bundlers for browsers to this one.
 *
 * tfjs-style factories are grouped under namespaces as well (`layers`, `klWeighting`,
 * `likelihoods`, `metrics`, `optimizers`), next to the same names exported one by one (tree-shakeable).
 */
import { registerConv3dTransposeGradient } from './backend/conv3d-transpose-gradient.js';

// Typed errors
export {
  BackendUnavailableError,
  BnnError,
  DtypeError,
  DuplicateKLError,
  DuplicateTfjsError,
  FormatError,
  InvalidArgumentError,
  KLNotAvailableError,
  NoiseSourceError,
  NonFiniteError,
  ReductionMismatchError,
  ResumeMismatchError,
  ShapeError,
  type ResumeDifference,
} from './errors.js';

// Replayable noise
export { NoiseSource, type NoisePosition, type RandomDraws, type NoiseSourceOptions, type NormalGenerator } from './random/noise-source.js';
export { activeNoiseScope, requireNoiseScope, withNoise } from './random/noise-scope.js';

// Distributions
export { type Distribution, type Parameter } from './distributions/distribution.js';
export { klNormalNormal, Normal } from './distributions/normal.js';
export { ScaleMixtureNormal } from './distributions/scale-mixture-normal.js';

// KL registry
export { hasClosedFormKL, klDivergence, registerKL, type DistributionClass, type KLFunction, type KLOptions } from './kl/registry.js';

// The variational parameter
export { VariationalParameter } from './variational-parameter.js';

// Tensor helpers
export { inverseSoftplus, scaleFromRaw, softplus } from './tensor/softplus.js';
export {
  cropPadding,
  cropPaddingArray,
  paddingToMultiple,
  padToMultiple,
  roundUpToMultiple,
  type AxisPadding,
  type MultiplePadding,
} from './tensor/pad-to-multiple.js';

// Optimizers on flat buffers (a few kernels per model, not per variable)
export { ADAM_DEFAULT_BETA1, ADAM_DEFAULT_BETA2, MultiTensorAdam, type AdamState } from './optimizers/multi-tensor-adam.js';
export * as optimizers from './optimizers/index.js';

// Backend helpers that need no Node API
export {
  FAST_CPU_KERNEL_NAMES,
  FAST_CPU_KERNELS_ENV_VAR,
  fastCpuKernelsInstalled,
  fastCpuKernelsRequested,
  installFastCpuKernels,
  uninstallFastCpuKernels,
  withOriginalCpuKernels,
} from './backend/cpu-kernels/install.js';
export {
  NATIVE_KERNELS_ENV_VAR,
  installNativeKernels,
  nativeKernelsInstalled,
  nativeKernelsRequested,
  uninstallNativeKernels,
} from './backend/native-kernels/install.js';
export { loadWasmBackend, wasmBackendInfo, type WasmBackendInfo, type WasmPaths } from './backend/wasm-backend.js';
export { WASM_KERNEL_NAMES, type WasmKernelsInfo } from './backend/wasm-kernels/install.js';

// Variational layers and model helpers
export { ACTIVATION_NAMES, DEFAULT_ACTIVATION, type ActivationName } from '../layers/activation.js';
export {
  bayesianUNet,
  DEFAULT_UNET_BASE_FILTERS,
  DEFAULT_UNET_DEPTH,
  DEFAULT_UNET_UPSAMPLING,
  NearestUpsampling,
  type BayesianUNetArgs,
  type UNetUpsampling,
} from '../layers/unet.js';
export { CONVERTIBLE_CLASSES, toBayesian, type MopedArgs, type ToBayesianOptions } from '../layers/to-bayesian.js';
export { type ConvRank, type Padding } from '../layers/conv-geometry.js';
export {
  conv2dTransposeVariational,
  conv3dTransposeVariational,
  ConvTransposeVariational,
  type ConvTransposeVariationalArgs,
  type RankedConvTransposeVariationalArgs,
} from '../layers/conv-transpose-variational.js';
export {
  conv1dVariational,
  conv2dVariational,
  conv3dVariational,
  ConvVariational,
  type ConvVariationalArgs,
  type RankedConvVariationalArgs,
} from '../layers/conv-variational.js';
export {
  DEFAULT_EMPIRICAL_MIN_SCALE,
  DEFAULT_MOPED_DELTA,
  DEFAULT_PRIOR,
  priors,
  type EmpiricalPriorArgs,
  type EmpiricalPriorSpec,
  type NormalPriorArgs,
  type NormalPriorSpec,
  type PriorSpec,
  type ScaleMixturePriorArgs,
  type ScaleMixturePriorSpec,
} from '../layers/priors.js';
export {
  DEFAULT_ESTIMATOR,
  DEFAULT_SAMPLING_MODE,
  ESTIMATORS,
  SAMPLING_MODES,
  type Estimator,
  type SamplingMode,
} from '../layers/estimator.js';
export {
  DEFAULT_LOC_INITIALIZER,
  DEFAULT_RAW_SCALE_INIT,
  type Initializer,
  type InitializerName,
  type PosteriorInit,
  type PosteriorInitArgs,
  type SerializedInitializer,
} from '../layers/posterior-init.js';
export { DenseVariational, denseVariational, type DenseVariationalArgs } from '../layers/dense-variational.js';
export {
  collectKL,
  disposeKLBreakdown,
  isVariationalLayer,
  setSamplingMode,
  variationalLayers,
  type KLBreakdown,
  type LayerKL,
  type ModelOrLayer,
} from '../layers/model-walk.js';
export { VariationalLayer, type VariationalLayerArgs, type VariationalWeights } from '../layers/variational-layer.js';
export {
  gruVariational,
  GRUVariational,
  lstmVariational,
  LSTMVariational,
  simpleRNNVariational,
  SimpleRNNVariational,
  DEFAULT_RECURRENT_ACTIVATION,
  type GatedRecurrentVariationalArgs,
  type LSTMVariationalArgs,
} from '../layers/recurrent-layers.js';
export { RecurrentVariational, RECURRENT_ESTIMATORS, type RecurrentVariationalArgs } from '../layers/recurrent-variational.js';
export { embeddingVariational, EmbeddingVariational, type EmbeddingVariationalArgs } from '../layers/embedding-variational.js';
export { bidirectionalVariational, type BidirectionalVariationalArgs } from '../layers/bidirectional.js';
export { mcDropout, McDropout, type McDropoutArgs } from '../layers/mc-dropout.js';
export { GAL_LENGTH_SCALE, mcDropoutWeightDecay, type McDropoutWeightDecayArgs } from '../layers/mc-dropout-weight-decay.js';
export { seedInitialWeights } from '../layers/seed-weights.js';
export { type ParameterDeclaration } from '../layers/variational-layer.js';
export * as layers from '../layers/index.js';

// Training position
export { TRAINING_POSITION_FIELDS, type TrainingPosition } from '../inference/position.js';

// KL weighting
export {
  klWeightingFromJSON,
  registerKLWeighting,
  type KLTermWeights,
  type KLWeighting,
  type KLWeightingSpec,
  type LayerRef,
} from '../inference/kl-weighting/kl-weighting.js';
export * as klWeighting from '../inference/kl-weighting/index.js';

// Likelihoods and imbalance losses
export {
  DEFAULT_DICE_CE_POSITIVE_WEIGHT,
  DEFAULT_DICE_CE_SMOOTH,
  DEFAULT_DICE_WEIGHT,
  diceCrossEntropy,
  type DiceCrossEntropyOptions,
} from '../inference/likelihoods/dice-cross-entropy.js';
export { DEFAULT_FOCAL_ALPHA, DEFAULT_FOCAL_GAMMA, focal, type FocalOptions } from '../inference/likelihoods/focal.js';
export { DEFAULT_GAUSSIAN_SCALE, gaussian, gaussianHeteroscedastic, type GaussianOptions } from '../inference/likelihoods/gaussian.js';
export { DEFAULT_OHEM_RATIO, ohem, ohemMask, type OhemOptions } from '../inference/likelihoods/ohem.js';
export {
  DEFAULT_OVERLAP_SMOOTH,
  DEFAULT_TVERSKY_ALPHA,
  DEFAULT_TVERSKY_BETA,
  diceCoefficient,
  softDice,
  tversky,
  tverskyIndex,
  type OverlapOptions,
  type TverskyOptions,
} from '../inference/likelihoods/overlap.js';
export {
  binaryCrossEntropyFromLogits,
  isLikelihood,
  isSegmentationLoss,
  type Likelihood,
  type SegmentationLoss,
} from '../inference/likelihoods/likelihood.js';
export { bernoulli, weightedBernoulli, type WeightedBernoulliOptions } from '../inference/likelihoods/bernoulli.js';
export { categorical } from '../inference/likelihoods/categorical.js';
export { studentT, DEFAULT_STUDENT_T_DOF, type StudentTOptions } from '../inference/likelihoods/student-t.js';
export {
  likelihoodFromJSON,
  registerLikelihood,
  registeredLikelihoods,
  type LikelihoodReviver,
} from '../inference/likelihoods/serialization.js';
export { type LikelihoodSpec } from '../inference/likelihoods/likelihood.js';
export { MIN_NOISE_SCALE, type LogScalePrior, type NoiseScaleOption } from '../inference/likelihoods/noise-scale.js';
export * as likelihoods from '../inference/likelihoods/index.js';

// ELBO composer
export {
  COUNT_UNITS,
  DEFAULT_COUNT_UNIT,
  DEFAULT_PARTICLES,
  DEFAULT_REDUCTION,
  REDUCTIONS,
  type CountUnit,
  type ElboOptions,
  type Reduction,
  type ResolvedElboOptions,
} from '../inference/elbo/options.js';
export { Elbo, type ElboTermName } from '../inference/elbo/elbo.js';
export {
  disposeElboTerms,
  klWeightScalars,
  readElboReport,
  type ElboReport,
  type ElboTerms,
  type FedKLWeights,
  type LayerReport,
  type LayerWeights,
  type StepKLWeights,
} from '../inference/elbo/terms.js';

// Trainer
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  type SerializedTensor,
  type TrainerCheckpoint,
} from '../inference/trainer/checkpoint-format.js';
export { type CallbackResult, type TrainerCallbacks, type TrainingControl } from '../inference/trainer/callbacks.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_CONSECUTIVE_NON_FINITE,
  DEFAULT_METRICS_MODE,
  DEFAULT_PROGRESS,
  DEFAULT_SEED,
  type CheckpointOptions,
  type ClipOptions,
  type EvaluationOptions,
  type FitOptions,
  type InspectOptions,
  type ProgressOptions,
} from '../inference/trainer/options.js';
export { memoryCheckpointStore, type CheckpointStore } from '../inference/trainer/checkpoint-store.js';
export { type DatasetBatch, type TensorData } from '../inference/trainer/data-source.js';
export {
  EARLY_STOPPING_DEFAULT_MIN_DELTA,
  EARLY_STOPPING_DEFAULT_MONITOR,
  EARLY_STOPPING_DEFAULT_PATIENCE,
  earlyStopping,
  type EarlyStopping,
  type EarlyStoppingOptions,
} from '../inference/trainer/early-stopping.js';
export { type ElboInput, type StepReport } from '../inference/trainer/objective.js';
export {
  type CompilationRecord,
  type EpochRecord,
  type SkippedStep,
  type StepRecord,
  type StopReason,
  type TrainingHistory,
} from '../inference/trainer/history.js';
export { fit, type FitData } from '../inference/trainer/fit.js';
export { NonFiniteTrainingError } from '../inference/trainer/non-finite-training.js';
export { CHECKPOINT_KEEP_CHOICES, MONITOR_MODES, type CheckpointKeep, type MonitorMode } from '../inference/trainer/best-checkpoint.js';
export { type RunFingerprint } from '../inference/trainer/fingerprint.js';
export { clipByGlobalNorm, clipByValue, globalNorm, type GlobalNormClipResult } from '../inference/trainer/clip.js';
export { METRICS_MODES, type MetricFn, type MetricsMode } from '../inference/trainer/evaluate.js';
export { PROGRESS_MODES, type ProgressMode, type ProgressStream } from '../inference/trainer/progress.js';

// Gradient inspector
export { CSV_COLUMNS, recorderRatioPlot, recorderToCSV, recorderToJSON } from '../inference/inspector/export.js';
export {
  DEFAULT_MAX_TRACE_POINTS,
  DEFAULT_SNR_WINDOW,
  GradientRecorder,
  type GradientRecorderOptions,
  type LayerGradientSummary,
} from '../inference/inspector/recorder.js';
export {
  summarizeGradients,
  type GradientInspection,
  type InspectedTerm,
  type LayerGradientRow,
  type MissingGradient,
  type ParameterGradientRow,
  type TermGradients,
} from '../inference/inspector/summarize.js';
export { GradientWindow } from '../inference/inspector/gradient-snr.js';
export { computeTermGradients, disposeTermGradients, inspectGradients, type InspectionBatch } from '../inference/inspector/inspect.js';
export { parameterGroups, type ParameterGroup, type ParameterRole } from '../inference/inspector/parameter-groups.js';
export { RunningStats } from '../inference/inspector/running-stats.js';
export { compareTerms, type TermComparison } from '../inference/inspector/term-comparison.js';

// Predictive uncertainty
export {
  DEFAULT_ALEATORIC_SAMPLES,
  heteroscedasticLoss,
  heteroscedasticProbability,
  splitHeteroscedastic,
  type HeteroscedasticLogits,
  type HeteroscedasticOptions,
} from '../inference/predictive/heteroscedastic.js';
export {
  DEFAULT_PREDICTIVE_SAMPLES,
  disposePredictive,
  predictive,
  type PredictiveModel,
  type PredictiveOptions,
  type PredictiveOutput,
  type PredictiveResult,
} from '../inference/predictive/predictive.js';
export { bernoulliEntropy, categoricalEntropy } from '../inference/predictive/entropy.js';
export { releaseCompiledPasses } from '../inference/predictive/compiled-passes.js';
export {
  DEFAULT_COVERAGE_LEVELS,
  disposeRegressionPredictive,
  regressionPredictive,
  type RegressionPredictiveOptions,
  type RegressionPredictiveResult,
  type RegressionScores,
} from '../inference/predictive/regression.js';

// Metrics
export {
  brierScore,
  DEFAULT_CALIBRATION_BINS,
  expectedCalibrationError,
  negativeLogLikelihood,
  reliabilityBins,
  type CalibrationKind,
  type CalibrationOptions,
  type ReliabilityBin,
} from '../inference/metrics/calibration.js';
export {
  DEFAULT_CONNECTIVITY,
  labelComponents,
  spatialLayout,
  type ComponentLabels,
  type Connectivity,
  type SpatialLayout,
} from '../inference/metrics/components.js';
export {
  countConfusion,
  diceScore,
  metricsFromCounts,
  voxelMetrics,
  type ConfusionCounts,
  type ThresholdOptions,
  type VoxelMetrics,
} from '../inference/metrics/overlap.js';
export {
  DEFAULT_OVERLAP_THRESHOLDS,
  DEFAULT_RETENTION_POINTS,
  retentionCurve,
  uncertaintyErrorOverlap,
  type OverlapOfErrors,
  type OverlapOfErrorsOptions,
  type RetentionCurve,
  type RetentionOptions,
} from '../inference/metrics/retention.js';
export { DEFAULT_THRESHOLD, type VoxelValues } from '../inference/metrics/values.js';
export { auroc, errorDetectionAuroc, errorMask, type ErrorDetectionOptions } from '../inference/metrics/auroc.js';
export { lesionMetrics, type LesionMetrics, type LesionMetricsOptions } from '../inference/metrics/lesion.js';
export {
  classificationAccuracy,
  classwiseExpectedCalibrationError,
  multiclassBrierScore,
  multiclassExpectedCalibrationError,
  multiclassNegativeLogLikelihood,
  multiclassReliabilityBins,
  type Binning,
  type MulticlassCalibrationOptions,
} from '../inference/metrics/multiclass-calibration.js';
export { type ClassLabels, type ClassProbabilities } from '../inference/metrics/class-probabilities.js';
export {
  DEFAULT_QUANTILE_LEVELS,
  gaussianMixtureNegativeLogLikelihood,
  gaussianNegativeLogLikelihood,
  gaussianPit,
  intervalCoverage,
  quantileCalibration,
  quantileCalibrationError,
  rootMeanSquaredError,
  type QuantileCalibration,
  type SampleMatrix,
} from '../inference/metrics/regression.js';
export {
  accuracyRejectionCurve,
  DEFAULT_REJECTION_POINTS,
  misclassificationAuroc,
  type AccuracyRejectionCurve,
} from '../inference/metrics/rejection.js';
export {
  lesionUncertainty,
  type Aggregate,
  type LesionRecord,
  type LesionUncertaintyInput,
  type LesionUncertaintyOptions,
  type LesionUncertaintyReport,
} from '../inference/metrics/lesion-uncertainty.js';
export {
  fdrAtTpr,
  lesionFilterCurve,
  probabilityFilter,
  uncertaintyFilter,
  type LesionFilter,
  type LesionFilterPoint,
} from '../inference/metrics/lesion-filter-curve.js';
export * as metrics from '../inference/metrics/index.js';

// Segmentation recipe
export {
  PHANTOM_SEGMENTATION_RECIPE,
  segmentationObjective,
  segmentationRecipe,
  segmentationUNetArgs,
  type SegmentationRecipe,
} from '../inference/segmentation/recipe.js';
export { slidingWindowPredictive, type SlidingWindowOptions, type VolumeMaps } from '../inference/segmentation/sliding-window.js';
export {
  DEFAULT_GAUSSIAN_SIGMA_SCALE,
  DEFAULT_WINDOW_OVERLAP,
  gaussianImportance,
  MIN_IMPORTANCE,
  WindowBlender,
  windowGrid,
  windowStarts,
} from '../inference/segmentation/window-blending.js';

// Reports rendered to strings and bytes
export {
  CHART_HEIGHT,
  CHART_WIDTH,
  comparisonChart,
  gradientRatioChart,
  klWeightChart,
  lossPartsChart,
  reliabilityChart,
  reportCharts,
  retentionChart,
  type ReportChart,
} from '../inference/report/charts.js';
export {
  type Comparison,
  type ComparisonValue,
  type GradientRatioPoint,
  type GroupQuantileCalibration,
  type GroupReliability,
  type Panel,
  type PanelColormap,
  type PanelRow,
  type ReliabilityPoint,
  type ReportTable,
  type RetentionData,
  type RunReport,
  type RunStatus,
  type TrainingPoint,
} from '../inference/report/types.js';
export { groupReliabilityChart, quantileCalibrationChart } from '../inference/report/group-charts.js';
export { PANEL_DISPLAY_WIDTH, renderReportHtml } from '../inference/report/html.js';
export { encodePanelPng, panelDataUri, panelRange, panelRgba } from '../inference/report/panels.js';
export { renderSvg } from '../inference/report/svg.js';

// Image and volume codecs on bytes, colour maps, panels, preprocessing
export { applyColormap, COLORMAPS, grey, viridis, VIRIDIS_CONTROL_POINTS, type Colormap } from './io/colormap.js';
export {
  DEFAULT_CLIP_PERCENTILES,
  DEFAULT_FOREGROUND_FRACTION,
  normalizeSlices,
  percentile,
  percentileClip,
  thresholdMask,
  zScoreNormalize,
  type ClippedValues,
  type NormalizeOptions,
  type ZScoredValues,
} from './io/normalize.js';
export {
  checkPatchOptions,
  DEFAULT_POSITIVE_FRACTION,
  drawPatches,
  preparePatchSource,
  samplePatches,
  type LabelledVolumes,
  type PatchDrawSettings,
  type Patches,
  type PatchOptions,
  type PatchSource,
} from './io/patches.js';
export { PatchSampler, type PatchBatch, type PatchSamplerOptions } from './io/patch-sampler.js';
export { decodePng, encodePng, type GreyImage } from './io/png.js';
export { defaultGeometry, voxelCount, type NiftiGeometry } from './io/nifti-geometry.js';
export { niftiToTensor, parseNifti, type NiftiVolume } from './io/nifti-read.js';
export {
  encodeUncertaintyPanel,
  PANEL_ORDER,
  PANEL_TITLES,
  renderUncertaintyPanel,
  type PanelMaps,
  type PanelOptions,
  type PanelScale,
  type RenderedPanel,
} from './io/panels.js';
export { decodePngRgba, encodePngRgba, type RgbaImage } from './io/png-codec.js';
export { base64ToBytes, bytesToBase64 } from './io/base64.js';
export { encodeNifti } from './io/nifti-write.js';

// Built-in data
export {
  DEFAULT_BIAS_STRENGTH,
  DEFAULT_LESION_CONTRAST,
  DEFAULT_LESION_FRACTION,
  DEFAULT_LESION_RADIUS,
  DEFAULT_NOISE_LEVEL,
  DEFAULT_PHANTOM_SIZE,
  generatePhantom,
  generatePhantomArrays,
  MAX_LESION_FRACTION,
  type Phantom,
  type PhantomArrays,
  type PhantomOptions,
} from './data/phantom/phantom.js';
export {
  DEFAULT_DIGITS_LAYOUT,
  DEFAULT_DIGITS_SEED,
  DEFAULT_DIGITS_TEST_FRACTION,
  splitDigits,
  splitDigitsIndices,
  type DigitsLayout,
  type DigitsPart,
  type DigitsSplit,
  type LoadDigitsOptions,
} from './data/digits/split.js';
export {
  DIGITS_IMAGE_SIZE,
  DIGITS_MAX_INTENSITY,
  DIGITS_NUM_CLASSES,
  DIGITS_NUM_EXAMPLES,
  DIGITS_NUM_PIXELS,
  parseDigitsCsv,
  type DigitsTable,
} from './data/digits/table.js';
export {
  REGRESSION_TOY_DEFAULT_HIGH,
  REGRESSION_TOY_DEFAULT_LOW,
  REGRESSION_TOY_DEFAULT_NOISE_VARIANCE,
  REGRESSION_TOY_DEFAULT_SIZE,
  regressionToy,
  regressionToyTarget,
  type RegressionToyData,
  type RegressionToyOptions,
} from './data/regression-toy.js';
export { Tissue, TISSUE_INTENSITY } from './data/phantom/anatomy.js';
export {
  parseTabularCsv,
  SHIPPED_TABULAR,
  SHIPPED_TABULAR_SETS,
  parseShippedTabular,
  requireShippedTabular,
  splitTabular,
  DEFAULT_TABULAR_TEST_FRACTION,
  type ParseTabularOptions,
  type TabularData,
  type TabularTask,
  type ShippedTabularName,
  type ShippedTabularSpec,
  type TabularSplit,
} from './data/tabular/index.js';
export {
  brainVolumeGeometry,
  DEFAULT_BRAIN_LESION_FRACTION,
  DEFAULT_BRAIN_SIZE,
  DEFAULT_BRAIN_SPACING_MM,
  DEFAULT_LESION_DIAMETER_MM,
  DEFAULT_PERIVENTRICULAR_SHARE,
  generateBrainVolumes,
  MIN_LESION_RADIUS_VOXELS,
  PERIVENTRICULAR_BAND_MM,
  T1_INTENSITY,
  T1_LESION_DARKENING,
  type BrainVolumeOptions,
  type BrainVolumes,
} from './data/phantom/brain-volume.js';

// The 3D transposed convolution's gradient, which tfjs lacks (idempotent; needed on every backend).
registerConv3dTransposeGradient();
