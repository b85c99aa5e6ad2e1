/**
 * Writes brain phantom volumes as NIfTI files a viewer opens over each other: per subject a
 * FLAIR-like, a T1-like and a mask file with the same affine (`brainVolumeGeometry`).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeNifti } from '../../io/nifti-file.js';
import { brainVolumeGeometry, type BrainVolumes } from './brain-volume.js';

/** Paths written for one subject. */
export interface BrainVolumeFiles {
  readonly flair: string;
  readonly t1: string;
  readonly mask: string;
}

/**
 * Writes every volume of `volumes` to `dir/subject-<k>-{flair,t1,mask}.nii.gz` (dir created if
 * missing). Returns the paths per subject.
 */
export async function writeBrainVolumes(dir: string, volumes: BrainVolumes): Promise<BrainVolumeFiles[]> {
  await mkdir(dir, { recursive: true });
  const [count, depth, height, width] = volumes.shape;
  const geometry = brainVolumeGeometry([depth, height, width], volumes.spacingMm);
  const voxels = depth * height * width;
  const files: BrainVolumeFiles[] = [];
  for (let k = 0; k < count; k++) {
    const flair = new Float32Array(voxels);
    const t1 = new Float32Array(voxels);
    for (let v = 0; v < voxels; v++) {
      flair[v] = volumes.image[2 * (k * voxels + v)];
      t1[v] = volumes.image[2 * (k * voxels + v) + 1];
    }
    const paths = {
      flair: join(dir, `subject-${k}-flair.nii.gz`),
      t1: join(dir, `subject-${k}-t1.nii.gz`),
      mask: join(dir, `subject-${k}-mask.nii.gz`),
    };
    await writeNifti(paths.flair, flair, geometry);
    await writeNifti(paths.t1, t1, geometry);
    await writeNifti(paths.mask, Float32Array.from(volumes.mask.subarray(k * voxels, (k + 1) * voxels)), geometry);
    files.push(paths);
  }
  return files;
}
