import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAP_FILE_NAMES, writeMapSet } from '../../../src/io/write-maps.js';
import { niftiToTensor } from '../../../src/io/nifti-read.js';
import { readNifti, writeNifti } from '../../../src/io/nifti-file.js';
import type { NiftiGeometry } from '../../../src/io/nifti-geometry.js';
import { slidingWindowPredictive } from '../../../inference/segmentation/sliding-window.js';
import { requireNoiseScope } from '../../../src/random/index.js';
import { FormatError, InvalidArgumentError } from '../../../src/errors.js';

const directory = await mkdtemp(join(tmpdir(), 'tfjs-bnn-maps-'));

/** Oblique scanner geometry with an sform and a different qform, 11×7×6 voxels. */
const geometry: NiftiGeometry = {
  dims: [11, 7, 6],
  pixDims: [-1, 1.2, 0.9, 2.5, 1, 0, 0, 0],
  xyztUnits: 10,
  qformCode: 1,
  sformCode: 4,
  quaternion: [0, 0.3826834, 0],
  qoffset: [-90, 126, -72],
  affine: [
    [0.8485281, 0, 1.767767, -88.5],
    [0, 0.9, 0, 120.25],
    [-0.8485281, 0, 1.767767, -70],
    [0, 0, 0, 1],
  ],
  description: 'oblique input',
};

test('maps of a volume read from NIfTI keep the input affine, qform, spacing and dims when written (round trip)', async (t) => {
  const inputPath = join(directory, 'flair.nii.gz');
  const voxels = 11 * 7 * 6;
  await writeNifti(
    inputPath,
    Float32Array.from({ length: voxels }, (_, i) => Math.sin(i / 3)),
    geometry,
  );
  const input = await readNifti(inputPath);
  const volume = niftiToTensor(input);
  const model = (x: tf.Tensor) => tf.tidy(() => tf.mul(x, tf.add(1, requireNoiseScope('scale').draws('w').normal([1]))));
  const maps = await slidingWindowPredictive(model, volume, { patchSize: [4, 4, 8], samples: 3, seed: 2 });
  volume.dispose();
  const out = join(directory, 'maps');
  await mkdir(out);
  const named = Object.fromEntries(Object.entries(MAP_FILE_NAMES).map(([key, file]) => [file, maps[key as keyof typeof MAP_FILE_NAMES]]));
  const paths = await writeMapSet(out, named, input.geometry, 'subject-1-');
  t.deepEqual(Object.keys(paths), Object.values(MAP_FILE_NAMES));
  for (const [name, path] of Object.entries(paths)) {
    const map = await readNifti(path);
    t.deepEqual(map.geometry.affine, input.geometry.affine, name);
    t.deepEqual(map.geometry.dims, [11, 7, 6], name);
    t.deepEqual(map.geometry.pixDims, input.geometry.pixDims, name);
    t.deepEqual([map.geometry.qformCode, map.geometry.sformCode], [1, 4], name);
    t.deepEqual(map.geometry.quaternion, input.geometry.quaternion, name);
    t.deepEqual(map.data, named[name], name);
  }
});

test('a failed write leaves no map file and no partial file behind; a wrong-sized map is a typed error', async (t) => {
  const out = join(directory, 'blocked');
  await mkdir(out);
  // A directory where the second map's temporary file should go makes its write fail.
  await mkdir(join(out, '.partial-b.nii.gz'));
  const values = new Float32Array(11 * 7 * 6);
  await t.throwsAsync(writeMapSet(out, { a: values, b: values }, geometry), { instanceOf: FormatError });
  t.deepEqual(await readdir(out), ['.partial-b.nii.gz'], 'only the obstacle remains');
  await t.throwsAsync(writeMapSet(out, { a: new Float32Array(5) }, geometry), {
    instanceOf: InvalidArgumentError,
    message: /writeMapSet: argument 'maps.a' was "5 values"; expected 462 values \(dims 11×7×6\)/,
  });
});
