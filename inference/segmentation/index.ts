/** Segmentation recipes: measured defaults for Bayesian U-Net lesion segmentation and their builders. */
export {
  PHANTOM_SEGMENTATION_RECIPE,
  segmentationRecipe,
  segmentationObjective,
  segmentationUNetArgs,
  type SegmentationRecipe,
} from './recipe.js';
export { slidingWindowPredictive, type SlidingWindowOptions, type VolumeMaps } from './sliding-window.js';
export {
  windowStarts,
  windowGrid,
  gaussianImportance,
  WindowBlender,
  DEFAULT_WINDOW_OVERLAP,
  DEFAULT_GAUSSIAN_SIGMA_SCALE,
  MIN_IMPORTANCE,
} from './window-blending.js';
