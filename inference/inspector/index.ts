/** The gradient inspector: likelihood vs KL gradients, per layer and per parameter, and their time series. */
export { inspectGradients, requireInspectionArgs, computeTermGradients, disposeTermGradients, type InspectionBatch } from './inspect.js';
export { parameterGroups, type ParameterGroup, type ParameterRole } from './parameter-groups.js';
export { compareTerms, addSums, type TermComparison, type GradientSums } from './term-comparison.js';
export {
  summarizeGradients,
  type GradientInspection,
  type ParameterGradientRow,
  type LayerGradientRow,
  type MissingGradient,
  type InspectedTerm,
  type TermGradients,
} from './summarize.js';
export {
  GradientRecorder,
  DEFAULT_MAX_TRACE_POINTS,
  DEFAULT_SNR_WINDOW,
  type GradientRecorderOptions,
  type LayerGradientSummary,
} from './recorder.js';
export { RunningStats } from './running-stats.js';
export { GradientWindow } from './gradient-snr.js';
export { recorderToJSON, recorderToCSV, recorderRatioPlot, CSV_COLUMNS } from './export.js';
