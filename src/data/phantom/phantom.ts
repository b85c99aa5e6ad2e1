/**
 * A seeded synthetic MR-like lesion phantom (FLAIR-like contrast) for segmentation experiments
 * on extremely imbalanced data: head-shaped anatomy (background, CSF, grey and white matter),
 * a smooth multiplicative bias field, Rician noise and small hyperintense white-matter lesions
 * whose total is a chosen fraction of all voxels (≈ 5 % down to 0.02 %).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../errors.js';
import { requireInteger, requireNonNegative, requireOneOf, requireSeed } from '../../validate.js';
import { axisCoordinate, blurExample, paintAnatomy, type Grid } from './anatomy.js';
import { placeLesions } from './lesions.js';
import { PhantomRandom } from './random.js';

/** Default lesion voxels as a fraction of all voxels (0.5 %). */
export const DEFAULT_LESION_FRACTION = 0.005;
import { MAX_LESION_FRACTION } from './limits.js';
export { MAX_LESION_FRACTION };
/** Default range of lesion radii, in voxels (log-uniform). */
export const DEFAULT_LESION_RADIUS: readonly [number, number] = [1, 4];
/** Default range of lesion contrast added at the centre (white matter is ≈ 0.42). */
export const DEFAULT_LESION_CONTRAST: readonly [number, number] = [0.2, 0.6];
/** Default standard deviation of the Gaussian noise of each quadrature channel (Rician magnitude). */
export const DEFAULT_NOISE_LEVEL = 0.03;
/** Default strength of the bias field: intensities vary by about exp(±strength) across the head. */
export const DEFAULT_BIAS_STRENGTH = 0.2;
/** Default spatial size of each example per axis. */
export const DEFAULT_PHANTOM_SIZE = 64;

/** Options of the phantom generator. `seed` is required so that every phantom can be replayed. */
export interface PhantomOptions {
  /** Seed of every random choice (anatomy, lesions, bias, noise). */
  readonly seed: number | string;
  /** 2 (slices `[N, H, W, 1]`) or 3 (volumes `[N, D, H, W, 1]`). Default 2. */
  readonly rank?: 2 | 3;
  /** Number of examples N. Default 1. */
  readonly count?: number;
  /** Spatial size `[H, W]` or `[D, H, W]`. Default 64 per axis. */
  readonly size?: readonly number[];
  /** Lesion voxels / all voxels of the batch, in [0, 0.25]. Default 0.005 (0.5 %). */
  readonly lesionFraction?: number;
  /** Lesion radius range in voxels `[min, max]`, log-uniform. Default [1, 4]. */
  readonly lesionRadius?: readonly [number, number];
  /** Range of lesion contrast `[min, max]` above the local intensity. Default [0.2, 0.6]. */
  readonly lesionContrast?: readonly [number, number];
  /** Noise σ of each quadrature channel. Default 0.03. */
  readonly noiseLevel?: number;
  /** Bias-field strength (0 = none). Default 0.2. */
  readonly biasStrength?: number;
}

/** A phantom as typed arrays (row-major, example-major). No tensors. */
export interface PhantomArrays {
  /** Intensities, `count · D · H · W` values. */
  readonly image: Float32Array;
  /** Lesion mask, 0/1. */
  readonly mask: Uint8Array;
  /** Tissue labels of the clean anatomy (see `Tissue`). */
  readonly tissue: Uint8Array;
  /** Tensor shape: `[N, H, W, 1]` or `[N, D, H, W, 1]`. */
  readonly shape: number[];
  /** Lesions placed (overlapping lesions may merge into one connected component). */
  readonly lesionCount: number;
  /** Lesion voxels in the batch. */
  readonly lesionVoxels: number;
  /** Achieved lesionVoxels / all voxels. */
  readonly lesionFraction: number;
}

/** A phantom with tensors; **the caller owns `image` and `mask`** (dispose them). */
export interface Phantom {
  /** float32 `[N, H, W, 1]` or `[N, D, H, W, 1]`. */
  readonly image: tf.Tensor;
  /** float32 0/1 of the same shape. */
  readonly mask: tf.Tensor;
  /** The same data as typed arrays, plus tissue labels and lesion statistics. */
  readonly arrays: PhantomArrays;
}

function requireRange(argument: string, value: unknown, min: number): readonly [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
    value[0] < min ||
    value[1] < value[0]
  ) {
    throw new InvalidArgumentError('generatePhantom', argument, value, `[min, max] with ${min} ≤ min ≤ max`);
  }
  return [value[0], value[1]];
}

function resolveGrid(rank: 2 | 3, size: readonly number[] | undefined): Grid {
  const dims = size ?? new Array<number>(rank).fill(DEFAULT_PHANTOM_SIZE);
  if (!Array.isArray(dims) || dims.length !== rank || dims.some((d) => !Number.isInteger(d) || d < 8)) {
    throw new InvalidArgumentError(
      'generatePhantom',
      'options.size',
      size,
      `${rank} integers ≥ 8 (${rank === 2 ? '[H, W]' : '[D, H, W]'})`,
    );
  }
  return rank === 2 ? [1, dims[0], dims[1]] : [dims[0], dims[1], dims[2]];
}

