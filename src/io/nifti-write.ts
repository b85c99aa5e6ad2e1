/**
 * Writing NIfTI-1 single files (`.nii`, or `.nii.gz` gzip-compressed with node:zlib) as float32,
 * carrying the geometry of a reference image so maps overlay their input voxel for voxel.
 */
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { voxelCount, type NiftiGeometry } from './nifti-geometry.js';

const HEADER_BYTES = 348;
/** Header plus the 4-byte extension flag (no extensions): voxel data start here. */
const VOX_OFFSET = 352;
const FLOAT32_CODE = 16;

function writeString(view: DataView, offset: number, text: string, length: number): void {
  const bytes = new TextEncoder().encode(text).subarray(0, length - 1);
  bytes.forEach((b, i) => view.setUint8(offset + i, b));
}

/**
 * Encodes float32 `data` (i fastest) with `geometry` as NIfTI-1 bytes (little-endian, no
 * extensions, scl_slope 1). Throws `ShapeError` when the data size differs from the geometry's.
 */
export function encodeNifti(data: Float32Array, geometry: NiftiGeometry): Uint8Array {
  const count = voxelCount(geometry);
  if (data.length !== count) {
    throw new ShapeError('writeNifti', 'data', [data.length], `${count} voxels (dims ${geometry.dims.join('×')} of the geometry)`);
  }
  if (geometry.affine.length !== 4 || geometry.affine.some((row) => row.length !== 4 || row.some((v) => !Number.isFinite(v)))) {
    throw new InvalidArgumentError('writeNifti', 'geometry.affine', geometry.affine, 'a finite 4×4 matrix');
  }
  const bytes = new Uint8Array(VOX_OFFSET + count * 4);
  const view = new DataView(bytes.buffer);
  const le = true;
  view.setInt32(0, HEADER_BYTES, le);
  view.setUint8(38, 'r'.charCodeAt(0));
  const dims = geometry.dims;
  view.setInt16(40, dims.length, le);
  dims.forEach((d, i) => view.setInt16(42 + 2 * i, d, le));
  for (let i = dims.length; i < 7; i++) view.setInt16(42 + 2 * i, 1, le);
  view.setInt16(70, FLOAT32_CODE, le);
  view.setInt16(72, 32, le);
  geometry.pixDims.slice(0, 8).forEach((p, i) => view.setFloat32(76 + 4 * i, p, le));
  view.setFloat32(108, VOX_OFFSET, le);
  view.setFloat32(112, 1, le);
  view.setFloat32(116, 0, le);
  view.setUint8(123, geometry.xyztUnits);
  writeString(view, 148, geometry.description, 80);
  view.setInt16(252, geometry.qformCode, le);
  view.setInt16(254, geometry.sformCode, le);
  geometry.quaternion.forEach((q, i) => view.setFloat32(256 + 4 * i, q, le));
  geometry.qoffset.forEach((q, i) => view.setFloat32(268 + 4 * i, q, le));
  for (let row = 0; row < 3; row++) {
    for (let column = 0; column < 4; column++) view.setFloat32(280 + 16 * row + 4 * column, geometry.affine[row][column], le);
  }
  writeString(view, 344, 'n+1', 4);
  for (let i = 0; i < count; i++) view.setFloat32(VOX_OFFSET + 4 * i, data[i], le);
  return bytes;
}
