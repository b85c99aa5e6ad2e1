/**
 * Geometry and blending of sliding-window inference: where the overlapping windows go, the
 * Gaussian importance of each window voxel (centre trusted most, borders least, since the network
 * sees less context there), and the accumulation of window maps into a volume, normalised by the
 * summed weights so the blending weights of every covered voxel sum to one (the scheme of nnU-Net,
 * Isensee et al. 2021, with σ = patch/8).
 */
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';

/** Default overlap between neighbouring windows, as a fraction of the window size. */
export const DEFAULT_WINDOW_OVERLAP = 0.5;
/** Default σ of the Gaussian importance, as a fraction of the window size per axis (nnU-Net: 1/8). */
export const DEFAULT_GAUSSIAN_SIGMA_SCALE = 0.125;
/** Smallest importance relative to the centre, so border voxels still count where only one window covers them. */
export const MIN_IMPORTANCE = 1e-3;

/**
 * Start positions of windows of `patch` voxels along an axis of `size` with the given overlap:
 * 0, stride, 2·stride, …, and `size − patch` last, so every voxel is covered. Throws `ShapeError`
 * when the window is larger than the axis.
 */
export function windowStarts(size: number, patch: number, overlap = DEFAULT_WINDOW_OVERLAP): number[] {
  if (!(Number.isInteger(patch) && patch >= 1 && patch <= size)) {
    throw new ShapeError('windowStarts', 'patch', [patch], `a window of 1 to ${size} voxels (the volume's size along this axis)`);
  }
  if (!(overlap >= 0 && overlap < 1)) throw new InvalidArgumentError('windowStarts', 'overlap', overlap, 'a fraction in [0, 1)');
  const stride = Math.max(1, Math.floor(patch * (1 - overlap)));
  const starts: number[] = [];
  for (let start = 0; start + patch < size; start += stride) starts.push(start);
  starts.push(size - patch);
  return starts;
}

/** Every window corner (all combinations of the per-axis starts), first axis slowest. */
export function windowGrid(volumeSize: readonly number[], patchSize: readonly number[], overlap = DEFAULT_WINDOW_OVERLAP): number[][] {
  if (patchSize.length !== volumeSize.length || patchSize.some((p, i) => !Number.isInteger(p) || p < 1 || p > volumeSize[i])) {
    throw new ShapeError(
      'slidingWindow',
      'patchSize',
      [...patchSize],
      `${volumeSize.length} window sizes, each between 1 and the volume size [${volumeSize.join(', ')}]`,
    );
  }
  const perAxis = volumeSize.map((size, axis) => windowStarts(size, patchSize[axis], overlap));
  let corners: number[][] = [[]];
  for (const starts of perAxis) corners = corners.flatMap((corner) => starts.map((s) => [...corner, s]));
  return corners;
}

/**
 * Gaussian importance of each voxel of a window (row-major over `patchSize`), peak 1 at the centre,
 * floored at `MIN_IMPORTANCE`.
 */
export function gaussianImportance(patchSize: readonly number[], sigmaScale = DEFAULT_GAUSSIAN_SIGMA_SCALE): Float32Array {
  if (!(sigmaScale > 0 && Number.isFinite(sigmaScale)))
    throw new InvalidArgumentError('gaussianImportance', 'sigmaScale', sigmaScale, 'a finite number > 0');
  const perAxis = patchSize.map((size) => {
    const centre = (size - 1) / 2;
    const sigma = sigmaScale * size;
    return Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma)));
  });
  const voxels = patchSize.reduce((a, b) => a * b, 1);
  const importance = new Float32Array(voxels);
  for (let q = 0; q < voxels; q++) {
    let rest = q;
    let weight = 1;
    for (let axis = patchSize.length - 1; axis >= 0; axis--) {
      weight *= perAxis[axis][rest % patchSize[axis]];
      rest = Math.floor(rest / patchSize[axis]);
    }
    importance[q] = Math.max(MIN_IMPORTANCE, weight);
  }
  return importance;
}

/**
 * Weighted sums of window maps over a volume (plain arrays, no tensors): `add` a window's maps at
 * its corner, then `blended` divides by the summed importance per voxel.
 */
export class WindowBlender {
  readonly weightSum: Float32Array;
  private readonly sums: Float32Array[];
  private readonly strides: number[];
  private readonly patchVoxels: number;

  /**
   * @param volumeSize spatial size of the volume; @param patchSize spatial size of a window;
   * @param maps number of maps accumulated together; @param importance per window voxel.
   */
  constructor(
    readonly volumeSize: readonly number[],
    readonly patchSize: readonly number[],
    maps: number,
    readonly importance: Float32Array,
  ) {
    const voxels = volumeSize.reduce((a, b) => a * b, 1);
    this.patchVoxels = patchSize.reduce((a, b) => a * b, 1);
    if (importance.length !== this.patchVoxels)
      throw new ShapeError('WindowBlender', 'importance', [importance.length], `${this.patchVoxels} weights (one per window voxel)`);
    this.weightSum = new Float32Array(voxels);
    this.sums = Array.from({ length: maps }, () => new Float32Array(voxels));
    this.strides = volumeSize.map((_, axis) => volumeSize.slice(axis + 1).reduce((a, b) => a * b, 1));
  }

  /** Adds window maps (each `∏patchSize` values, row-major) at `corner`, weighted by the importance. */
  add(corner: readonly number[], windowMaps: readonly ArrayLike<number>[]): void {
    const { patchSize, strides, importance } = this;
    if (windowMaps.length !== this.sums.length || windowMaps.some((m) => m.length !== this.patchVoxels)) {
      throw new ShapeError(
        'WindowBlender.add',
        'windowMaps',
        windowMaps.map((m) => m.length),
        `${this.sums.length} maps of ${this.patchVoxels} values`,
      );
    }
    for (let q = 0; q < this.patchVoxels; q++) {
      let rest = q;
      let target = 0;
      for (let axis = patchSize.length - 1; axis >= 0; axis--) {
        target += (corner[axis] + (rest % patchSize[axis])) * strides[axis];
        rest = Math.floor(rest / patchSize[axis]);
      }
      const weight = importance[q];
      this.weightSum[target] += weight;
      for (let m = 0; m < windowMaps.length; m++) this.sums[m][target] += weight * windowMaps[m][q];
    }
  }

  /** The blended maps Σ w·map / Σ w (new arrays); a voxel no window covered is NaN. */
  blended(): Float32Array[] {
    return this.sums.map((sum) => sum.map((value, v) => (this.weightSum[v] > 0 ? value / this.weightSum[v] : Number.NaN)));
  }
}
