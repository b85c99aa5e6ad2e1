export {
  generatePhantom,
  generatePhantomArrays,
  DEFAULT_LESION_FRACTION,
  MAX_LESION_FRACTION,
  DEFAULT_LESION_RADIUS,
  DEFAULT_LESION_CONTRAST,
  DEFAULT_NOISE_LEVEL,
  DEFAULT_BIAS_STRENGTH,
  DEFAULT_PHANTOM_SIZE,
  type Phantom,
  type PhantomArrays,
  type PhantomOptions,
} from './phantom.js';
export { Tissue, TISSUE_INTENSITY } from './anatomy.js';
