/**
 * NIfTI header geometry: what must travel from an input image to every map written for it so
 * that viewers overlay them voxel for voxel (sizes, voxel spacing, qform and sform).
 */
import { InvalidArgumentError } from '../errors.js';

/** Geometry of a NIfTI image. Plain data; `readNifti` fills it, `writeNifti` writes it back. */
export interface NiftiGeometry {
  /** Sizes along i, j, k (and t, …): `[nx, ny, nz]` for a volume, `[nx, ny, 1]` for a slice. */
  readonly dims: readonly number[];
  /** The header's pixdim[0…7]: pixdim[0] is qfac (±1), pixdim[1…3] the voxel spacing. */
  readonly pixDims: readonly number[];
  /** Units code (xyzt_units), e.g. 2 = millimetres (spatial) + 8 = seconds. */
  readonly xyztUnits: number;
  /** qform_code (0 = none, 1 = scanner, …). */
  readonly qformCode: number;
  /** sform_code (0 = none, 1 = scanner, 2 = aligned, 3 = Talairach, 4 = MNI). */
  readonly sformCode: number;
  /** Quaternion parameters b, c, d of the qform rotation. */
  readonly quaternion: readonly [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z (mm). */
  readonly qoffset: readonly [number, number, number];
  /** Voxel (i, j, k, 1) → world (x, y, z, 1) matrix, 4×4: the sform when sform_code > 0, else the qform (or the spacing). */
  readonly affine: readonly (readonly number[])[];
  /** Free-text description (≤ 79 bytes). */
  readonly description: string;
}

/** Number of voxels of a geometry (product of its dims). */
export function voxelCount(geometry: Pick<NiftiGeometry, 'dims'>): number {
  return geometry.dims.reduce((a, b) => a * b, 1);
}

/**
 * A geometry for an array without a source image: scanner-aligned axes, `spacing` mm voxels,
 * origin at voxel 0. `dims` is `[nx, ny, nz]` (x fastest in memory).
 */
export function defaultGeometry(dims: readonly number[], spacing: readonly number[] = [1, 1, 1]): NiftiGeometry {
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 7 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError('defaultGeometry', 'dims', dims, '1 to 7 positive integers [nx, ny, nz, …]');
  }
  if (!Array.isArray(spacing) || spacing.length !== 3 || spacing.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new InvalidArgumentError('defaultGeometry', 'spacing', spacing, '3 finite numbers > 0 (mm)');
  }
  const padded = [...dims];
  while (padded.length < 3) padded.push(1);
  return {
    dims: padded,
    pixDims: [1, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1],
    xyztUnits: 2,
    qformCode: 1,
    sformCode: 1,
    quaternion: [0, 0, 0],
    qoffset: [0, 0, 0],
    affine: [
      [spacing[0], 0, 0, 0],
      [0, spacing[1], 0, 0],
      [0, 0, spacing[2], 0],
      [0, 0, 0, 1],
    ],
    description: 'tfjs-bnn',
  };
}
