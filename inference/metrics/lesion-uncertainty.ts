/**
 * Lesion-level uncertainty (Nair et al. 2018, "Exploring uncertainty measures in deep networks for
 * multiple sclerosis lesion detection and segmentation"): voxel uncertainty aggregated over each
 * detected lesion (a connected component of p̄ ≥ threshold), so a reader can sort and filter
 * detections, and over each true lesion that no detection touches, so a confident miss (a lesion
 * with low p̄ and low uncertainty) shows up in the report instead of hiding as "nothing there".
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { requireFinite } from '../../src/validate.js';
import { DEFAULT_CONNECTIVITY, labelComponents, spatialLayout, type Connectivity } from './components.js';
import { binarize, DEFAULT_THRESHOLD, requireFiniteValues, requireSameLength } from './values.js';

/** Mean and maximum of a map over a lesion's voxels. */
export interface Aggregate {
  readonly mean: number;
  readonly max: number;
}

/** One connected component (detected or missed) with its statistics. Plain data. */
export interface LesionRecord {
  /** Example of the batch the lesion lies in (0 for a single volume). */
  readonly example: number;
  /** Voxels of the component. */
  readonly voxels: number;
  /** Centroid in voxel coordinates of the example's grid, `[z, y, x]` (z = 0 in 2D). */
  readonly centroid: readonly [number, number, number];
  /** p̄ over the component. */
  readonly probability: Aggregate;
  /** Each uncertainty map over the component, by the names given in `maps`. */
  readonly uncertainty: Readonly<Record<string, Aggregate>>;
  /** Detections: labels (1-based) of the true lesions overlapped (empty: a false discovery, or no truth given). Missed lesions: their own truth label. */
  readonly truthLabels: readonly number[];
}

/** Input of `lesionUncertainty`: flat maps of one layout (see `spatialLayout`). */
export interface LesionUncertaintyInput {
  /** p̄ per voxel. */
  readonly meanProbability: ArrayLike<number>;
  /** Uncertainty maps by name (e.g. `{predictiveEntropy, mutualInformation}`), each as long as p̄. */
  readonly maps: Readonly<Record<string, ArrayLike<number>>>;
  /** Ground-truth mask (value ≥ 0.5 is lesion), optional. */
  readonly truth?: ArrayLike<number>;
  /** `[H, W]`, `[D, H, W]`, `[N, H, W, 1]` or `[N, D, H, W, 1]`. */
  readonly shape: readonly number[];
}

/** Options of `lesionUncertainty`. */
export interface LesionUncertaintyOptions {
  /** p̄ ≥ threshold is a detection voxel. Default 0.5. */
  readonly threshold?: number;
  /** Default `'full'` (26-connectivity in 3D). */
  readonly connectivity?: Connectivity;
  /** Components smaller than this (voxels) are dropped, detections and truth alike. Default 1. */
  readonly minLesionSize?: number;
  /** Map and statistic detections are sorted by (most uncertain first). Default the first map's mean. */
  readonly sortBy?: { readonly map: string; readonly statistic: keyof Aggregate };
}

/** What `lesionUncertainty` returns. Plain data. */
export interface LesionUncertaintyReport {
  /** Detected components, the most uncertain first (by `sortBy`). */
  readonly detections: LesionRecord[];
  /** True lesions overlapped by no detection, the least uncertain first (the most confident misses). */
  readonly missed: LesionRecord[];
  /** True lesions (after `minLesionSize`); 0 without truth. */
  readonly trueLesions: number;
  /** The map and statistic detections are sorted by. */
  readonly sortBy: { readonly map: string; readonly statistic: keyof Aggregate };
}

interface Accumulator {
  example: number;
  voxels: number;
  position: [number, number, number];
  probability: { sum: number; max: number };
  maps: Array<{ sum: number; max: number }>;
  truth: Set<number>;
}

function aggregateComponents(
  labels: Int32Array,
  count: number,
  perExample: number,
  grid: readonly [number, number, number],
  p: ArrayLike<number>,
  maps: ArrayLike<number>[],
  overlap: Int32Array | null,
): Accumulator[] {
  const records: Accumulator[] = Array.from({ length: count }, () => ({
    example: 0,
    voxels: 0,
    position: [0, 0, 0],
    probability: { sum: 0, max: -Infinity },
    maps: maps.map(() => ({ sum: 0, max: -Infinity })),
    truth: new Set<number>(),
  }));
  const [, height, width] = grid;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === 0) continue;
    const r = records[label - 1];
    const local = i % perExample;
    r.example = Math.floor(i / perExample);
    r.voxels++;
    r.position[0] += Math.floor(local / (height * width));
    r.position[1] += Math.floor(local / width) % height;
    r.position[2] += local % width;
    r.probability.sum += p[i];
    r.probability.max = Math.max(r.probability.max, p[i]);
    maps.forEach((map, m) => {
      r.maps[m].sum += map[i];
      r.maps[m].max = Math.max(r.maps[m].max, map[i]);
    });
    if (overlap !== null && overlap[i] !== 0) r.truth.add(overlap[i]);
  }
  return records;
}

