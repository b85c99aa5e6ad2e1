/**
 * Lesions of the phantom: small bright ellipsoids placed in white matter until the requested
 * fraction of all voxels is lesion. Each lesion has its own size (log-uniform radius) and
 * contrast; the intensity has a soft Gaussian profile with a faint halo past the labelled
 * boundary, so borders are ambiguous as in real scans.
 */
import { InvalidArgumentError } from '../../errors.js';
import { Tissue, type Grid } from './anatomy.js';
import type { PhantomRandom } from './random.js';

/** Lesion settings resolved from `PhantomOptions`. */
export interface LesionSettings {
  readonly targetVoxels: number;
  readonly radius: readonly [number, number];
  readonly contrast: readonly [number, number];
  /** Chooses each lesion's centre voxel (flat index); default: a uniformly drawn white-matter voxel. */
  readonly pickCentre?: (random: PhantomRandom) => number;
}

/** Outcome of lesion placement. */
export interface LesionPlacement {
  readonly lesionCount: number;
  readonly lesionVoxels: number;
}

const MAX_ATTEMPTS_PER_VOXEL = 50;

/**
 * Paints lesions into `image` and `mask` (all examples, row-major `[N, D, H, W]`; the example
 * count follows from the array length) until `targetVoxels` voxels are lesion. The last lesion is
 * shrunk to the voxels left, so the total is exactly round(fraction · voxels).
 */
export function placeLesions(
  grid: Grid,
  tissue: Uint8Array,
  image: Float32Array,
  mask: Uint8Array,
  settings: LesionSettings,
  random: PhantomRandom,
): LesionPlacement {
  const [depth, height, width] = grid;
  const perExample = depth * height * width;
  const whiteMatter: number[] = [];
  for (let i = 0; i < tissue.length; i++) if (tissue[i] === Tissue.whiteMatter) whiteMatter.push(i);
  if (whiteMatter.length < settings.targetVoxels) {
    throw new InvalidArgumentError(
      'generatePhantom',
      'options.lesionFraction',
      settings.targetVoxels / tissue.length,
      `at most the white-matter fraction of this phantom (${(whiteMatter.length / tissue.length).toFixed(4)})`,
    );
  }
  const spatialRank = depth > 1 ? 3 : 2;
  const unitVolume = spatialRank === 3 ? (4 / 3) * Math.PI : Math.PI;
  let lesionVoxels = 0;
  let lesionCount = 0;
  const maxAttempts = MAX_ATTEMPTS_PER_VOXEL * Math.max(1, settings.targetVoxels);
  for (let attempt = 0; attempt < maxAttempts && lesionVoxels < settings.targetVoxels; attempt++) {
    const remaining = settings.targetVoxels - lesionVoxels;
    let radius = random.logBetween(settings.radius[0], settings.radius[1]);
    if (unitVolume * radius ** spatialRank > remaining) radius = Math.max(0.5, (remaining / unitVolume) ** (1 / spatialRank));
    const aspect = [random.between(0.7, 1.3), random.between(0.7, 1.3), spatialRank === 3 ? random.between(0.7, 1.3) : 1];
    const contrast = random.between(settings.contrast[0], settings.contrast[1]);
    const centre = settings.pickCentre !== undefined ? settings.pickCentre(random) : whiteMatter[random.index(whiteMatter.length)];
    const example = Math.floor(centre / perExample);
    const base = example * perExample;
    const local = centre - base;
    const cz = Math.floor(local / (height * width));
    const cy = Math.floor(local / width) % height;
    const cx = local % width;
    const eligible = (index: number) => tissue[index] === Tissue.whiteMatter && !mask[index];
    const visit = (scale: number, paint: (index: number, distance: number) => void) => {
      const reach = Math.ceil(1.5 * scale * 1.3);
      const reachZ = depth > 1 ? reach : 0;
      for (let z = Math.max(0, cz - reachZ); z <= Math.min(depth - 1, cz + reachZ); z++) {
        for (let y = Math.max(0, cy - reach); y <= Math.min(height - 1, cy + reach); y++) {
          for (let x = Math.max(0, cx - reach); x <= Math.min(width - 1, cx + reach); x++) {
            const distance = Math.sqrt(((x - cx) / aspect[0]) ** 2 + ((y - cy) / aspect[1]) ** 2 + ((z - cz) / aspect[2]) ** 2) / scale;
            if (distance <= 1.5) paint(base + (z * height + y) * width + x, distance);
          }
        }
      }
    };
    // Keep at most the `remaining` eligible voxels closest to the centre (exact budget; ties broken by order).
    const candidates: Array<[number, number]> = [];
    visit(radius, (index, distance) => {
      if (distance <= 1 && eligible(index)) candidates.push([index, distance]);
    });
    candidates.sort((a, b) => a[1] - b[1]);
    const kept = candidates.slice(0, remaining);
    if (candidates.length > remaining && kept.length > 0) radius *= Math.max(kept[kept.length - 1][1], 1e-6);
    visit(radius, (index, distance) => {
      if (tissue[index] === Tissue.background || tissue[index] === Tissue.csf) return;
      // Soft profile: full contrast at the centre, ≈ 0.25 at the labelled border, fading in the halo.
      image[index] += contrast * Math.exp(-0.5 * (distance / 0.6) ** 2);
    });
    for (const [index] of kept) mask[index] = 1;
    const painted = kept.length;
    if (painted > 0) {
      lesionVoxels += painted;
      lesionCount++;
    }
  }
  return { lesionCount, lesionVoxels };
}
