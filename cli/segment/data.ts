/**
 * The images `segment` trains on: the built-in lesion phantom, a folder of PNG slices with masks,
 * or NIfTI image/mask pairs; split into training and held-out slices. Loading and parsing are the
 * work of `src/data/phantom` and `src/io`; this file only arranges their output.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generatePhantom } from '../../src/data/phantom/index.js';
import { FormatError, InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { defaultGeometry, type NiftiGeometry } from '../../src/io/nifti-geometry.js';
import { readNifti } from '../../src/io/nifti-file.js';
import { readPngSlices } from '../../src/io/png-file.js';
import { normalizeSlices } from '../../src/io/normalize.js';

/** Fraction of slices held out for evaluation (at least one). */
const HELD_OUT_FRACTION = 0.25;
/** Sub-folders of `--images DIR`. */
const IMAGES_SUBFOLDER = 'images';
const MASKS_SUBFOLDER = 'masks';

/** Training and held-out slices `[N, H, W, 1]` float32 (masks 0/1). The caller must call `dispose()`. */
export interface SegmentationData {
  readonly train: { readonly x: tf.Tensor4D; readonly y: tf.Tensor4D };
  readonly heldOut: { readonly x: tf.Tensor4D; readonly y: tf.Tensor4D };
  /** Slice height and width. */
  readonly height: number;
  readonly width: number;
  /** Foreground fraction of the training masks. */
  readonly positiveFraction: number;
  /** One sentence on where the data came from. */
  readonly description: string;
  /** Geometry of the held-out stack for the NIfTI maps ([W, H, N_heldOut] unless a NIfTI volume was held out whole). */
  readonly heldOutGeometry: NiftiGeometry;
  dispose(): void;
}

/** Where the data come from. */
export type DataChoice =
  | { readonly kind: 'phantom'; readonly seed: number; readonly size: number; readonly count: number; readonly lesionFraction: number }
  | { readonly kind: 'images'; readonly dir: string }
  | { readonly kind: 'nifti'; readonly files: readonly string[] };

function split(
  image: Float32Array,
  mask: Uint8Array | Float32Array,
  n: number,
  height: number,
  width: number,
  heldOutCount: number,
  geometry: NiftiGeometry | null,
  description: string,
): SegmentationData {
  const size = height * width;
  const trainCount = n - heldOutCount;
  if (trainCount < 1)
    throw new InvalidArgumentError('tfjs-bnn segment', 'data', `${n} slice(s)`, 'at least 2 slices (training and held out)');
  const maskValues = Float32Array.from(mask);
  // Every slice is z-scored inside its own foreground, whatever its source (see normalizeSlices).
  const normalized = normalizeSlices(image, n, size);
  const make = (values: Float32Array, from: number, count: number) =>
    tf.tensor4d(values.subarray(from * size, (from + count) * size), [count, height, width, 1]);
  let positives = 0;
  for (let i = 0; i < trainCount * size; i++) positives += maskValues[i];
  const data = {
    train: { x: make(normalized, 0, trainCount), y: make(maskValues, 0, trainCount) },
    heldOut: { x: make(normalized, trainCount, heldOutCount), y: make(maskValues, trainCount, heldOutCount) },
  };
  return {
    ...data,
    height,
    width,
    positiveFraction: positives / (trainCount * size),
    description: `${description}; ${trainCount} training and ${heldOutCount} held-out slices of ${height}×${width}`,
    heldOutGeometry: geometry ?? defaultGeometry([width, height, heldOutCount]),
    dispose: () => tf.dispose([data.train.x, data.train.y, data.heldOut.x, data.heldOut.y]),
  };
}

function heldOutCountOf(n: number): number {
  return Math.max(1, Math.round(HELD_OUT_FRACTION * n));
}

/** The built-in phantom (`generatePhantom`), 2D. */
function phantomData(choice: Extract<DataChoice, { kind: 'phantom' }>): SegmentationData {
  const phantom = generatePhantom({
    seed: choice.seed,
    count: choice.count,
    size: [choice.size, choice.size],
    lesionFraction: choice.lesionFraction,
  });
  tf.dispose([phantom.image, phantom.mask]);
  const { arrays } = phantom;
  const description = `built-in lesion phantom (seed ${choice.seed}, ${arrays.lesionCount} lesions, lesion fraction ${(100 * arrays.lesionFraction).toFixed(2)} %)`;
  return split(arrays.image, arrays.mask, choice.count, choice.size, choice.size, heldOutCountOf(choice.count), null, description);
}

