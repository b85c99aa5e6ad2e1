/**
 * Seeded patch sampling for training on large images with rare lesions: a chosen fraction of the
 * patches is centred on a lesion voxel (over-sampling positives, as nnU-Net does with 1/3), the
 * rest on uniformly drawn voxels. Patches are shifted to lie inside the image, and may be flipped
 * along chosen axes (augmentation). Works for sequences `[N, L, C]` (windows centred on rare
 * positive timesteps), slices `[N, H, W, C]` and volumes `[N, D, H, W, C]`, any channel count.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { requireInteger } from '../validate.js';

/** Default fraction of patches centred on a lesion voxel. */
export const DEFAULT_POSITIVE_FRACTION = 0.5;

/** A batch of images with masks, as typed arrays or tensors. */
export interface LabelledVolumes {
  /** `[N, L, C]`, `[N, H, W, C]` or `[N, D, H, W, C]` values (row-major) or a tensor of that shape. */
  readonly image: Float32Array | tf.Tensor;
  /** The image's shape with one channel, 0/1 (value ≥ 0.5 is lesion), as an array or a tensor. */
  readonly mask: ArrayLike<number> | tf.Tensor;
  /** Shape of `image`; required for typed arrays, checked against tensors. */
  readonly shape?: readonly number[];
}

/** Options of `samplePatches`. */
export interface PatchOptions {
  /** Patch size, `[l]`, `[h, w]` or `[d, h, w]`, each ≤ the image's. */
  readonly patchSize: readonly number[];
  /** Number of patches. */
  readonly count: number;
  /** Seed of the draws (same seed, same patches). */
  readonly seed: number | string;
  /** Fraction of patches centred on a lesion voxel, in [0, 1]. Default 0.5. */
  readonly positiveFraction?: number;
  /** Spatial axes (0 = first spatial axis) each flipped with probability ½ per patch. Default none. */
  readonly flipAxes?: readonly number[];
}

/** Sampled patches. The caller owns both tensors. */
export interface Patches {
  /** `[count, ...patchSize, C]` float32. */
  readonly images: tf.Tensor;
  /** `[count, ...patchSize, 1]` float32 0/1. */
  readonly masks: tf.Tensor;
  /** Corner of each patch: `[example, ...start]`. */
  readonly origins: number[][];
  /** Per patch, per spatial axis: whether the patch was flipped along it. */
  readonly flips: boolean[][];
  /** Per patch: whether it was drawn centred on a lesion voxel. */
  readonly centredOnLesion: boolean[];
}

/** Validated volumes with their lesion voxels listed, ready for repeated draws (see `PatchSampler`). */
export interface PatchSource {
  readonly image: ArrayLike<number>;
  readonly mask: ArrayLike<number>;
  readonly shape: readonly number[];
  /** Spatial sizes of one example. */
  readonly spatial: readonly number[];
  readonly channels: number;
  /** Flat voxel indices (over all examples) of lesion voxels. */
  readonly positives: Int32Array;
}

/**
 * Validates `volumes` and lists their lesion voxels once. Throws `ShapeError` when the image is not
 * `[N, ...spatial, C]` with 1–3 spatial axes or the mask's shape differs. `where` names the caller.
 */
export function preparePatchSource(volumes: LabelledVolumes, where = 'samplePatches'): PatchSource {
  const shape = volumes.image instanceof tf.Tensor ? volumes.image.shape : volumes.shape;
  if (shape === undefined || !(shape.length >= 3 && shape.length <= 5)) {
    throw new ShapeError(where, 'image', shape ?? [], '[N, L, C], [N, H, W, C] or [N, D, H, W, C] (give volumes.shape for typed arrays)');
  }
  if (volumes.shape !== undefined && volumes.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(where, 'volumes.shape', volumes.shape, `the image tensor's shape [${shape.join(', ')}]`);
  }
  const image = volumes.image instanceof tf.Tensor ? (volumes.image.dataSync() as Float32Array) : volumes.image;
  const mask = volumes.mask instanceof tf.Tensor ? volumes.mask.dataSync() : volumes.mask;
  const spatial = shape.slice(1, -1);
  const channels = shape[shape.length - 1];
  const perExample = spatial.reduce((a, b) => a * b, 1);
  if (image.length !== shape[0] * perExample * channels)
    throw new ShapeError(where, 'image', [image.length], `${shape[0] * perExample * channels} values for shape [${shape.join(', ')}]`);
  const maskShape = volumes.mask instanceof tf.Tensor ? volumes.mask.shape : [...shape.slice(0, -1), 1];
  if (mask.length !== shape[0] * perExample || maskShape.some((d, i) => i < shape.length - 1 && d !== shape[i])) {
    throw new ShapeError(
      where,
      'mask',
      volumes.mask instanceof tf.Tensor ? volumes.mask.shape : [mask.length],
      `[${[...shape.slice(0, -1), 1].join(', ')}], the image's shape with one channel`,
    );
  }
  const positives: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] >= 0.5) positives.push(i);
  return { image, mask, shape, spatial, channels, positives: Int32Array.from(positives) };
}

