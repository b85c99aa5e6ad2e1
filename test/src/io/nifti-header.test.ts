import test from 'ava';
import { parseNifti, encodeNifti, defaultGeometry } from '../../../src/io/index.js';
import { FormatError } from '../../../src/errors.js';

/** A valid 4×4×2 float32 NIfTI-1 file (352-byte header + extension, 128 data bytes). */
function goodFile(): Uint8Array {
  return Uint8Array.from(
    encodeNifti(
      Float32Array.from({ length: 32 }, (_, i) => i),
      defaultGeometry([4, 4, 2]),
    ),
  );
}

type Edit = (view: DataView) => void;
const int16 =
  (offset: number, value: number): Edit =>
  (view) =>
    view.setInt16(offset, value, true);
const float32 =
  (offset: number, value: number): Edit =>
  (view) =>
    view.setFloat32(offset, value, true);

// NIfTI-1 byte offsets: dim[i] at 40 + 2i, datatype 70, bitpix 72, pixdim[i] at 76 + 4i, vox_offset 108,
// scl_slope 112, scl_inter 116, qform_code 252, sform_code 254, quatern_b 256, srow_x 280.
const hostileHeaders: Array<[string, Edit[], RegExp]> = [
  ['dim[1] = 0', [int16(42, 0)], /header field dim\[1\] = 0; expected an integer ≥ 1/],
  ['dim[1] = −5', [int16(42, -5)], /dim\[1\] = -5/],
  ['dim[0] = 0', [int16(40, 0)], /dim\[0\] = 0; expected an integer from 1 to 7/],
  ['dim[0] = 9', [int16(40, 9)], /dim\[0\] = 9/],
  ['vox_offset = −100', [float32(108, -100)], /vox_offset = -100; expected an integer byte position from 348/],
  ['vox_offset beyond the file', [float32(108, 1e9)], /vox_offset = 1000000000; expected .*end of this 480-byte file/],
  ['vox_offset = 352.5', [float32(108, 352.5)], /vox_offset = 352.5/],
  ['vox_offset inside the header', [float32(108, 100)], /vox_offset = 100/],
  ['bitpix disagrees with datatype', [int16(72, 8)], /bitpix = 8; expected 32 for datatype code 16/],
  ['dims too large for the file', [int16(42, 32767), int16(44, 32767)], /truncated: dims 32767×32767×2 announce/],
  ['scl_slope = Inf', [float32(112, Infinity)], /scl_slope = Infinity/],
  ['scl_slope = NaN', [float32(112, Number.NaN)], /scl_slope = NaN/],
  ['scl_inter = NaN with a slope', [float32(112, 2), float32(116, Number.NaN)], /scl_inter = NaN/],
  ['qform_code = 9', [int16(252, 9)], /qform_code = 9; expected an integer from 0 to 5/],
  ['sform_code = −1', [int16(254, -1)], /sform_code = -1/],
  ['non-finite pixdim', [float32(80, Number.NaN)], /pixdim\[1\] = NaN/],
  ['non-finite quaternion with qform_code 1', [int16(252, 1), float32(256, Infinity)], /quatern_b = Infinity/],
  ['non-finite srow with sform_code 1', [int16(254, 1), float32(284, Number.NaN)], /srow_x\[1\] = NaN/],
  ['unknown datatype', [int16(70, 3)], /datatype = 3; expected one of the codes 2 \(uint8\)/],
];

for (const [name, edits, message] of hostileHeaders) {
  test(`a NIfTI header with ${name} is a FormatError naming the field`, (t) => {
    const bytes = goodFile();
    const view = new DataView(bytes.buffer);
    edits.forEach((edit) => edit(view));
    t.throws(() => parseNifti(bytes, 'hostile.nii'), { instanceOf: FormatError, message });
  });
}

test('the unedited file reads all 32 voxels (the hostile cases differ from it by their edits only)', (t) => {
  const volume = parseNifti(goodFile());
  t.deepEqual(volume.geometry.dims, [4, 4, 2]);
  t.is(volume.data.length, 32);
  t.is(volume.data[31], 31);
});

test('scl_slope = 0 means no scaling (NIfTI-1 standard), even with a non-finite scl_inter', (t) => {
  const bytes = goodFile();
  const view = new DataView(bytes.buffer);
  view.setFloat32(112, 0, true);
  view.setFloat32(116, Number.NaN, true);
  t.is(parseNifti(bytes).data[5], 5);
});