/** `--images DIR`: `DIR/images/*.png` with same-named masks in `DIR/masks/`. */
async function imageData(dir: string): Promise<SegmentationData> {
  const imageDir = join(dir, IMAGES_SUBFOLDER);
  const maskDir = join(dir, MASKS_SUBFOLDER);
  for (const folder of [dir, imageDir, maskDir]) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new FormatError(
        `tfjs-bnn segment: --images ${dir}: folder ${folder} does not exist (expected ${IMAGES_SUBFOLDER}/ and ${MASKS_SUBFOLDER}/ with PNG files of the same names).`,
      );
    }
  }
  const slices = await readPngSlices(imageDir, maskDir);
  const [n, height, width] = slices.shape;
  return split(slices.image, slices.mask as Uint8Array, n, height, width, heldOutCountOf(n), null, `${n} PNG slices from ${dir}`);
}

/** `--nifti IMAGE MASK [IMAGE MASK ...]`: 3D volumes cut into axial slices; with ≥ 2 pairs the last volume is held out whole. */
async function niftiData(files: readonly string[]): Promise<SegmentationData> {
  const where = 'tfjs-bnn segment';
  if (files.length < 2 || files.length % 2 !== 0)
    throw new InvalidArgumentError(where, '--nifti', files, 'image and mask files in pairs: IMAGE MASK [IMAGE MASK ...]');
  for (const file of files) if (!existsSync(file)) throw new FormatError(`${where}: --nifti file ${file} does not exist.`);
  const volumes = [];
  for (let i = 0; i < files.length; i += 2) {
    const image = await readNifti(files[i]);
    const mask = await readNifti(files[i + 1]);
    const [nx, ny, nz = 1] = image.geometry.dims;
    const [mx, my, mz = 1] = mask.geometry.dims;
    if (mx !== nx || my !== ny || mz !== nz)
      throw new ShapeError(where, files[i + 1], [mx, my, mz], `the size of ${files[i]}, [${nx}, ${ny}, ${nz}]`);
    volumes.push({ image, mask, nx, ny, nz });
  }
  const { nx, ny } = volumes[0];
  for (const [v, volume] of volumes.entries()) {
    if (volume.nx !== nx || volume.ny !== ny)
      throw new ShapeError(where, files[2 * v], [volume.nx, volume.ny, volume.nz], `slices of ${nx}×${ny} like ${files[0]}`);
  }
  const total = volumes.reduce((s, v) => s + v.nz, 0);
  const image = new Float32Array(total * nx * ny);
  const mask = new Float32Array(total * nx * ny);
  let offset = 0;
  for (const volume of volumes) {
    // NIfTI stores x fastest, then y, then z: each z slice is a row-major [ny][nx] image.
    const values = volume.image.data;
    let max = 0;
    for (const v of values) if (Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v);
    image.set(
      values.map((v) => (max > 0 ? v / max : 0)),
      offset,
    );
    mask.set(
      volume.mask.data.map((v) => (v >= 0.5 ? 1 : 0)),
      offset,
    );
    offset += volume.nz * nx * ny;
  }
  const last = volumes[volumes.length - 1];
  const wholeVolume = volumes.length >= 2;
  const heldOut = wholeVolume ? last.nz : heldOutCountOf(total);
  const description = `${volumes.length} NIfTI volume(s) (intensities divided by each volume's maximum)${wholeVolume ? `, the last held out whole` : ''}`;
  return split(image, mask, total, ny, nx, heldOut, wholeVolume ? last.image.geometry : null, description);
}

/**
 * Loads the data of a `segment` run.
 * @throws FormatError / ShapeError / InvalidArgumentError naming the file or folder at fault.
 */
export async function loadSegmentationData(choice: DataChoice): Promise<SegmentationData> {
  switch (choice.kind) {
    case 'phantom':
      return phantomData(choice);
    case 'images':
      return imageData(choice.dir);
    case 'nifti':
      return niftiData(choice.files);
  }
}
