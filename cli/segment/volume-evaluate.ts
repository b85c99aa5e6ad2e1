/**
 * Held-out evaluation of a 3D run: sliding-window Monte Carlo maps of every held-out volume
 * (`inference/segmentation`), voxel metrics over all of them, and the lesion-level view
 * (`lesionUncertainty`): detections with their uncertainty, confident misses, and the lesion
 * TPR/FDR curves of filtering by mutual information versus by p̄.
 */
import * as tf from '@tensorflow/tfjs';
import {
  diceScore,
  errorDetectionAuroc,
  expectedCalibrationError,
  fdrAtTpr,
  lesionFilterCurve,
  lesionUncertainty,
  probabilityFilter,
  uncertaintyFilter,
  type LesionFilterPoint,
  type LesionRecord,
  type LesionUncertaintyReport,
} from '../../inference/metrics/index.js';
import { slidingWindowPredictive, type VolumeMaps } from '../../inference/segmentation/sliding-window.js';
import { EVALUATION_STEP } from '../study/task.js';
import type { SubjectVolume } from './volume-data.js';

/** The lesion-level TPR at which the two filters' FDRs are compared. */
const COMPARISON_TPR = 0.8;

/** Metrics over all held-out volumes. Plain numbers. */
export interface VolumeMetrics {
  readonly dice: number;
  /** AUROC of the predictive entropy for the voxels p̄ ≥ 0.5 gets wrong. */
  readonly auroc: number;
  readonly aurocMutualInformation: number;
  readonly ece: number;
  readonly trueLesions: number;
  readonly detectedLesions: number;
  readonly predictedLesions: number;
  /** Lesion-level TPR and FDR with every detection kept. */
  readonly lesionTpr: number;
  readonly lesionFdr: number;
  /** Lowest lesion FDR at TPR ≥ 0.8 when filtering by MI, and when filtering by p̄. */
  readonly fdrAtTprMutualInformation: number;
  readonly fdrAtTprProbability: number;
  readonly confidentMisses: number;
}

/** What `evaluateVolumes` returns. */
export interface VolumeEvaluation {
  readonly metrics: VolumeMetrics;
  readonly maps: VolumeMaps[];
  readonly lesions: LesionUncertaintyReport;
  readonly curves: { readonly mutualInformation: LesionFilterPoint[]; readonly probability: LesionFilterPoint[] };
}

/** A missed lesion is a confident miss when its largest p̄ stays below this and its mean MI below `CONFIDENT_MISS_MI`. */
const CONFIDENT_MISS_PROBABILITY = 0.1;
const CONFIDENT_MISS_MI = 0.01;

/** Windows per forward pass of the held-out inference (with Flipout or local reparameterization the noise depends on it). */
export const EVALUATION_WINDOWS_PER_BATCH = 2;

/** Root seed of the noise of the held-out passes of a run with `--seed seed` (`predict --seed` uses the same). */
export function evaluationSeed(seed: number): string {
  return `segment/evaluation/${seed}`;
}

