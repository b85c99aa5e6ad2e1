/**
 * The held-out slices `segment` shows, as report panel rows: image, truth, p̄, predictive entropy
 * and mutual information. Entropy has its fixed scale [0, ln 2]; mutual information has no natural
 * upper end, so it gets one scale for the whole run (the maximum over all held-out slices) and
 * colours compare across slices.
 */
import type { PanelRow } from '../../inference/report/index.js';
import type { HeldOutMaps } from './evaluate.js';

/** The sentence `segment` adds to the report about the MI scale. */
export const MUTUAL_INFORMATION_SCALE_NOTE =
  'Mutual information is drawn on one scale for the whole run, from 0 to its maximum over all held-out slices, so colours compare across slices (entropy: 0 to ln 2).';

/** Slice `slice` of flat slice-major values with `size` values per slice (a view, not a copy). */
export function sliceOf(values: Float32Array, slice: number, size: number): Float32Array {
  return values.subarray(slice * size, (slice + 1) * size);
}

/** The `count` slices with the most foreground, most first (ties: lower index first). */
export function panelSlices(maps: HeldOutMaps, slices: number, size: number, count: number): number[] {
  const lesion = Array.from({ length: slices }, (_, s) => ({ s, voxels: sliceOf(maps.truth, s, size).reduce((a, b) => a + b, 0) }));
  return lesion
    .sort((a, b) => b.voxels - a.voxels || a.s - b.s)
    .slice(0, count)
    .map((l) => l.s);
}

/** Upper end of the run's mutual-information scale: the largest finite MI of any held-out voxel (at least 1e-6). */
export function mutualInformationMax(maps: Pick<HeldOutMaps, 'mutualInformation'>): number {
  let max = 1e-6;
  for (const value of maps.mutualInformation) if (Number.isFinite(value) && value > max) max = value;
  return max;
}

/** One panel row per slice; every row's MI panel has the range [0, `miMax`]. */
export function panelRows(
  maps: HeldOutMaps,
  slices: readonly number[],
  shape: { readonly height: number; readonly width: number },
  miMax: number,
): PanelRow[] {
  const size = shape.height * shape.width;
  const common = { width: shape.width, height: shape.height };
  return slices.map((s) => ({
    caption: `held-out slice ${s}`,
    panels: [
      { ...common, title: 'image', values: sliceOf(maps.image, s, size), colormap: 'gray' as const },
      { ...common, title: 'ground truth', values: sliceOf(maps.truth, s, size), colormap: 'mask' as const },
      {
        ...common,
        title: 'prediction p̄',
        values: sliceOf(maps.meanProbability, s, size),
        colormap: 'viridis' as const,
        range: [0, 1] as const,
      },
      {
        ...common,
        title: 'predictive entropy (nats)',
        values: sliceOf(maps.predictiveEntropy, s, size),
        colormap: 'viridis' as const,
        range: [0, Math.LN2] as const,
      },
      {
        ...common,
        title: 'mutual information (nats, one scale for the run)',
        values: sliceOf(maps.mutualInformation, s, size),
        colormap: 'viridis' as const,
        range: [0, miMax] as const,
      },
    ],
  }));
}
