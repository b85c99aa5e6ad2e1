export { type NiftiGeometry, defaultGeometry, voxelCount } from './nifti-geometry.js';
export { parseNifti, niftiToTensor, type NiftiVolume } from './nifti-read.js';
export { encodeNifti } from './nifti-write.js';
export { decodePng, encodePng, type GreyImage } from './png.js';
export { decodePngRgba, encodePngRgba, crc32, type RgbaImage } from './png-codec.js';
export { bytesToBase64, base64ToBytes } from './base64.js';
export { viridis, grey, applyColormap, COLORMAPS, VIRIDIS_CONTROL_POINTS, type Colormap } from './colormap.js';
export {
  renderUncertaintyPanel,
  encodeUncertaintyPanel,
  PANEL_ORDER,
  PANEL_TITLES,
  TILE_GAP,
  type PlacedText,
  type TileBox,
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
export {
  samplePatches,
  preparePatchSource,
  checkPatchOptions,
  drawPatches,
  DEFAULT_POSITIVE_FRACTION,
  type LabelledVolumes,
  type PatchOptions,
  type Patches,
  type PatchSource,
  type PatchDrawSettings,
} from './patches.js';
export { PatchSampler, type PatchSamplerOptions, type PatchBatch } from './patch-sampler.js';