/** Options of `evaluateVolumes`. */
export interface VolumeEvaluationOptions {
  readonly patchSize: readonly number[];
  readonly samples: number;
  readonly seed: number;
  /** Components (detected and true) smaller than this many voxels are ignored at lesion level. */
  readonly minLesionSize: number;
  readonly signal?: AbortSignal;
  readonly onVolume?: (index: number, total: number) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

function concat(arrays: readonly Float32Array[] | readonly Uint8Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/** Sliding-window maps and metrics of the held-out volumes. Leaves no tensors behind. */
export async function evaluateVolumes(
  model: tf.LayersModel,
  volumes: readonly SubjectVolume[],
  channels: number,
  options: VolumeEvaluationOptions,
): Promise<VolumeEvaluation> {
  const maps: VolumeMaps[] = [];
  for (const [index, volume] of volumes.entries()) {
    options.onVolume?.(index, volumes.length);
    const input = tf.tensor(volume.image, [1, ...volume.size, channels], 'float32');
    try {
      maps.push(
        await slidingWindowPredictive(model, input, {
          patchSize: options.patchSize,
          samples: options.samples,
          seed: evaluationSeed(options.seed),
          step: EVALUATION_STEP,
          windowsPerBatch: EVALUATION_WINDOWS_PER_BATCH,
          // Compiled passes on tfjs-node (the eager maps bit for bit); ignored on other backends.
          compile: true,
          signal: options.signal,
          onProgress: options.onProgress,
        }),
      );
    } finally {
      input.dispose();
    }
  }
  const p = concat(maps.map((m) => m.meanProbability));
  const entropy = concat(maps.map((m) => m.predictiveEntropy));
  const mi = concat(maps.map((m) => m.mutualInformation));
  const truth = concat(volumes.map((v) => v.mask));
  const [depth, height, width] = volumes[0].size;
  const sameSize = volumes.every((v) => v.size.every((d, i) => d === volumes[0].size[i]));
  // Lesions are labelled per volume: a batch layout when the volumes share a grid, else one report per volume merged.
  const lesions = sameSize
    ? lesionUncertainty(
        {
          meanProbability: p,
          maps: { mutualInformation: mi, predictiveEntropy: entropy },
          truth,
          shape: [volumes.length, depth, height, width, 1],
        },
        { minLesionSize: options.minLesionSize },
      )
    : mergeReports(
        volumes.map((v, i) =>
          lesionUncertainty(
            {
              meanProbability: maps[i].meanProbability,
              maps: { mutualInformation: maps[i].mutualInformation, predictiveEntropy: maps[i].predictiveEntropy },
              truth: v.mask,
              shape: [...v.size],
            },
            { minLesionSize: options.minLesionSize },
          ),
        ),
      );
  const curves =
    lesions.trueLesions > 0
      ? {
          mutualInformation: lesionFilterCurve(lesions, uncertaintyFilter('mutualInformation')),
          probability: lesionFilterCurve(lesions, probabilityFilter('mean')),
        }
      : { mutualInformation: [], probability: [] };
  const falseDiscoveries = lesions.detections.filter((d) => d.truthLabels.length === 0).length;
  const detectedLesions = lesions.trueLesions - lesions.missed.length;
  return {
    metrics: {
      dice: diceScore(p, truth),
      auroc: errorDetectionAuroc(entropy, p, truth),
      aurocMutualInformation: errorDetectionAuroc(mi, p, truth),
      ece: expectedCalibrationError(p, truth),
      trueLesions: lesions.trueLesions,
      detectedLesions,
      predictedLesions: lesions.detections.length,
      lesionTpr: lesions.trueLesions === 0 ? Number.NaN : detectedLesions / lesions.trueLesions,
      lesionFdr: lesions.detections.length === 0 ? Number.NaN : falseDiscoveries / lesions.detections.length,
      fdrAtTprMutualInformation: fdrAtTpr(curves.mutualInformation, COMPARISON_TPR),
      fdrAtTprProbability: fdrAtTpr(curves.probability, COMPARISON_TPR),
      confidentMisses: lesions.missed.filter(isConfidentMiss).length,
    },
    maps,
    lesions,
    curves,
  };
}

/** Whether a missed lesion was missed with confidence (low p̄ and low MI inside it). */
export function isConfidentMiss(miss: LesionUncertaintyReport['missed'][number]): boolean {
  return miss.probability.max < CONFIDENT_MISS_PROBABILITY && miss.uncertainty.mutualInformation.mean < CONFIDENT_MISS_MI;
}

/** One report from per-volume reports (example index = volume index; truth labels made unique). */
function mergeReports(reports: LesionUncertaintyReport[]): LesionUncertaintyReport {
  let labelOffset = 0;
  const detections: LesionRecord[] = [];
  const missed: LesionRecord[] = [];
  for (const [example, report] of reports.entries()) {
    detections.push(...report.detections.map((d) => ({ ...d, example, truthLabels: d.truthLabels.map((l) => l + labelOffset) })));
    missed.push(...report.missed.map((m) => ({ ...m, example, truthLabels: m.truthLabels.map((l) => l + labelOffset) })));
    labelOffset += 1_000_000;
  }
  const sortBy = reports[0].sortBy;
  const statistic = (r: LesionRecord) => r.uncertainty[sortBy.map][sortBy.statistic];
  return {
    detections: detections.sort((a, b) => statistic(b) - statistic(a)),
    missed: missed.sort((a, b) => statistic(a) - statistic(b)),
    trueLesions: reports.reduce((n, r) => n + r.trueLesions, 0),
    sortBy,
  };
}
