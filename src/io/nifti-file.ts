/** NIfTI files (Node only): reading `.nii`/`.nii.gz` and writing float32 volumes; the byte codecs are `nifti-read.ts` and `nifti-write.ts`. */
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'fflate';
import * as tf from '@tensorflow/tfjs';
import { FormatError, InvalidArgumentError } from '../errors.js';
import type { NiftiGeometry } from './nifti-geometry.js';
import { parseNifti, type NiftiVolume } from './nifti-read.js';
import { encodeNifti } from './nifti-write.js';

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
 * Writes `data` (a Float32Array in NIfTI order, or a tensor such as `[1, nz, ny, nx, 1]` whose
 * row-major order is NIfTI order; it is read, not disposed) as a float32 NIfTI-1 file with
 * `geometry` (e.g. that of the input image). A path ending in `.gz` is gzip-compressed.
 *
 * @example
 * const input = await readNifti('flair.nii.gz');
 * await writeNifti('mutual-information.nii.gz', maps.mutualInformation, input.geometry);
 */
export async function writeNifti(path: string, data: Float32Array | tf.Tensor, geometry: NiftiGeometry): Promise<void> {
  if (typeof path !== 'string' || !/\.nii(\.gz)?$/.test(path)) {
    throw new InvalidArgumentError('writeNifti', 'path', path, "a path ending in '.nii' or '.nii.gz'");
  }
  let values: Float32Array;
  if (data instanceof tf.Tensor) values = Float32Array.from(await data.data());
  else if (data instanceof Float32Array) values = data;
  else throw new InvalidArgumentError('writeNifti', 'data', data, 'a Float32Array or a tf.Tensor');
  const encoded = encodeNifti(values, geometry);
  try {
    await writeFile(path, path.endsWith('.gz') ? gzipSync(encoded) : encoded);
  } catch (error) {
    throw new FormatError(`writeNifti: cannot write '${path}' (${(error as Error).message}).`);
  }
}
