/**
 * Connected-component labelling of binary masks in 2D and 3D, the basis of lesion-level metrics.
 *
 * Connectivity: `'full'` (default) joins voxels that share a face, an edge or a corner (8 in 2D,
 * 26 in 3D); `'face'` joins only voxels sharing a face (4 in 2D, 6 in 3D, as `scipy.ndimage.label`
 * does by default). We default to full connectivity because small lesions, blurred by partial
 * volume, often touch only diagonally; splitting them would inflate lesion counts.
 */
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { requireOneOf } from '../../src/validate.js';

/** Which neighbours are connected: `'face'` = 4 (2D) / 6 (3D); `'full'` = 8 (2D) / 26 (3D). */
export type Connectivity = 'face' | 'full';

/** Default connectivity of lesion-level metrics. */
export const DEFAULT_CONNECTIVITY: Connectivity = 'full';

/** A mask shape split into independent examples and the spatial grid of each. */
export interface SpatialLayout {
  /** Number of independent examples (components never cross examples). */
  readonly examples: number;
  /** Spatial grid of one example, `[depth, height, width]` (depth 1 for 2D). */
  readonly grid: readonly [number, number, number];
  /** 2 or 3. */
  readonly spatialRank: 2 | 3;
}

/**
 * Interprets a mask shape: `[H, W]` and `[D, H, W]` are one example; `[N, H, W, 1]` and
 * `[N, D, H, W, 1]` (the tensor layout of the models) are N examples labelled separately.
 */
export function spatialLayout(where: string, shape: readonly number[]): SpatialLayout {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(where, 'shape', shape, 'an array of positive integers');
  }
  switch (shape.length) {
    case 2:
      return { examples: 1, grid: [1, shape[0], shape[1]], spatialRank: 2 };
    case 3:
      return { examples: 1, grid: [shape[0], shape[1], shape[2]], spatialRank: 3 };
    case 4:
      if (shape[3] !== 1) break;
      return { examples: shape[0], grid: [1, shape[1], shape[2]], spatialRank: 2 };
    case 5:
      if (shape[4] !== 1) break;
      return { examples: shape[0], grid: [shape[1], shape[2], shape[3]], spatialRank: 3 };
  }
  throw new ShapeError(where, 'shape', shape, '[H, W], [D, H, W], [N, H, W, 1] or [N, D, H, W, 1]');
}

/** Neighbour offsets (dz, dy, dx) of one connectivity. */
function neighbourOffsets(spatialRank: 2 | 3, connectivity: Connectivity): Array<[number, number, number]> {
  const offsets: Array<[number, number, number]> = [];
  const zRange = spatialRank === 3 ? [-1, 0, 1] : [0];
  for (const dz of zRange) {
    for (const dy of [-1, 0, 1]) {
      for (const dx of [-1, 0, 1]) {
        const steps = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (steps === 0) continue;
        if (connectivity === 'face' && steps > 1) continue;
        offsets.push([dz, dy, dx]);
      }
    }
  }
  return offsets;
}

/** Labels of the connected components of a mask. */
export interface ComponentLabels {
  /** Per voxel: 0 for background, else the component's label 1…count (row-major, like the mask). */
  readonly labels: Int32Array;
  /** Number of components over all examples. */
  readonly count: number;
  /** Voxels per component; `sizes[label - 1]`. */
  readonly sizes: Int32Array;
}

/**
 * Labels the connected components of a binary mask (non-zero = foreground) of `shape` (see
 * `spatialLayout`). Breadth-first search, O(voxels · neighbours).
 */
export function labelComponents(
  mask: ArrayLike<number>,
  shape: readonly number[],
  connectivity: Connectivity = DEFAULT_CONNECTIVITY,
): ComponentLabels {
  const layout = spatialLayout('labelComponents', shape);
  requireOneOf('labelComponents', 'connectivity', connectivity, ['face', 'full'] as const);
  const [depth, height, width] = layout.grid;
  const perExample = depth * height * width;
  if (mask.length !== layout.examples * perExample) {
    throw new ShapeError(
      'labelComponents',
      'mask',
      [mask.length],
      `${layout.examples * perExample} voxels for shape [${shape.join(', ')}]`,
    );
  }
  const offsets = neighbourOffsets(layout.spatialRank, connectivity);
  const labels = new Int32Array(mask.length);
  const queue = new Int32Array(perExample);
  const sizes: number[] = [];
  let count = 0;
  for (let example = 0; example < layout.examples; example++) {
    const base = example * perExample;
    for (let seed = 0; seed < perExample; seed++) {
      if (!mask[base + seed] || labels[base + seed] !== 0) continue;
      count++;
      labels[base + seed] = count;
      let head = 0;
      let tail = 0;
      queue[tail++] = seed;
      while (head < tail) {
        const index = queue[head++];
        const z = Math.floor(index / (height * width));
        const y = Math.floor(index / width) % height;
        const x = index % width;
        for (const [dz, dy, dx] of offsets) {
          const nz = z + dz;
          const ny = y + dy;
          const nx = x + dx;
          if (nz < 0 || nz >= depth || ny < 0 || ny >= height || nx < 0 || nx >= width) continue;
          const neighbour = (nz * height + ny) * width + nx;
          if (!mask[base + neighbour] || labels[base + neighbour] !== 0) continue;
          labels[base + neighbour] = count;
          queue[tail++] = neighbour;
        }
      }
      sizes.push(tail);
    }
  }
  return { labels, count, sizes: Int32Array.from(sizes) };
}
