/**
 * The 3D parts of the `segment` report: orthogonal views (axial, coronal, sagittal) of image,
 * truth, p̄, entropy and MI through the largest true lesion of each held-out volume, with a colour
 * bar panel per row; the lesion table (most uncertain detections first); the confident misses; and
 * the lesion-level TPR/FDR curves of the two filters.
 */
import type { Panel, PanelRow, ReportTable } from '../../inference/report/index.js';
import type { LesionFilterPoint, LesionRecord } from '../../inference/metrics/index.js';
import type { VolumeMaps } from '../../inference/segmentation/sliding-window.js';
import type { SubjectVolume } from './volume-data.js';
import { isConfidentMiss, type VolumeEvaluation } from './volume-evaluate.js';

/** Detections listed in the lesion table. */
const LESION_TABLE_ROWS = 25;
/** Height of the colour-bar panel in pixels. */
const COLOUR_BAR_HEIGHT = 64;

type Plane = 'axial' | 'coronal' | 'sagittal';

/** A 2D cut through a `[D, H, W]` (× channels) array at voxel `centre`. */
function cut(
  values: ArrayLike<number>,
  size: readonly number[],
  plane: Plane,
  centre: readonly number[],
  channels = 1,
  channel = 0,
): { values: Float32Array; width: number; height: number } {
  const [depth, height, width] = size;
  const at = (z: number, y: number, x: number) => values[((z * height + y) * width + x) * channels + channel];
  const [cz, cy, cx] = centre.map(Math.round);
  if (plane === 'axial')
    return { width, height, values: Float32Array.from({ length: width * height }, (_, i) => at(cz, Math.floor(i / width), i % width)) };
  // Coronal and sagittal views are drawn with the head's top (last z) at the top of the picture.
  if (plane === 'coronal')
    return {
      width,
      height: depth,
      values: Float32Array.from({ length: width * depth }, (_, i) => at(depth - 1 - Math.floor(i / width), cy, i % width)),
    };
  return {
    width: height,
    height: depth,
    values: Float32Array.from({ length: height * depth }, (_, i) => at(depth - 1 - Math.floor(i / height), i % height, cx)),
  };
}

function colourBar(range: readonly [number, number], title: string): Panel {
  const values = Float32Array.from(
    { length: 8 * COLOUR_BAR_HEIGHT },
    (_, i) => range[1] - (Math.floor(i / 8) / (COLOUR_BAR_HEIGHT - 1)) * (range[1] - range[0]),
  );
  return { title, width: 8, height: COLOUR_BAR_HEIGHT, values, colormap: 'viridis', range };
}

/** Orthogonal views through the centroid of the largest true lesion (the volume centre if none). */
export function orthogonalRows(
  volume: SubjectVolume,
  maps: VolumeMaps,
  channels: number,
  largestLesion: LesionRecord | undefined,
  miRange: readonly [number, number],
): PanelRow[] {
  const centre = largestLesion?.centroid ?? volume.size.map((d) => (d - 1) / 2);
  return (['axial', 'coronal', 'sagittal'] as const).map((plane) => {
    const image = cut(volume.image, volume.size, plane, centre, channels, 0);
    const view = (values: ArrayLike<number>) => cut(values, volume.size, plane, centre).values;
    const common = { width: image.width, height: image.height };
    return {
      caption: `${volume.name}, ${plane} view through voxel [${centre.map((c) => Math.round(c)).join(', ')}] (z, y, x)`,
      panels: [
        { ...common, title: 'image (channel 0)', values: image.values, colormap: 'gray' as const },
        { ...common, title: 'ground truth', values: view(volume.mask), colormap: 'mask' as const },
        { ...common, title: 'prediction p̄', values: view(maps.meanProbability), colormap: 'viridis' as const, range: [0, 1] as const },
        {
          ...common,
          title: 'predictive entropy (nats)',
          values: view(maps.predictiveEntropy),
          colormap: 'viridis' as const,
          range: [0, Math.LN2] as const,
        },
        {
          ...common,
          title: 'mutual information (nats, one scale for the run)',
          values: view(maps.mutualInformation),
          colormap: 'viridis' as const,
          range: miRange,
        },
        colourBar([0, 1], 'colour bar (p̄; entropy and MI: their ranges)'),
      ],
    };
  });
}

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

function lesionRow(record: LesionRecord, volumes: readonly SubjectVolume[]): Array<string | number> {
  return [
    volumes[record.example]?.name ?? String(record.example),
    record.centroid.map((c) => Math.round(c)).join(', '),
    record.voxels,
    round(record.probability.mean, 3),
    round(record.probability.max, 3),
    round(record.uncertainty.mutualInformation.mean),
    round(record.uncertainty.mutualInformation.max),
    round(record.uncertainty.predictiveEntropy.mean),
    round(record.uncertainty.predictiveEntropy.max),
  ];
}

const LESION_COLUMNS = ['volume', 'centroid (z, y, x)', 'voxels', 'mean p̄', 'max p̄', 'mean MI', 'max MI', 'mean entropy', 'max entropy'];

function curveRows(curve: readonly LesionFilterPoint[], filter: string): Array<Array<string | number>> {
  return curve.map((point) => [filter, round(point.threshold, 5), point.kept, round(point.tpr, 3), round(point.fdr, 3)]);
}

/** The lesion table, the confident-miss list and the lesion-level curves as report tables. */
export function lesionTables(evaluation: VolumeEvaluation, volumes: readonly SubjectVolume[]): ReportTable[] {
  const { lesions, curves } = evaluation;
  return [
    {
      title: `Detections, most uncertain (mean MI) first (${Math.min(LESION_TABLE_ROWS, lesions.detections.length)} of ${lesions.detections.length}); true positive = overlaps a true lesion`,
      columns: [...LESION_COLUMNS, 'true positive'],
      rows: lesions.detections.slice(0, LESION_TABLE_ROWS).map((d) => [...lesionRow(d, volumes), d.truthLabels.length > 0 ? 'yes' : 'no']),
    },
    {
      title: `Missed lesions (no detection overlaps them), least uncertain first; confident miss = max p̄ < 0.1 and mean MI < 0.01`,
      columns: [...LESION_COLUMNS, 'confident miss'],
      rows: lesions.missed.map((m) => [...lesionRow(m, volumes), isConfidentMiss(m) ? 'yes' : 'no']),
    },
    {
      title: 'Lesion-level TPR and FDR as detections are filtered: by mean MI (keep MI ≤ τ) and by mean p̄ (keep p̄ ≥ τ)',
      columns: ['filter', 'threshold τ', 'detections kept', 'lesion TPR', 'lesion FDR'],
      rows: [...curveRows(curves.mutualInformation, 'mutual information'), ...curveRows(curves.probability, 'mean p̄')],
    },
  ];
}