/** Multiplies one example by exp(strength · smooth quadratic field), in place. */
/** Multiplies one example by a smooth random bias field exp(strength · quadratic polynomial), in place. */
export function applyBiasField(grid: Grid, strength: number, random: PhantomRandom, image: Float32Array, offset: number): void {
  if (strength === 0) return;
  const [depth, height, width] = grid;
  const c = Array.from({ length: 6 }, () => random.between(-1, 1));
  for (let z = 0; z < depth; z++) {
    const w = depth === 1 ? 0 : axisCoordinate(z, depth);
    for (let y = 0; y < height; y++) {
      const v = axisCoordinate(y, height);
      for (let x = 0; x < width; x++) {
        const u = axisCoordinate(x, width);
        const field = c[0] * u + c[1] * v + c[2] * w + 0.5 * (c[3] * (u * u - v * v) + c[4] * u * v + c[5] * v * w);
        image[offset + (z * height + y) * width + x] *= Math.exp(strength * field);
      }
    }
  }
}

/**
 * Generates a phantom as typed arrays (fast, no tensors). Same options, same numbers.
 *
 * @example
 * const {image, mask, shape} = generatePhantomArrays({seed: 1, count: 16, size: [64, 64], lesionFraction: 0.005});
 */
export function generatePhantomArrays(options: PhantomOptions): PhantomArrays {
  const where = 'generatePhantom';
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(where, 'options', options, 'an options object with a seed');
  requireSeed(where, 'options.seed', options.seed);
  const rank = Number(requireOneOf(where, 'options.rank', String(options.rank ?? 2), ['2', '3'] as const)) as 2 | 3;
  const count = requireInteger(where, 'options.count', options.count ?? 1);
  const grid = resolveGrid(rank, options.size);
  const lesionFraction = requireNonNegative(where, 'options.lesionFraction', options.lesionFraction ?? DEFAULT_LESION_FRACTION);
  if (lesionFraction > MAX_LESION_FRACTION)
    throw new InvalidArgumentError(where, 'options.lesionFraction', lesionFraction, `a fraction in [0, ${MAX_LESION_FRACTION}]`);
  const radius = requireRange('options.lesionRadius', options.lesionRadius ?? DEFAULT_LESION_RADIUS, 0.5);
  const contrast = requireRange('options.lesionContrast', options.lesionContrast ?? DEFAULT_LESION_CONTRAST, 0);
  const noiseLevel = requireNonNegative(where, 'options.noiseLevel', options.noiseLevel ?? DEFAULT_NOISE_LEVEL);
  const biasStrength = requireNonNegative(where, 'options.biasStrength', options.biasStrength ?? DEFAULT_BIAS_STRENGTH);

  const perExample = grid[0] * grid[1] * grid[2];
  const total = count * perExample;
  const image = new Float32Array(total);
  const mask = new Uint8Array(total);
  const tissue = new Uint8Array(total);
  const anatomyRandom = new PhantomRandom(`${options.seed}|anatomy`);
  for (let example = 0; example < count; example++) paintAnatomy(grid, anatomyRandom, tissue, image, example * perExample);
  for (let example = 0; example < count; example++) blurExample(grid, image, example * perExample);
  const placement = placeLesions(
    grid,
    tissue,
    image,
    mask,
    { targetVoxels: Math.round(lesionFraction * total), radius, contrast },
    new PhantomRandom(`${options.seed}|lesions`),
  );
  const biasRandom = new PhantomRandom(`${options.seed}|bias`);
  for (let example = 0; example < count; example++) applyBiasField(grid, biasStrength, biasRandom, image, example * perExample);
  if (noiseLevel > 0) {
    // Rician magnitude of a complex signal with Gaussian noise on both channels.
    const noise = new PhantomRandom(`${options.seed}|noise`);
    for (let i = 0; i < total; i++) {
      const real = image[i] + noiseLevel * noise.normal();
      const imaginary = noiseLevel * noise.normal();
      image[i] = Math.sqrt(real * real + imaginary * imaginary);
    }
  }
  const shape = rank === 2 ? [count, grid[1], grid[2], 1] : [count, grid[0], grid[1], grid[2], 1];
  return {
    image,
    mask,
    tissue,
    shape,
    lesionCount: placement.lesionCount,
    lesionVoxels: placement.lesionVoxels,
    lesionFraction: placement.lesionVoxels / total,
  };
}

/**
 * Generates a phantom and wraps it in tensors `image` and `mask` (float32, `[N, H, W, 1]` or
 * `[N, D, H, W, 1]`), **owned by the caller**; `arrays` keeps the typed arrays.
 */
export function generatePhantom(options: PhantomOptions): Phantom {
  const arrays = generatePhantomArrays(options);
  return {
    image: tf.tensor(arrays.image, arrays.shape, 'float32'),
    mask: tf.tensor(Float32Array.from(arrays.mask), arrays.shape, 'float32'),
    arrays,
  };
}
