/**
 * Reading NIfTI-1 and NIfTI-2 images (`.nii`, `.nii.gz`) with nifti-reader-js, with typed errors
 * for unreadable, truncated or foreign files, and intensity scaling (scl_slope, scl_inter) applied.
 */
import { gunzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import * as tf from '@tensorflow/tfjs';
import { FormatError } from '../errors.js';
import { voxelCount, type NiftiGeometry } from './nifti-geometry.js';
import { checkNiftiHeader } from './nifti-header-check.js';

/** A NIfTI image: voxel values (float32, x fastest, then y, z, t) and its geometry. */
export interface NiftiVolume {
  /** Scaled voxel values, `voxelCount(geometry)` of them, i fastest (NIfTI order). */
  readonly data: Float32Array;
  readonly geometry: NiftiGeometry;
  /** Datatype of the file, e.g. `'int16'`. */
  readonly datatype: string;
}

type Reader = (view: DataView, offset: number, littleEndian: boolean) => number;

const DATATYPES: Readonly<Record<number, { name: string; bytes: number; read: Reader }>> = {
  2: { name: 'uint8', bytes: 1, read: (v, o) => v.getUint8(o) },
  4: { name: 'int16', bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
  8: { name: 'int32', bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  16: { name: 'float32', bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  64: { name: 'float64', bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
  256: { name: 'int8', bytes: 1, read: (v, o) => v.getInt8(o) },
  512: { name: 'uint16', bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
  768: { name: 'uint32', bytes: 4, read: (v, o, le) => v.getUint32(o, le) },
};

const NIFTI1_HEADER_BYTES = 348;
const NIFTI2_HEADER_BYTES = 540;

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Parses NIfTI bytes (gzip-compressed or not). `source` names the file in error messages.
 * Throws `FormatError` for a truncated or corrupt gzip stream, a header shorter than 348 bytes,
 * a wrong magic string, an unsupported datatype, or any header field that sizes, places or scales
 * the data and disagrees with the file (see `checkNiftiHeader`): every field is named in the message.
 */
export function parseNifti(bytes: Uint8Array, source = 'buffer'): NiftiVolume {
  let raw = bytes;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (error) {
      throw new FormatError(
        `readNifti: ${source} is gzip-compressed but cannot be decompressed (${(error as Error).message}); the file is truncated or corrupt.`,
      );
    }
  }
  if (raw.length < 348) {
    throw new FormatError(`readNifti: ${source} has ${raw.length} bytes; a NIfTI header needs at least 348 (truncated file?).`);
  }
  const buffer = toArrayBuffer(raw);
  if (!nifti.isNIFTI(buffer)) {
    throw new FormatError(
      `readNifti: ${source} is not a NIfTI-1/NIfTI-2 single file: the 4-byte magic string at byte offset 344 (NIfTI-1) or 4 (NIfTI-2) is neither 'n+1' nor 'n+2'.`,
    );
  }
  let header: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    header = nifti.readHeader(buffer);
  } catch (error) {
    throw new FormatError(`readNifti: ${source} has an unreadable header (${(error as Error).message}).`);
  }
  const type = DATATYPES[header.datatypeCode];
  if (type === undefined) {
    throw new FormatError(
      `readNifti: ${source} has header field datatype = ${header.datatypeCode}; expected one of the codes ${Object.entries(DATATYPES)
        .map(([code, t]) => `${code} (${t.name})`)
        .join(', ')}.`,
    );
  }
  const headerBytes = header instanceof nifti.NIFTI2 ? NIFTI2_HEADER_BYTES : NIFTI1_HEADER_BYTES;
  const { dims, count, offset, scaled } = checkNiftiHeader(header, raw.length, headerBytes, type.bytes, source);
  const view = new DataView(buffer);
  const data = new Float32Array(count);
  const slope = header.scl_slope;
  for (let i = 0; i < count; i++) {
    const value = type.read(view, offset + i * type.bytes, header.littleEndian);
    data[i] = scaled ? value * slope + header.scl_inter : value;
  }
  const geometry: NiftiGeometry = {
    dims,
    pixDims: Array.from({ length: 8 }, (_, i) => header.pixDims[i] ?? 0),
    xyztUnits: header.xyzt_units,
    qformCode: header.qform_code,
    sformCode: header.sform_code,
    quaternion: [header.quatern_b, header.quatern_c, header.quatern_d],
    qoffset: [header.qoffset_x, header.qoffset_y, header.qoffset_z],
    affine: header.affine.map((row) => row.slice()),
    description: header.description.replace(/\0+$/, ''),
  };
  if (voxelCount(geometry) !== count) throw new FormatError(`readNifti: ${source}: inconsistent dims ${dims.join('×')}.`);
  return { data, geometry, datatype: type.name };
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
