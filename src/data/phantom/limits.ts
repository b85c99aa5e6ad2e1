/**
 * Limits of the phantom generator as plain constants (no runtime imports), so the command line can
 * check its options against the generator's own bounds without loading TensorFlow.js.
 */

/** Largest accepted lesion fraction (lesion voxels / all voxels). */
export const MAX_LESION_FRACTION = 0.25;
