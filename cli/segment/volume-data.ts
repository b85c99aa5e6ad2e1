/**
 * The volumes `segment --dims 3` trains on: the built-in two-channel brain phantom, or a user's
 * subjects given as `--nifti FLAIR,T1 [FLAIR,T1 …] --mask MASK [MASK …]` (channels comma-separated,
 * one mask per subject). Every check runs before anything is written: grids and affines of the
 * channels and the mask must agree, no voxel may be NaN, the training masks must hold lesions and
 * the patch must fit every volume. Each error names the file and what differs.
 */
import { existsSync } from 'node:fs';
import { generateBrainVolumes, brainVolumeGeometry } from '../../src/data/phantom/brain-volume.js';
import { FormatError, InvalidArgumentError, ShapeError } from '../../src/errors.js';
import type { NiftiGeometry } from '../../src/io/nifti-geometry.js';
import { readNifti } from '../../src/io/nifti-file.js';
import { normalizeSlices } from '../../src/io/normalize.js';

/** Largest difference between two affine entries still taken as equal, mm. */
const AFFINE_TOLERANCE_MM = 1e-3;
/** Share of the volumes held out (at least one). */
const HELD_OUT_VOLUME_FRACTION = 0.25;

/** One subject: channels interleaved, z-scored per channel inside the head. */
export interface SubjectVolume {
  /** Name for reports and map files (e.g. `subject-3` or the first channel's file name). */
  readonly name: string;
  /** `[D, H, W, C]` row-major, channels last. */
  readonly image: Float32Array;
  /** `[D, H, W]` 0/1. */
  readonly mask: Uint8Array;
  /** `[D, H, W]`. */
  readonly size: readonly [number, number, number];
  /** Geometry of the first channel (maps are written with it). */
  readonly geometry: NiftiGeometry;
}

/** Training and held-out volumes of a `--dims 3` run. Plain arrays. */
export interface VolumeData {
  readonly train: readonly SubjectVolume[];
  readonly heldOut: readonly SubjectVolume[];
  readonly channels: number;
  readonly channelNames: readonly string[];
  readonly description: string;
}

/** Where the volumes come from. */
export type VolumeChoice =
  | {
      readonly kind: 'phantom';
      readonly seed: number;
      readonly count: number;
      readonly size: readonly number[];
      readonly lesionFraction: number;
    }
  | { readonly kind: 'nifti'; readonly subjects: readonly string[]; readonly masks: readonly string[] };

const WHERE = 'tfjs-bnn segment';

function heldOutCount(n: number): number {
  return Math.max(1, Math.round(HELD_OUT_VOLUME_FRACTION * n));
}

/** Z-scores each channel of a `[voxels, C]` interleaved volume inside its foreground. */
function normalizeChannels(image: Float32Array, channels: number): Float32Array {
  const voxels = image.length / channels;
  const planar = new Float32Array(image.length);
  for (let v = 0; v < voxels; v++) for (let c = 0; c < channels; c++) planar[c * voxels + v] = image[v * channels + c];
  const normalized = normalizeSlices(planar, channels, voxels);
  const out = new Float32Array(image.length);
  for (let v = 0; v < voxels; v++) for (let c = 0; c < channels; c++) out[v * channels + c] = normalized[c * voxels + v];
  return out;
}

function split(volumes: SubjectVolume[], channelNames: string[], description: string, patchSize: readonly number[]): VolumeData {
  if (volumes.length < 2)
    throw new InvalidArgumentError(WHERE, 'volumes', `${volumes.length} volume(s)`, 'at least 2 (training and held out)');
  for (const volume of volumes) {
    if (patchSize.some((p, axis) => p > volume.size[axis])) {
      throw new ShapeError(
        WHERE,
        `--patch-size for ${volume.name}`,
        [...patchSize],
        `at most the volume's size [${volume.size.join(', ')}] (D, H, W) on every axis`,
      );
    }
  }
  const heldOut = heldOutCount(volumes.length);
  const train = volumes.slice(0, volumes.length - heldOut);
  if (train.every((v) => !v.mask.some((m) => m === 1))) {
    throw new InvalidArgumentError(
      WHERE,
      '--mask',
      train.map((v) => v.name),
      'training masks holding at least one lesion voxel (all are empty)',
    );
  }
  return {
    train,
    heldOut: volumes.slice(volumes.length - heldOut),
    channels: channelNames.length,
    channelNames,
    description: `${description}; ${train.length} training and ${heldOut} held-out volume(s)`,
  };
}

function phantomVolumes(choice: Extract<VolumeChoice, { kind: 'phantom' }>, patchSize: readonly number[]): VolumeData {
  const brains = generateBrainVolumes({ seed: choice.seed, count: choice.count, size: choice.size, lesionFraction: choice.lesionFraction });
  const [count, depth, height, width] = brains.shape;
  const voxels = depth * height * width;
  const geometry = brainVolumeGeometry([depth, height, width], brains.spacingMm);
  const volumes: SubjectVolume[] = [];
  for (let k = 0; k < count; k++) {
    volumes.push({
      name: `subject-${k}`,
      image: normalizeChannels(brains.image.slice(2 * k * voxels, 2 * (k + 1) * voxels), 2),
      mask: brains.mask.slice(k * voxels, (k + 1) * voxels),
      size: [depth, height, width],
      geometry,
    });
  }
  const description = `built-in two-channel brain phantom (seed ${choice.seed}, ${depth}×${height}×${width} voxels of ${brains.spacingMm} mm, ${brains.lesionCount} lesions, ${(100 * brains.lesionFraction).toFixed(2)} % lesion voxels)`;
  return split(volumes, ['FLAIR-like', 'T1-like'], description, patchSize);
}

