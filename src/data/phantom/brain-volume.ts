/**
 * A seeded two-channel 3D brain phantom at realistic size (default 96×128×128 voxels of 1.5 mm):
 * co-registered FLAIR-like (lesions bright, CSF dark) and T1-like (white matter bright, lesions
 * dark) channels over the same anatomy (head, CSF rim, folded grey matter, white matter, two
 * ventricles), multiple-sclerosis-like lesions of 3–30 mm diameter placed mostly around the
 * ventricles (periventricular, as in MS), 0.1–0.5 % of voxels, an independent bias field and
 * Rician noise per channel. Typed arrays only; generation of one volume takes about a second.
 */
import { InvalidArgumentError } from '../../errors.js';
import { defaultGeometry, type NiftiGeometry } from '../../io/nifti-geometry.js';
import { requireInteger, requireNonNegative, requirePositive, requireSeed } from '../../validate.js';
import { blurExample, paintAnatomy, Tissue, type Grid } from './anatomy.js';
import { placeLesions } from './lesions.js';
import { applyBiasField, DEFAULT_BIAS_STRENGTH, DEFAULT_LESION_CONTRAST, DEFAULT_NOISE_LEVEL } from './phantom.js';
import { PhantomRandom } from './random.js';

/** Default volume size `[D, H, W]` (the minimum realistic size). */
export const DEFAULT_BRAIN_SIZE: readonly [number, number, number] = [96, 128, 128];
/** Default isotropic voxel spacing, mm (128 voxels span 192 mm, a head). */
export const DEFAULT_BRAIN_SPACING_MM = 1.5;
/** Default lesion fraction: 0.3 % of voxels (the issue asks for 0.1–0.5 %). */
export const DEFAULT_BRAIN_LESION_FRACTION = 0.003;
/** Default lesion diameters, mm, log-uniform. */
export const DEFAULT_LESION_DIAMETER_MM: readonly [number, number] = [3, 30];
/** Default share of lesions centred in the periventricular band. */
export const DEFAULT_PERIVENTRICULAR_SHARE = 0.8;
/** Width of the periventricular band, mm (white matter within this distance of a ventricle). */
export const PERIVENTRICULAR_BAND_MM = 10;
/** Smallest lesion radius in voxels, whatever the spacing (see `generateBrainVolumes`). */
export const MIN_LESION_RADIUS_VOXELS = 1.5;
/** T1-like intensity per tissue: CSF dark, grey matter mid, white matter bright. */
export const T1_INTENSITY: Readonly<Record<number, number>> = { 0: 0, 1: 0.15, 2: 0.45, 3: 0.7 };
/** How much of a lesion's FLAIR brightening appears as T1 darkening (0 = invisible on T1). */
export const T1_LESION_DARKENING = 0.6;

/** Options of `generateBrainVolumes`. */
export interface BrainVolumeOptions {
  readonly seed: number | string;
  /** Volumes N. Default 1. */
  readonly count?: number;
  /** `[D, H, W]` voxels, each ≥ 16. Default [96, 128, 128]. */
  readonly size?: readonly number[];
  /** Isotropic spacing, mm. Default 1.5. */
  readonly spacingMm?: number;
  /** Lesion voxels / all voxels, in [0, 0.05]. Default 0.003. */
  readonly lesionFraction?: number;
  /** Lesion diameter range, mm. Default [3, 30]. */
  readonly lesionDiameterMm?: readonly [number, number];
  /** Share of lesions centred within 10 mm of a ventricle, in [0, 1]. Default 0.8. */
  readonly periventricularShare?: number;
  /** Rician noise σ per quadrature channel. Default 0.03. */
  readonly noiseLevel?: number;
  /** Bias-field strength. Default 0.2. */
  readonly biasStrength?: number;
}

/** Two-channel volumes as typed arrays. */
export interface BrainVolumes {
  /** `[N, D, H, W, 2]` row-major: channel 0 FLAIR-like, channel 1 T1-like. */
  readonly image: Float32Array;
  /** `[N, D, H, W]` lesion mask 0/1. */
  readonly mask: Uint8Array;
  /** `[N, D, H, W]` tissue labels (see `Tissue`). */
  readonly tissue: Uint8Array;
  /** `[N, D, H, W, 2]`. */
  readonly shape: number[];
  readonly spacingMm: number;
  readonly lesionCount: number;
  readonly lesionVoxels: number;
  readonly lesionFraction: number;
}

