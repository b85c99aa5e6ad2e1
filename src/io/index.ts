export { type NiftiGeometry, defaultGeometry, voxelCount } from './nifti-geometry.js';
export { readNifti, parseNifti, niftiToTensor, type NiftiVolume } from './nifti-read.js';
export { writeNifti, encodeNifti } from './nifti-write.js';
export { readPng, decodePng, encodePng, writeGreyPng, writeRgbaPng, readPngSlices, type GreyImage, type PngSlices } from './png.js';
export { viridis, grey, applyColormap, COLORMAPS, VIRIDIS_CONTROL_POINTS, type Colormap } from './colormap.js';
export {
  renderUncertaintyPanel,
  writeUncertaintyPanel,
  encodeUncertaintyPanel,
  PANEL_ORDER,
  type PanelMaps,
  type PanelOptions,
  type PanelScale,
  type RenderedPanel,
} from './panels.js';
export {
  percentile,
  percentileClip,
  zScoreNormalize,
  thresholdMask,
  normalizeSlices,
  DEFAULT_CLIP_PERCENTILES,
  DEFAULT_FOREGROUND_FRACTION,
  type NormalizeOptions,
  type ClippedValues,
  type ZScoredValues,
} from './normalize.js';
export { samplePatches, preparePatchSource, checkPatchOptions, drawPatches, DEFAULT_POSITIVE_FRACTION, type LabelledVolumes, type PatchOptions, type Patches, type PatchSource, type PatchDrawSettings } from './patches.js';
export { writeMapSet, MAP_FILE_NAMES, type NamedMaps } from './write-maps.js';
export { PatchSampler, type PatchSamplerOptions, type PatchBatch } from './patch-sampler.js';