/** Options of one draw, validated against a source (`checkPatchOptions`). */
export interface PatchDrawSettings {
  readonly patchSize: readonly number[];
  readonly count: number;
  readonly positiveFraction: number;
  readonly flipAxes: readonly number[];
}

/** Validates patch options against a source (`ShapeError` for a patch larger than the volume). */
export function checkPatchOptions(source: PatchSource, options: Omit<PatchOptions, 'seed'>, where = 'samplePatches'): PatchDrawSettings {
  const { spatial } = source;
  const patchSize = options.patchSize;
  if (
    !Array.isArray(patchSize) ||
    patchSize.length !== spatial.length ||
    patchSize.some((p, i) => !Number.isInteger(p) || p < 1 || p > spatial[i])
  ) {
    throw new ShapeError(
      where,
      'options.patchSize',
      Array.isArray(patchSize) ? patchSize : [],
      `${spatial.length} integers, each between 1 and the image size [${spatial.join(', ')}]`,
    );
  }
  const count = requireInteger(where, 'options.count', options.count);
  const positiveFraction = options.positiveFraction ?? DEFAULT_POSITIVE_FRACTION;
  if (typeof positiveFraction !== 'number' || !(positiveFraction >= 0 && positiveFraction <= 1)) {
    throw new InvalidArgumentError(where, 'options.positiveFraction', positiveFraction, 'a number in [0, 1]');
  }
  if (positiveFraction > 0 && source.positives.length === 0) {
    throw new InvalidArgumentError(
      where,
      'volumes.mask',
      'an empty mask',
      `at least one lesion voxel when positiveFraction is ${positiveFraction} (set it to 0 to sample without positives)`,
    );
  }
  const flipAxes = options.flipAxes ?? [];
  if (!Array.isArray(flipAxes) || flipAxes.some((a) => !Number.isInteger(a) || a < 0 || a >= spatial.length)) {
    throw new InvalidArgumentError(where, 'options.flipAxes', flipAxes, `spatial axis indices in [0, ${spatial.length - 1}]`);
  }
  return { patchSize, count, positiveFraction, flipAxes };
}

/**
 * Draws patches from a prepared source with the uniform stream `random` (see `samplePatches`).
 * The caller owns the returned tensors.
 */
export function drawPatches(source: PatchSource, settings: PatchDrawSettings, random: () => number): Patches {
  const { image, mask, shape, spatial, channels, positives } = source;
  const { patchSize, count, positiveFraction, flipAxes } = settings;
  const perExample = spatial.reduce((a, b) => a * b, 1);
  const strides = spatial.map((_, axis) => spatial.slice(axis + 1).reduce((a, b) => a * b, 1));
  const patchVoxels = patchSize.reduce((a, b) => a * b, 1);
  const imagePatches = new Float32Array(count * patchVoxels * channels);
  const maskPatches = new Float32Array(count * patchVoxels);
  const origins: number[][] = [];
  const flips: boolean[][] = [];
  const centredOnLesion: boolean[] = [];
  for (let p = 0; p < count; p++) {
    const positive = random() < positiveFraction;
    const flat = positive ? positives[Math.floor(random() * positives.length)] : Math.floor(random() * shape[0] * perExample);
    const example = Math.floor(flat / perExample);
    const local = flat % perExample;
    const start = spatial.map((size, axis) => {
      const centre = Math.floor(local / strides[axis]) % size;
      return Math.min(size - patchSize[axis], Math.max(0, centre - Math.floor(patchSize[axis] / 2)));
    });
    const flip = spatial.map(() => false);
    for (const axis of flipAxes) flip[axis] = random() < 0.5;
    origins.push([example, ...start]);
    flips.push(flip);
    centredOnLesion.push(positive);
    for (let q = 0; q < patchVoxels; q++) {
      let source = example * perExample;
      let rest = q;
      for (let axis = spatial.length - 1; axis >= 0; axis--) {
        const offset = rest % patchSize[axis];
        rest = Math.floor(rest / patchSize[axis]);
        source += (start[axis] + (flip[axis] ? patchSize[axis] - 1 - offset : offset)) * strides[axis];
      }
      maskPatches[p * patchVoxels + q] = mask[source] >= 0.5 ? 1 : 0;
      for (let c = 0; c < channels; c++) imagePatches[(p * patchVoxels + q) * channels + c] = image[source * channels + c];
    }
  }
  return {
    images: tf.tensor(imagePatches, [count, ...patchSize, channels], 'float32'),
    masks: tf.tensor(maskPatches, [count, ...patchSize, 1], 'float32'),
    origins,
    flips,
    centredOnLesion,
  };
}

/**
 * Draws `count` patches (see module doc). Throws `ShapeError` when image and mask shapes differ
 * or a patch does not fit, and `InvalidArgumentError` when positives are requested but the mask
 * holds no lesion voxel. For many draws from the same volumes use `PatchSampler`, which lists the
 * lesion voxels once.
 */
export function samplePatches(volumes: LabelledVolumes, options: PatchOptions): Patches {
  const source = preparePatchSource(volumes);
  const settings = checkPatchOptions(source, options);
  return drawPatches(source, settings, seedrandom.alea(`${options.seed}|patches`));
}
