/**
 * Reading NIfTI-1 and NIfTI-2 image files (`.nii`, `.nii.gz`) from disk; the parsing itself is in
 * `nifti-parse.ts` (no Node API).
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { FormatError } from '../errors.js';
import { parseNifti, type NiftiVolume } from './nifti-parse.js';

export { parseNifti, type NiftiVolume } from './nifti-parse.js';

/**
 * Reads a `.nii` or `.nii.gz` file. Throws `FormatError` when the file cannot be read or is not
 * a valid NIfTI image (see `parseNifti`).
 *
 * @example
 * const {data, geometry} = await readNifti('flair.nii.gz');
 * const volume = niftiToTensor({data, geometry}); // [1, nz, ny, nx, 1]
 */
export async function readNifti(path: string): Promise<NiftiVolume> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FormatError(`readNifti: cannot read '${path}' (${(error as Error).message}).`);
  }
  return parseNifti(bytes, `'${path}'`);
}

/**
 * The volume as a float32 tensor `[T, nz, ny, nx, 1]` (T = product of the dims beyond 3, usually
 * 1). NIfTI stores x fastest, which is the last axis here, so no data is reordered. The caller
 * owns the tensor.
 */
export function niftiToTensor(volume: Pick<NiftiVolume, 'data' | 'geometry'>): tf.Tensor {
  const [nx, ny, nz, ...rest] = volume.geometry.dims;
  const frames = rest.reduce((a, b) => a * b, 1);
  return tf.tensor(volume.data, [frames, nz, ny, nx, 1], 'float32');
}
