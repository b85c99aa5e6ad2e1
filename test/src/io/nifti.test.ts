import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readNifti, writeNifti } from '../../../src/io/nifti-file.js';
import { encodeNifti, parseNifti, niftiToTensor, defaultGeometry, type NiftiGeometry } from '../../../src/io/index.js';
import { FormatError, InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak } from '../../helpers/leak.js';

const directory = await mkdtemp(join(tmpdir(), 'tfjs-bnn-nifti-'));

/** An oblique scanner geometry: sform with rotation and shear-free scaling, qform 180° about z. */
const geometry: NiftiGeometry = {
  dims: [4, 3, 2],
  pixDims: [1, 2, 2, 3, 1, 0, 0, 0],
  xyztUnits: 10,
  qformCode: 1,
  sformCode: 2,
  quaternion: [0, 0, 1],
  qoffset: [10, 20, 30],
  affine: [
    [0, -2, 0, 90.5],
    [1.5, 0, 0, -126.25],
    [0, 0, 3, -72],
    [0, 0, 0, 1],
  ],
  description: 'oblique test volume',
};

function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100 + i / 7);
}

for (const extension of ['.nii', '.nii.gz']) {
  test(`write → read round trip keeps data, affine and header geometry (${extension})`, async (t) => {
    const path = join(directory, `volume${extension}`);
    const data = ramp(24);
    await writeNifti(path, data, geometry);
    const bytes = await readFile(path);
    t.is(bytes[0] === 0x1f && bytes[1] === 0x8b, extension === '.nii.gz', 'gzip exactly when the name ends in .gz');
    const volume = await readNifti(path);
    t.deepEqual(volume.data, data);
    t.is(volume.datatype, 'float32');
    t.deepEqual(volume.geometry.affine, geometry.affine);
    t.deepEqual(volume.geometry.dims, geometry.dims);
    t.deepEqual(volume.geometry.pixDims, geometry.pixDims);
    t.deepEqual([volume.geometry.qformCode, volume.geometry.sformCode, volume.geometry.xyztUnits], [1, 2, 10]);
    t.deepEqual(volume.geometry.quaternion, geometry.quaternion);
    t.deepEqual(volume.geometry.qoffset, geometry.qoffset);
    t.is(volume.geometry.description, geometry.description);
  });
}

test('a map written with the geometry of an input read back has the input affine (qform-only input)', async (t) => {
  const qformOnly: NiftiGeometry = {
    ...geometry,
    sformCode: 0,
    affine: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ],
  };
  const inputPath = join(directory, 'qform-input.nii');
  await writeNifti(inputPath, ramp(24), qformOnly);
  const input = await readNifti(inputPath);
  // Quaternion (b, c, d) = (0, 0, 1) is 180° about z: R = diag(−1, −1, 1), scaled by pixdim, offset by qoffset.
  t.deepEqual(input.geometry.affine, [
    [-2, 0, 0, 10],
    [0, -2, 0, 20],
    [0, 0, 3, 30],
    [0, 0, 0, 1],
  ]);
  const mapPath = join(directory, 'qform-map.nii.gz');
  await writeNifti(mapPath, new Float32Array(24).fill(0.5), input.geometry);
  t.deepEqual((await readNifti(mapPath)).geometry.affine, input.geometry.affine);
});

test('int16 voxels are read with scl_slope and scl_inter applied', (t) => {
  const bytes = encodeNifti(new Float32Array(6), { ...defaultGeometry([3, 2, 1]) });
  const view = new DataView(bytes.buffer);
  view.setInt16(70, 4, true); // datatype int16
  view.setInt16(72, 16, true);
  view.setFloat32(112, 2, true); // scl_slope
  view.setFloat32(116, 1, true); // scl_inter
  [-3, 0, 5, 100, -32768, 32767].forEach((v, i) => view.setInt16(352 + 2 * i, v, true));
  const volume = parseNifti(bytes.subarray(0, 352 + 12));
  t.is(volume.datatype, 'int16');
  t.deepEqual(Array.from(volume.data), [-5, 1, 11, 201, -65535, 65535]);
});

test('niftiToTensor gives [1, nz, ny, nx, 1] with voxel (x, y, z) at [0, z, y, x, 0]', async (t) => {
  await expectNoLeak(t, () => {
    const data = ramp(24);
    const tensor = niftiToTensor({ data, geometry });
    t.deepEqual(tensor.shape, [1, 2, 3, 4, 1]);
    const [x, y, z] = [3, 1, 1];
    t.is((tensor.arraySync() as number[][][][][])[0][z][y][x][0], data[x + 4 * (y + 3 * z)]);
    tensor.dispose();
  });
});

test('writeNifti reads tensors without disposing them', async (t) => {
  const map = tf.tensor(ramp(24), [1, 2, 3, 4, 1]);
  const path = join(directory, 'tensor.nii');
  await writeNifti(path, map, geometry);
  t.false(map.isDisposed);
  t.deepEqual((await readNifti(path)).data, map.dataSync());
  map.dispose();
});

test('malformed NIfTI files give FormatError, not crashes', async (t) => {
  const good = encodeNifti(ramp(24), geometry);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['truncated-data.nii', good.subarray(0, good.length - 5), /truncated: dims 4×3×2 announce 24 voxels of 4 bytes/],
    ['truncated-header.nii', good.subarray(0, 200), /has 200 bytes; a NIfTI header needs at least 348/],
    [
      'bad-magic.nii',
      Uint8Array.from(good).fill(0x41, 344, 347),
      /magic string at byte offset 344 \(NIfTI-1\) or 4 \(NIfTI-2\) is neither/,
    ],
    ['truncated.nii.gz', gzipSync(good).subarray(0, 100), /cannot be decompressed/],
    ['empty.nii', new Uint8Array(0), /has 0 bytes/],
  ];
  const complex = Uint8Array.from(good);
  new DataView(complex.buffer).setInt16(70, 32, true);
  cases.push(['complex.nii', complex, /datatype = 32/]);
  for (const [name, bytes, message] of cases) {
    const path = join(directory, name);
    await writeFile(path, bytes);
    await t.throwsAsync(readNifti(path), { instanceOf: FormatError, message }, name);
  }
  await t.throwsAsync(readNifti(join(directory, 'missing.nii')), { instanceOf: FormatError, message: /cannot read .*missing.nii/ });
});

test('writeNifti rejects data of the wrong size and bad paths', async (t) => {
  await t.throwsAsync(writeNifti(join(directory, 'x.nii'), new Float32Array(5), geometry), {
    instanceOf: ShapeError,
    message: /writeNifti: 'data' has shape \[5\]; expected 24 voxels/,
  });
  await t.throwsAsync(writeNifti(join(directory, 'x.png'), new Float32Array(24), geometry), {
    instanceOf: InvalidArgumentError,
    message: /'.nii' or '.nii.gz'/,
  });
  await t.throwsAsync(writeNifti(join(directory, 'no-such-dir', 'x.nii'), new Float32Array(24), geometry), { instanceOf: FormatError });
  t.throws(() => defaultGeometry([0, 2]), { instanceOf: InvalidArgumentError, message: /defaultGeometry: argument 'dims'/ });
});
