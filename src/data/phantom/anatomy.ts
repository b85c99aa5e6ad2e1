/**
 * Head-like anatomy of the phantom: an ellipsoidal head with a CSF rim, a folded grey-matter
 * ribbon, white matter and two ventricles, in FLAIR-like intensities (CSF dark, white matter
 * darker than grey matter, lesions bright).
 */
import type { PhantomRandom } from './random.js';

/** Tissue classes of the phantom's label map. */
export const Tissue = { background: 0, csf: 1, greyMatter: 2, whiteMatter: 3 } as const;

/** Mean FLAIR-like intensity of each tissue class (arbitrary units, white matter ≈ 0.42). */
export const TISSUE_INTENSITY: Readonly<Record<number, number>> = { 0: 0, 1: 0.12, 2: 0.55, 3: 0.42 };

/** Grid of one example: `[depth, height, width]` (depth 1 for 2D slices). */
export type Grid = readonly [number, number, number];

/** Normalised coordinate in (−1, 1) of voxel `index` along an axis of `length`. */
export function axisCoordinate(index: number, length: number): number {
  return ((index + 0.5) / length) * 2 - 1;
}

/**
 * Writes the tissue labels and clean intensities of one example into `tissue` and `image` at
 * `offset`. 2D slices cut the 3D head at a random height `sliceLevel`, so slices differ.
 */
export function paintAnatomy(grid: Grid, random: PhantomRandom, tissue: Uint8Array, image: Float32Array, offset: number): void {
  const [depth, height, width] = grid;
  const headX = random.between(0.76, 0.86);
  const headY = random.between(0.86, 0.95);
  const headZ = random.between(0.78, 0.88);
  const foldCount = 5 + random.index(4);
  const foldPhase = random.between(0, 2 * Math.PI);
  const foldTilt = random.between(0, 2 * Math.PI);
  const ventricleHalfWidth = random.between(0.05, 0.09);
  const sliceLevel = depth === 1 ? random.between(-0.45, 0.45) : 0;
  const intensityJitter = [0, random.between(-0.02, 0.02), random.between(-0.03, 0.03), random.between(-0.03, 0.03)];
  for (let z = 0; z < depth; z++) {
    const w = depth === 1 ? sliceLevel : axisCoordinate(z, depth);
    for (let y = 0; y < height; y++) {
      const v = axisCoordinate(y, height);
      for (let x = 0; x < width; x++) {
        const u = axisCoordinate(x, width);
        const radius = Math.sqrt((u / headX) ** 2 + (v / headY) ** 2 + (w / headZ) ** 2);
        let label: number = Tissue.background;
        if (radius <= 1) {
          const angle = Math.atan2(v, u);
          const whiteBoundary = 0.74 + 0.06 * Math.sin(foldCount * angle + foldPhase) * Math.cos(4 * w + foldTilt);
          if (radius > 0.93) label = Tissue.csf;
          else if (radius > whiteBoundary) label = Tissue.greyMatter;
          else label = Tissue.whiteMatter;
          // Two ventricles either side of the midline.
          const ventricle = ((Math.abs(u) - 0.11) / ventricleHalfWidth) ** 2 + ((v + 0.05) / 0.24) ** 2 + (w / 0.3) ** 2;
          if (ventricle <= 1) label = Tissue.csf;
        }
        const index = offset + (z * height + y) * width + x;
        tissue[index] = label;
        image[index] = TISSUE_INTENSITY[label] + intensityJitter[label];
      }
    }
  }
}

/**
 * Partial-volume blur: a separable [¼, ½, ¼] filter along each spatial axis of one example
 * (clamped at the borders), in place.
 */
export function blurExample(grid: Grid, image: Float32Array, offset: number): void {
  const [depth, height, width] = grid;
  const size = depth * height * width;
  const scratch = new Float32Array(size);
  const axes: Array<[number, number]> = [
    [1, width],
    [width, height],
  ];
  if (depth > 1) axes.push([width * height, depth]);
  for (const [stride, length] of axes) {
    const block = stride * length;
    // Voxel i = outer·block + position·stride + inner, filtered along `position`.
    for (let outer = 0; outer < size; outer += block) {
      for (let position = 0; position < length; position++) {
        const row = outer + position * stride;
        const before = position > 0 ? row - stride : row;
        const after = position < length - 1 ? row + stride : row;
        for (let inner = 0; inner < stride; inner++) {
          scratch[row + inner] =
            0.25 * image[offset + before + inner] + 0.5 * image[offset + row + inner] + 0.25 * image[offset + after + inner];
        }
      }
    }
    image.set(scratch, offset);
  }
}
