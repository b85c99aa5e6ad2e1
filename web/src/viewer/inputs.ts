/**
 * What the viewer accepts, picked or dropped: `model.json` and `weights.bin` of a model saved by
 * `saveModel` (a `tfjs-bnn segment` run folder's `model/`), and a slice as PNG or NIfTI
 * (`.nii`, `.nii.gz`; the middle slice along z at first, another one by `volumeSlice`). Anything else is refused with a
 * `FormatError` the page shows.
 */
import * as tf from '@tensorflow/tfjs';
import { FormatError, decodePng, normalizeSlices, parseNifti } from 'tfjs-bnn';
import type { Slice } from './protocol.ts';

/** A model.json read and checked: every layer class it names is registered here. */
export interface ModelFile {
  readonly name: string;
  readonly modelTopology: object;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  /** Who wrote it, from model.json (`convertedBy`, `generatedBy`). */
  readonly writtenBy: string;
}

/** The voxels of a NIfTI volume (x fastest, then y, then z), for choosing another slice. */
export interface Volume {
  readonly data: Float32Array;
  readonly dims: readonly number[];
  readonly datatype: string;
}

/** A slice read from an image file, normalised as `tfjs-bnn segment` normalises its inputs. */
export interface ImageFile {
  readonly name: string;
  readonly slice: Slice;
  /** The raw grey values before normalisation (for display). */
  readonly raw: Float32Array;
  readonly description: string;
  /** The whole volume and the slice index shown, for NIfTI files. */
  readonly volume?: Volume;
  readonly z?: number;
}

export type ViewerInput =
  | { readonly kind: 'model'; readonly file: ModelFile }
  | { readonly kind: 'weights'; readonly name: string; readonly data: ArrayBuffer }
  | { readonly kind: 'image'; readonly file: ImageFile };

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

interface LayerEntry {
  readonly class_name?: unknown;
}

/** Layer class names of a Sequential or functional model topology. */
function layerClassNames(topology: Record<string, unknown>): string[] {
  const modelConfig = (topology.model_config ?? topology) as { config?: { layers?: LayerEntry[] } | LayerEntry[] };
  const layers = Array.isArray(modelConfig.config) ? modelConfig.config : (modelConfig.config?.layers ?? []);
  return layers.map((layer) => layer.class_name).filter((name): name is string => typeof name === 'string');
}

/**
 * Parses and checks a model.json: it must hold a layers-model topology and a weights manifest,
 * and every layer class must be registered (tfjs's own and this tfjs-bnn's). A missing class
 * gives a `FormatError` naming it and the writer of the file.
 */
function readModelJson(name: string, text: string, version: string): ModelFile {
  let json: {
    modelTopology?: unknown;
    weightsManifest?: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
    convertedBy?: unknown;
    generatedBy?: unknown;
  };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (error) {
    throw new FormatError(`viewer: '${name}' is not JSON (${(error as Error).message}); expected the model.json of a saved model.`);
  }
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof json.modelTopology !== 'object' ||
    json.modelTopology === null ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new FormatError(
      `viewer: '${name}' has no modelTopology or weightsManifest; expected the model.json written by saveModel (a segment run's model/ folder).`,
    );
  }
  const writtenBy = [json.convertedBy, json.generatedBy].filter((v) => typeof v === 'string').join(', ') || 'an unknown writer';
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  const missing = [...new Set(layerClassNames(json.modelTopology as Record<string, unknown>))].filter(
    (cls) => registered[cls] === undefined,
  );
  if (missing.length > 0) {
    throw new FormatError(
      `viewer: '${name}' uses the layer class${missing.length > 1 ? 'es' : ''} ${missing.map((c) => `'${c}'`).join(', ')}, which tfjs-bnn ${version} does not register ` +
        `(the file was written by ${writtenBy}); load it with the tfjs-bnn version that saved it, or re-save the model with this one.`,
    );
  }
  return { name, modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((group) => group.weights), writtenBy };
}

function sliceOf(name: string, grey: Float32Array, width: number, height: number, description: string): ImageFile {
  return { name, raw: grey, slice: { width, height, data: normalizeSlices(grey, 1, width * height) }, description };
}

/** Slice `z` (clamped to the volume) of a NIfTI volume, as the viewer's image (first frame of 4-D data). */
export function volumeSlice(name: string, volume: Volume, z: number): ImageFile {
  const [nx, ny, nz] = volume.dims;
  const index = Math.min(nz - 1, Math.max(0, Math.round(z)));
  const grey = volume.data.slice(index * nx * ny, (index + 1) * nx * ny);
  return {
    ...sliceOf(name, grey, nx, ny, `NIfTI ${volume.dims.join('×')} (${volume.datatype}), slice z = ${index} of ${nz}`),
    volume,
    z: index,
  };
}

/** Reads one picked or dropped file. Throws `FormatError` for a file the viewer cannot use. */
export async function readViewerFile(file: File, version: string): Promise<ViewerInput> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const lower = file.name.toLowerCase();
  if (lower.endsWith('.json')) return { kind: 'model', file: readModelJson(file.name, new TextDecoder().decode(bytes), version) };
  if (lower.endsWith('.bin')) return { kind: 'weights', name: file.name, data: bytes.buffer };
  if (lower.endsWith('.png') || PNG_MAGIC.every((b, i) => bytes[i] === b)) {
    const image = decodePng(bytes, `'${file.name}'`);
    return { kind: 'image', file: sliceOf(file.name, image.data, image.width, image.height, `${image.width}×${image.height} PNG`) };
  }
  if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) {
    const { data, geometry, datatype } = parseNifti(bytes, `'${file.name}'`);
    return { kind: 'image', file: volumeSlice(file.name, { data, dims: geometry.dims, datatype }, Math.floor(geometry.dims[2] / 2)) };
  }
  throw new FormatError(
    `viewer: '${file.name}' is not a model.json, weights.bin, PNG or NIfTI (.nii, .nii.gz) file; nothing was loaded from it.`,
  );
}