/** White-matter voxels within `steps` 26-neighbour steps (through white matter) of CSF enclosed by white matter. */
function periventricularBand(grid: Grid, tissue: Uint8Array, offset: number, steps: number): number[] {
  const [depth, height, width] = grid;
  const size = depth * height * width;
  const distance = new Int16Array(size).fill(-1);
  let frontier: number[] = [];
  for (let i = 0; i < size; i++) if (tissue[offset + i] === Tissue.csf) distance[i] = 0;
  // Seeds: white matter touching CSF. The outer CSF rim touches grey matter only, so these are ventricular.
  for (let i = 0; i < size; i++) {
    if (tissue[offset + i] !== Tissue.whiteMatter) continue;
    const z = Math.floor(i / (height * width));
    const y = Math.floor(i / width) % height;
    const x = i % width;
    let touches = false;
    for (let dz = -1; dz <= 1 && !touches; dz++) {
      for (let dy = -1; dy <= 1 && !touches; dy++) {
        for (let dx = -1; dx <= 1 && !touches; dx++) {
          const [nz, ny, nx] = [z + dz, y + dy, x + dx];
          if (nz < 0 || ny < 0 || nx < 0 || nz >= depth || ny >= height || nx >= width) continue;
          touches = distance[(nz * height + ny) * width + nx] === 0;
        }
      }
    }
    if (touches) frontier.push(i);
  }
  const band: number[] = [];
  for (const i of frontier) distance[i] = 1;
  for (let step = 1; step <= steps && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const i of frontier) {
      band.push(offset + i);
      const z = Math.floor(i / (height * width));
      const y = Math.floor(i / width) % height;
      const x = i % width;
      for (const [dz, dy, dx] of [
        [1, 0, 0],
        [-1, 0, 0],
        [0, 1, 0],
        [0, -1, 0],
        [0, 0, 1],
        [0, 0, -1],
      ]) {
        const [nz, ny, nx] = [z + dz, y + dy, x + dx];
        if (nz < 0 || ny < 0 || nx < 0 || nz >= depth || ny >= height || nx >= width) continue;
        const n = (nz * height + ny) * width + nx;
        if (distance[n] !== -1 || tissue[offset + n] !== Tissue.whiteMatter) continue;
        distance[n] = step + 1;
        next.push(n);
      }
    }
    frontier = next;
  }
  return band;
}

function addRicianNoise(values: Float32Array, channel: number, level: number, random: PhantomRandom): void {
  if (level === 0) return;
  for (let i = channel; i < values.length; i += 2) {
    const real = values[i] + level * random.normal();
    const imaginary = level * random.normal();
    values[i] = Math.sqrt(real * real + imaginary * imaginary);
  }
}

/**
 * Generates `count` two-channel brain volumes (see module doc). Same options, same numbers.
 * Throws `InvalidArgumentError` naming the option at fault.
 *
 * @example
 * const brains = generateBrainVolumes({seed: 1, count: 4}); // [4, 96, 128, 128, 2], ≈ 0.3 % lesion voxels
 */