function sameGrid(a: NiftiGeometry, b: NiftiGeometry): boolean {
  return a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
}

function affineDifference(a: NiftiGeometry, b: NiftiGeometry): number {
  let max = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) max = Math.max(max, Math.abs(a.affine[r][c] - b.affine[r][c]));
  return max;
}

function requireFiniteVoxels(file: string, data: Float32Array, where: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]))
      throw new InvalidArgumentError(
        where,
        file,
        `a volume with ${Number.isNaN(data[i]) ? 'NaN' : 'infinite'} voxel ${i}`,
        'finite voxel values (mask or fill the NaN voxels first)',
      );
  }
}

/**
 * One subject from its channel files (one 3D volume each) and, when given, its lesion mask: the
 * channels interleaved and z-scored inside the head, the mask thresholded at 0.5 (all zero without
 * one). Used by `segment --nifti` and `predict`.
 * @param where the command, for errors.
 * @throws FormatError / ShapeError / InvalidArgumentError naming the file and what differs.
 */
export async function loadNiftiSubject(
  channelFiles: readonly string[],
  maskFile: string | undefined,
  where = WHERE,
): Promise<SubjectVolume> {
  const channels = [];
  for (const file of maskFile === undefined ? channelFiles : [...channelFiles, maskFile])
    if (!existsSync(file)) throw new FormatError(`${where}: NIfTI file ${file} does not exist.`);
  for (const file of channelFiles) {
    const volume = await readNifti(file);
    if (volume.geometry.dims.length > 3 && volume.geometry.dims.slice(3).some((d) => d > 1)) {
      throw new ShapeError(where, file, volume.geometry.dims, 'one 3D volume per file (put channels in separate files joined by commas)');
    }
    requireFiniteVoxels(file, volume.data, where);
    channels.push({ file, volume });
  }
  const reference = channels[0];
  const mask = maskFile === undefined ? undefined : await readNifti(maskFile);
  const others = [...channels.slice(1), ...(mask === undefined || maskFile === undefined ? [] : [{ file: maskFile, volume: mask }])];
  for (const other of others) {
    if (!sameGrid(reference.volume.geometry, other.volume.geometry)) {
      throw new ShapeError(
        where,
        other.file,
        other.volume.geometry.dims,
        `the grid of ${reference.file}, [${reference.volume.geometry.dims.join(', ')}]`,
      );
    }
    const difference = affineDifference(reference.volume.geometry, other.volume.geometry);
    if (difference > AFFINE_TOLERANCE_MM) {
      throw new InvalidArgumentError(
        where,
        other.file,
        `an affine differing from that of ${reference.file} by up to ${difference.toPrecision(3)} mm`,
        `the same voxel-to-world affine (within ${AFFINE_TOLERANCE_MM} mm): resample it onto ${reference.file}'s grid first`,
      );
    }
  }
  if (mask !== undefined && maskFile !== undefined) requireFiniteVoxels(maskFile, mask.data, where);
  const [nx, ny, nz = 1] = reference.volume.geometry.dims;
  const voxels = nx * ny * nz;
  const image = new Float32Array(voxels * channels.length);
  channels.forEach(({ volume }, c) => {
    for (let v = 0; v < voxels; v++) image[v * channels.length + c] = volume.data[v];
  });
  return {
    name: reference.file.replace(/^.*\//, '').replace(/\.nii(\.gz)?$/, ''),
    image: normalizeChannels(image, channels.length),
    mask: mask === undefined ? new Uint8Array(voxels) : Uint8Array.from(mask.data, (m) => (m >= 0.5 ? 1 : 0)),
    size: [nz, ny, nx],
    geometry: reference.volume.geometry,
  };
}

async function niftiVolumes(choice: Extract<VolumeChoice, { kind: 'nifti' }>, patchSize: readonly number[]): Promise<VolumeData> {
  if (choice.subjects.length !== choice.masks.length) {
    throw new InvalidArgumentError(
      WHERE,
      '--mask',
      choice.masks,
      `one mask per --nifti subject (${choice.subjects.length} subject(s), ${choice.masks.length} mask(s))`,
    );
  }
  const channelLists = choice.subjects.map((subject) =>
    subject
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f.length > 0),
  );
  const channels = channelLists[0].length;
  channelLists.forEach((files, s) => {
    if (files.length !== channels)
      throw new InvalidArgumentError(
        WHERE,
        '--nifti',
        choice.subjects[s],
        `${channels} comma-separated channel file(s), as for the first subject`,
      );
  });
  const volumes: SubjectVolume[] = [];
  for (let s = 0; s < channelLists.length; s++) volumes.push(await loadNiftiSubject(channelLists[s], choice.masks[s]));
  const description = `${volumes.length} NIfTI subject(s) with ${channels} channel(s) (each channel z-scored inside the head)`;
  return split(
    volumes,
    channelLists[0].map((_, c) => `channel ${c}`),
    description,
    patchSize,
  );
}

/**
 * Loads and checks the volumes of a `--dims 3` run; the last quarter (at least one) is held out.
 * @throws FormatError / ShapeError / InvalidArgumentError naming the file and what differs.
 */
export async function loadVolumeData(choice: VolumeChoice, patchSize: readonly number[]): Promise<VolumeData> {
  return choice.kind === 'phantom' ? phantomVolumes(choice, patchSize) : niftiVolumes(choice, patchSize);
}
