/**
 * `segment --nifti` on volumes whose slices are not multiples of the U-Net's 4 (the case of real
 * templates, e.g. 197×233): padded inside, maps cropped back to the input grid and geometry.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNifti } from '../../src/io/nifti-write.js';
import { readNifti } from '../../src/io/nifti-file.js';
import { defaultGeometry, type NiftiGeometry } from '../../src/io/nifti-geometry.js';
import { runTfjsBnn } from './spawn.js';

const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-any-size-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

const [NX, NY, NZ] = [13, 10, 3];

/** A uint8 NIfTI (datatype 2) with scl_slope and scl_inter: stored v reads as slope·v + inter. */
function uint8Nifti(values: Uint8Array, geometry: NiftiGeometry, slope: number, inter: number): Uint8Array {
  const float = encodeNifti(new Float32Array(values.length), geometry);
  const bytes = new Uint8Array(352 + values.length);
  bytes.set(float.subarray(0, 352));
  const view = new DataView(bytes.buffer);
  view.setInt16(70, 2, true);
  view.setInt16(72, 8, true);
  view.setFloat32(112, slope, true);
  view.setFloat32(116, inter, true);
  bytes.set(values, 352);
  return bytes;
}

function volume(seed: number): { image: Uint8Array; mask: Uint8Array } {
  const image = new Uint8Array(NX * NY * NZ);
  const mask = new Uint8Array(NX * NY * NZ);
  for (let i = 0; i < image.length; i++) {
    const x = i % NX;
    const y = Math.floor(i / NX) % NY;
    const lesion = Math.abs(x - 6 - (seed % 2)) <= 1 && Math.abs(y - 5) <= 1;
    mask[i] = lesion ? 1 : 0;
    image[i] = (lesion ? 200 : 80) + ((i * 37 + seed) % 11);
  }
  return { image, mask };
}

test('uint8 voxels are read with scl_slope and scl_inter applied', async (t) => {
  const path = join(scratch, 'scaled.nii');
  writeFileSync(path, uint8Nifti(Uint8Array.from([0, 10, 255]), defaultGeometry([3, 1, 1]), 0.5, 1));
  const read = await readNifti(path);
  t.is(read.datatype, 'uint8');
  t.deepEqual(Array.from(read.data), [1, 6, 128.5]);
});

test('segment --nifti trains and predicts on 13×10 slices of uint8 volumes; every map keeps the input grid and affine', (t) => {
  const geometry: NiftiGeometry = {
    ...defaultGeometry([NX, NY, NZ], [0.9, 1.1, 2]),
    affine: [
      [0, -0.9, 0, 40],
      [1.1, 0, 0, -30],
      [0, 0, 2, 5],
      [0, 0, 0, 1],
    ],
    sformCode: 2,
  };
  const files: string[] = [];
  for (const seed of [1, 2]) {
    const { image, mask } = volume(seed);
    const imagePath = join(scratch, `image-${seed}.nii`);
    const maskPath = join(scratch, `mask-${seed}.nii`);
    writeFileSync(imagePath, uint8Nifti(image, geometry, 0.5, 1));
    writeFileSync(maskPath, uint8Nifti(mask, geometry, 1, 0));
    files.push(imagePath, maskPath);
  }
  const out = join(scratch, 'run');
  const run = runTfjsBnn(['segment', '--nifti', ...files, '--epochs', '1', '--batch-size', '2', '--samples', '2', '--out', out, '--json'], {
    timeoutMs: 120_000,
  });
  t.is(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { dice: number; paths: { nifti: Record<string, string> } };
  t.true(result.dice >= 0 && result.dice <= 1);
  return Promise.all(
    Object.values(result.paths.nifti).map(async (path) => {
      const map = await readNifti(path);
      t.deepEqual(map.geometry.dims, [NX, NY, NZ], path);
      t.deepEqual(
        map.geometry.affine.map((row) => row.map((v) => Math.round(v * 1e4) / 1e4)),
        geometry.affine,
        path,
      );
    }),
  );
});