export function generateBrainVolumes(options: BrainVolumeOptions): BrainVolumes {
  const where = 'generateBrainVolumes';
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(where, 'options', options, 'an options object with a seed');
  requireSeed(where, 'options.seed', options.seed);
  const count = requireInteger(where, 'options.count', options.count ?? 1);
  const size = options.size ?? DEFAULT_BRAIN_SIZE;
  if (!Array.isArray(size) || size.length !== 3 || size.some((d) => !Number.isInteger(d) || d < 16)) {
    throw new InvalidArgumentError(where, 'options.size', size, '[D, H, W], integers ≥ 16');
  }
  const grid: Grid = [size[0], size[1], size[2]];
  const spacingMm = requirePositive(where, 'options.spacingMm', options.spacingMm ?? DEFAULT_BRAIN_SPACING_MM);
  const lesionFraction = requireNonNegative(where, 'options.lesionFraction', options.lesionFraction ?? DEFAULT_BRAIN_LESION_FRACTION);
  if (lesionFraction > 0.05) throw new InvalidArgumentError(where, 'options.lesionFraction', lesionFraction, 'a fraction in [0, 0.05]');
  const diameter = options.lesionDiameterMm ?? DEFAULT_LESION_DIAMETER_MM;
  if (
    !Array.isArray(diameter) ||
    diameter.length !== 2 ||
    !(diameter[0] > 0) ||
    !(diameter[1] >= diameter[0]) ||
    !Number.isFinite(diameter[1])
  ) {
    throw new InvalidArgumentError(where, 'options.lesionDiameterMm', diameter, '[min, max] mm with 0 < min ≤ max');
  }
  const share = options.periventricularShare ?? DEFAULT_PERIVENTRICULAR_SHARE;
  if (!(share >= 0 && share <= 1)) throw new InvalidArgumentError(where, 'options.periventricularShare', share, 'a fraction in [0, 1]');
  const noiseLevel = requireNonNegative(where, 'options.noiseLevel', options.noiseLevel ?? DEFAULT_NOISE_LEVEL);
  const biasStrength = requireNonNegative(where, 'options.biasStrength', options.biasStrength ?? DEFAULT_BIAS_STRENGTH);

  const perExample = grid[0] * grid[1] * grid[2];
  const total = count * perExample;
  const flair = new Float32Array(total);
  const t1 = new Float32Array(total);
  const lesionSignal = new Float32Array(total);
  const tissue = new Uint8Array(total);
  const mask = new Uint8Array(total);
  const anatomyRandom = new PhantomRandom(`${options.seed}|brain|anatomy`);
  const band: number[] = [];
  const whiteMatter: number[] = [];
  const bandSteps = Math.max(1, Math.round(PERIVENTRICULAR_BAND_MM / spacingMm));
  for (let example = 0; example < count; example++) {
    const offset = example * perExample;
    paintAnatomy(grid, anatomyRandom, tissue, flair, offset);
    for (let i = offset; i < offset + perExample; i++) {
      t1[i] = T1_INTENSITY[tissue[i]];
      if (tissue[i] === Tissue.whiteMatter) whiteMatter.push(i);
    }
    blurExample(grid, flair, offset);
    blurExample(grid, t1, offset);
    band.push(...periventricularBand(grid, tissue, offset, bandSteps));
  }
  // A lesion narrower than 3 voxels across would be 1–2 voxels once its random aspect squeezes it;
  // 1.5 voxels is the smallest radius kept (3 mm at 1 mm voxels, 4.5 mm at the default 1.5 mm).
  const radius: [number, number] = [
    Math.max(MIN_LESION_RADIUS_VOXELS, diameter[0] / 2 / spacingMm),
    Math.max(MIN_LESION_RADIUS_VOXELS, diameter[1] / 2 / spacingMm),
  ];
  const pickCentre = (random: PhantomRandom) =>
    band.length > 0 && random.uniform() < share ? band[random.index(band.length)] : whiteMatter[random.index(whiteMatter.length)];
  const placement = placeLesions(
    grid,
    tissue,
    lesionSignal,
    mask,
    { targetVoxels: Math.round(lesionFraction * total), radius, contrast: DEFAULT_LESION_CONTRAST, pickCentre },
    new PhantomRandom(`${options.seed}|brain|lesions`),
  );
  const biasRandom = new PhantomRandom(`${options.seed}|brain|bias`);
  for (let i = 0; i < total; i++) {
    flair[i] += lesionSignal[i];
    t1[i] = Math.max(0, t1[i] - T1_LESION_DARKENING * lesionSignal[i]);
  }
  for (let example = 0; example < count; example++) {
    applyBiasField(grid, biasStrength, biasRandom, flair, example * perExample);
    applyBiasField(grid, biasStrength, biasRandom, t1, example * perExample);
  }
  const image = new Float32Array(2 * total);
  for (let i = 0; i < total; i++) {
    image[2 * i] = flair[i];
    image[2 * i + 1] = t1[i];
  }
  const noise = new PhantomRandom(`${options.seed}|brain|noise`);
  addRicianNoise(image, 0, noiseLevel, noise);
  addRicianNoise(image, 1, noiseLevel, noise);
  return {
    image,
    mask,
    tissue,
    shape: [count, ...grid, 2],
    spacingMm,
    lesionCount: placement.lesionCount,
    lesionVoxels: placement.lesionVoxels,
    lesionFraction: placement.lesionVoxels / total,
  };
}

/**
 * NIfTI geometry of a brain phantom volume: dims `[W, H, D]` (x fastest, as the arrays are
 * stored), isotropic `spacingMm`, scanner-aligned axes with the origin at the volume centre (so
 * the world coordinate of the centre voxel is 0 mm, as in MNI-like templates).
 */
export function brainVolumeGeometry(size: readonly number[] = DEFAULT_BRAIN_SIZE, spacingMm = DEFAULT_BRAIN_SPACING_MM): NiftiGeometry {
  const [depth, height, width] = size;
  const base = defaultGeometry([width, height, depth], [spacingMm, spacingMm, spacingMm]);
  const origin = [width, height, depth].map((n) => (-(n - 1) / 2) * spacingMm);
  return {
    ...base,
    qoffset: [origin[0], origin[1], origin[2]],
    affine: base.affine.map((row, r) => (r < 3 ? [row[0], row[1], row[2], origin[r]] : [...row])),
    description: 'tfjs-bnn brain phantom',
  };
}