function toRecord(a: Accumulator, names: string[]): LesionRecord {
  const mean = (sum: number) => sum / a.voxels;
  return {
    example: a.example,
    voxels: a.voxels,
    centroid: [mean(a.position[0]), mean(a.position[1]), mean(a.position[2])],
    probability: { mean: mean(a.probability.sum), max: a.probability.max },
    uncertainty: Object.fromEntries(names.map((name, m) => [name, { mean: mean(a.maps[m].sum), max: a.maps[m].max }])),
    truthLabels: [...a.truth].sort((x, y) => x - y),
  };
}

/**
 * Connected components of p̄ ≥ threshold with per-lesion probability and uncertainty statistics,
 * and the true lesions no detection overlaps (with the same statistics inside them). Throws
 * `InvalidArgumentError` / `ShapeError` for missing maps, non-finite values or mismatched sizes.
 *
 * @example
 * const report = lesionUncertainty({meanProbability, maps: {mutualInformation, predictiveEntropy}, truth, shape: [96, 128, 128]});
 * report.missed.filter((m) => m.probability.max < 0.1); // confident misses
 */
export function lesionUncertainty(input: LesionUncertaintyInput, options: LesionUncertaintyOptions = {}): LesionUncertaintyReport {
  const where = 'lesionUncertainty';
  if (input === null || typeof input !== 'object')
    throw new InvalidArgumentError(where, 'input', input, '{meanProbability, maps, shape, truth?}');
  const layout = spatialLayout(where, input.shape);
  const names = Object.keys(input.maps ?? {});
  if (names.length === 0) throw new InvalidArgumentError(where, 'input.maps', input.maps, 'at least one uncertainty map by name');
  const p = input.meanProbability;
  requireFiniteValues(where, 'input.meanProbability', p);
  const maps = names.map((name) => {
    requireSameLength(where, ['input.meanProbability', `input.maps.${name}`], p, input.maps[name]);
    requireFiniteValues(where, `input.maps.${name}`, input.maps[name]);
    return input.maps[name];
  });
  const threshold = requireFinite(where, 'options.threshold', options.threshold ?? DEFAULT_THRESHOLD);
  const minLesionSize = options.minLesionSize ?? 1;
  if (!Number.isInteger(minLesionSize) || minLesionSize < 1)
    throw new InvalidArgumentError(where, 'options.minLesionSize', minLesionSize, 'an integer ≥ 1');
  const sortBy = options.sortBy ?? { map: names[0], statistic: 'mean' as const };
  if (!names.includes(sortBy.map) || (sortBy.statistic !== 'mean' && sortBy.statistic !== 'max')) {
    throw new InvalidArgumentError(where, 'options.sortBy', sortBy, `{map: one of ${names.join(', ')}, statistic: 'mean' | 'max'}`);
  }
  const connectivity = options.connectivity ?? DEFAULT_CONNECTIVITY;
  const perExample = layout.grid[0] * layout.grid[1] * layout.grid[2];

  const detected = labelComponents(binarize(p, threshold), input.shape, connectivity);
  let truthLabels: Int32Array | null = null;
  let truthRecords: Accumulator[] = [];
  if (input.truth !== undefined) {
    requireSameLength(where, ['input.meanProbability', 'input.truth'], p, input.truth);
    requireFiniteValues(where, 'input.truth', input.truth);
    const truth = labelComponents(binarize(input.truth), input.shape, connectivity);
    // Truth components below the size limit are dropped (label 0) before matching.
    truthLabels = truth.labels.map((label) => (label !== 0 && truth.sizes[label - 1] >= minLesionSize ? label : 0));
    const keptDetections = detected.labels.map((label) => (label !== 0 && detected.sizes[label - 1] >= minLesionSize ? label : 0));
    truthRecords = aggregateComponents(truthLabels, truth.count, perExample, layout.grid, p, maps, keptDetections);
  }
  const detectionRecords = aggregateComponents(detected.labels, detected.count, perExample, layout.grid, p, maps, truthLabels);
  const statistic = (r: LesionRecord) => r.uncertainty[sortBy.map][sortBy.statistic];
  const detections = detectionRecords
    .filter((r) => r.voxels >= minLesionSize)
    .map((r) => toRecord(r, names))
    .sort((a, b) => statistic(b) - statistic(a));
  const keptTruth = truthRecords.map((r, index) => ({ r, label: index + 1 })).filter(({ r }) => r.voxels >= minLesionSize);
  // A true lesion is missed when no kept detection overlaps it (its overlap set stays empty).
  const missed = keptTruth
    .filter(({ r }) => r.truth.size === 0)
    .map(({ r, label }) => ({ ...toRecord(r, names), truthLabels: [label] }))
    .sort((a, b) => statistic(a) - statistic(b));
  return { detections, missed, trueLesions: keptTruth.length, sortBy };
}
