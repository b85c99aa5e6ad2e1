/** Segmentation recipes: measured defaults for Bayesian U-Net lesion segmentation and their builders. */
export {
  PHANTOM_SEGMENTATION_RECIPE,
  segmentationRecipe,
  segmentationObjective,
  segmentationUNetArgs,
  type SegmentationRecipe,
} from './recipe.js';
