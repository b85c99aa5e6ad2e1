/**
 * Writing a set of uncertainty maps as NIfTI files that open over their input in a viewer: each
 * map carries the input's geometry (dims, spacing, qform, sform). All files are written under
 * temporary names first and renamed only when every one succeeded, so a failure leaves no
 * half-written set behind.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { writeNifti } from './nifti-file.js';
import { voxelCount, type NiftiGeometry } from './nifti-geometry.js';

/** File names (without extension) of the five predictive maps. */
export const MAP_FILE_NAMES = {
  meanProbability: 'mean-probability',
  predictiveEntropy: 'predictive-entropy',
  expectedEntropy: 'expected-entropy',
  mutualInformation: 'mutual-information',
  variance: 'variance',
} as const;

/** Maps to write, by name: each a Float32Array of `voxelCount(geometry)` values in NIfTI order. */
export type NamedMaps = Readonly<Record<string, Float32Array>>;

/**
 * Writes `maps[name]` to `dir/<prefix><name>.nii.gz` with `geometry` (the input image's), all or
 * nothing. Returns the paths by name. Throws `InvalidArgumentError` when a map's size differs from
 * the geometry's and `FormatError` when a file cannot be written (then no map file is left).
 *
 * @example
 * await writeMapSet('out/maps', {'mean-probability': maps.meanProbability}, flair.geometry, 'subject-3-');
 */
export async function writeMapSet(dir: string, maps: NamedMaps, geometry: NiftiGeometry, prefix = ''): Promise<Record<string, string>> {
  const voxels = voxelCount(geometry);
  for (const [name, values] of Object.entries(maps)) {
    if (!(values instanceof Float32Array) || values.length !== voxels) {
      throw new InvalidArgumentError(
        'writeMapSet',
        `maps.${name}`,
        values instanceof Float32Array ? `${values.length} values` : values,
        `${voxels} values (dims ${geometry.dims.join('×')})`,
      );
    }
  }
  const paths: Record<string, string> = {};
  const temporary: string[] = [];
  try {
    for (const [name, values] of Object.entries(maps)) {
      const path = join(dir, `${prefix}${name}.nii.gz`);
      const partial = join(dir, `.partial-${prefix}${name}.nii.gz`);
      temporary.push(partial);
      await writeNifti(partial, values, geometry);
      paths[name] = path;
    }
    for (const [name, path] of Object.entries(paths)) await rename(join(dir, `.partial-${prefix}${name}.nii.gz`), path);
    return paths;
  } catch (error) {
    // A path that is not ours to remove (e.g. a directory in the way) is left alone.
    await Promise.all(temporary.map((path) => rm(path, { force: true }).catch(() => undefined)));
    throw error;
  }
}
