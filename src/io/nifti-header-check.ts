/**
 * Validation of the NIfTI header fields that size, place or scale the voxel data, against the
 * length of the file. Every failure is a `FormatError` naming the field, the value and what a valid
 * file has, so a corrupt or hostile header never reads out of bounds or silently reads the wrong
 * number of voxels (NIfTI-1 standard, https://nifti.nimh.nih.gov/nifti-1/documentation).
 */
import { FormatError } from '../errors.js';

/** The header fields this check reads (a subset of nifti-reader-js's NIFTI1 / NIFTI2). */
export interface NiftiHeaderFields {
  readonly dims: readonly number[];
  readonly datatypeCode: number;
  readonly numBitsPerVoxel: number;
  readonly vox_offset: number;
  readonly scl_slope: number;
  readonly scl_inter: number;
  readonly qform_code: number;
  readonly sform_code: number;
  readonly pixDims: readonly number[];
  readonly quatern_b: number;
  readonly quatern_c: number;
  readonly quatern_d: number;
  readonly qoffset_x: number;
  readonly qoffset_y: number;
  readonly qoffset_z: number;
  readonly affine: readonly (readonly number[])[];
}

/** Where and how the voxel data lie, once the header is known to be consistent with the file. */
export interface NiftiDataLayout {
  /** Sizes along x, y, z (padded with 1 to rank 3) then any further dims. */
  readonly dims: number[];
  /** Number of voxels, the product of `dims`. */
  readonly count: number;
  /** Byte offset of the first voxel. */
  readonly offset: number;
  /** Whether `value · scl_slope + scl_inter` applies (slope finite, non-zero and not the identity). */
  readonly scaled: boolean;
}

/** Highest xform code of the standard (NIFTI_XFORM_TEMPLATE_OTHER). */
const MAX_XFORM_CODE = 5;

function fail(source: string, field: string, value: unknown, expected: string): never {
  throw new FormatError(`readNifti: ${source} has header field ${field} = ${String(value)}; expected ${expected}.`);
}

/**
 * Checks the header against a file of `fileLength` bytes (after decompression) whose header takes
 * `headerBytes` (348 for NIfTI-1, 540 for NIfTI-2) and whose datatype has `bytesPerVoxel` bytes.
 * Returns the data layout; throws `FormatError` for a dim that is not a positive integer, a bitpix
 * that disagrees with the datatype, a vox_offset that is not an integer inside the file after the
 * header, non-finite scaling, an unknown qform/sform code, non-finite spacing or orientation used by
 * a non-zero code, or fewer bytes than the voxels need.
 */
export function checkNiftiHeader(
  header: NiftiHeaderFields,
  fileLength: number,
  headerBytes: number,
  bytesPerVoxel: number,
  source: string,
): NiftiDataLayout {
  const rank = header.dims[0];
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) fail(source, 'dim[0]', rank, 'an integer from 1 to 7 (the number of dimensions)');
  const dims: number[] = [];
  for (let i = 1; i <= rank; i++) {
    const size = header.dims[i];
    if (!Number.isInteger(size) || size < 1) fail(source, `dim[${i}]`, size, 'an integer ≥ 1 (dim[0] = ' + rank + ' dimensions are used)');
    dims.push(size);
  }
  while (dims.length < 3) dims.push(1);
  if (header.numBitsPerVoxel !== bytesPerVoxel * 8) {
    fail(source, 'bitpix', header.numBitsPerVoxel, `${bytesPerVoxel * 8} for datatype code ${header.datatypeCode}`);
  }
  const offset = header.vox_offset;
  if (!Number.isInteger(offset) || offset < headerBytes || offset >= fileLength) {
    fail(
      source,
      'vox_offset',
      offset,
      `an integer byte position from ${headerBytes} (end of the header) to ${fileLength - 1} (end of this ${fileLength}-byte file)`,
    );
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const needed = offset + count * bytesPerVoxel;
  if (!Number.isSafeInteger(needed) || needed > fileLength) {
    throw new FormatError(
      `readNifti: ${source} is truncated: dims ${dims.join('×')} announce ${count} voxels of ${bytesPerVoxel} bytes from vox_offset ${offset} ` +
        `(${needed} bytes in all), but the file has ${fileLength} bytes.`,
    );
  }
  const slope = header.scl_slope;
  if (Number.isNaN(slope) || slope === Infinity || slope === -Infinity)
    fail(source, 'scl_slope', slope, 'a finite number (0 means no scaling)');
  const scaled = slope !== 0 && (slope !== 1 || header.scl_inter !== 0);
  if (scaled && !Number.isFinite(header.scl_inter)) fail(source, 'scl_inter', header.scl_inter, 'a finite number when scl_slope is not 0');
  for (const [field, code] of [
    ['qform_code', header.qform_code],
    ['sform_code', header.sform_code],
  ] as const) {
    if (!Number.isInteger(code) || code < 0 || code > MAX_XFORM_CODE) fail(source, field, code, `an integer from 0 to ${MAX_XFORM_CODE}`);
  }
  for (let i = 1; i <= Math.min(rank, 3); i++) {
    if (!Number.isFinite(header.pixDims[i])) fail(source, `pixdim[${i}]`, header.pixDims[i], 'a finite voxel spacing');
  }
  if (header.qform_code > 0) {
    const quaternion = {
      quatern_b: header.quatern_b,
      quatern_c: header.quatern_c,
      quatern_d: header.quatern_d,
      qoffset_x: header.qoffset_x,
      qoffset_y: header.qoffset_y,
      qoffset_z: header.qoffset_z,
    };
    for (const [field, value] of Object.entries(quaternion)) {
      if (!Number.isFinite(value)) fail(source, field, value, 'a finite number when qform_code > 0');
    }
  }
  if (header.sform_code > 0) {
    header.affine.slice(0, 3).forEach((row, r) =>
      row.forEach((value, c) => {
        if (!Number.isFinite(value)) fail(source, `srow_${'xyz'[r]}[${c}]`, value, 'a finite number when sform_code > 0');
      }),
    );
  }
  return { dims, count, offset, scaled };
}
