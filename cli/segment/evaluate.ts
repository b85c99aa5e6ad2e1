/**
 * Held-out evaluation of a trained segmentation network: Monte Carlo predictive maps
 * (`inference/predictive`) and the metrics of `inference/metrics`, read back as plain arrays.
 */
import * as tf from '@tensorflow/tfjs';
import {
  diceScore,
  errorDetectionAuroc,
  expectedCalibrationError,
  negativeLogLikelihood,
  reliabilityBins,
  retentionCurve,
  voxelMetrics,
  type ReliabilityBin,
  type RetentionCurve,
} from '../../inference/metrics/index.js';
import { disposePredictive, predictive, type PredictiveModel } from '../../inference/predictive/index.js';
import { cropPaddingArray, padToMultiple } from '../../src/tensor/pad-to-multiple.js';
import { EVALUATION_STEP } from '../study/task.js';
import { throwIfInterrupted, yieldToEvents } from '../interrupt.js';

/** Held-out slices per Monte Carlo chunk: the abort signal is checked between chunks. */
export const EVALUATION_CHUNK = 4;

/** Held-out maps as flat arrays `[N · H · W]` (slice-major, row-major). */
export interface HeldOutMaps {
  readonly image: Float32Array;
  readonly truth: Float32Array;
  readonly meanProbability: Float32Array;
  readonly predictiveEntropy: Float32Array;
  readonly mutualInformation: Float32Array;
}

/** Metrics of the held-out slices. Plain numbers. */
interface SegmentationMetrics {
  /** Dice of p̄ ≥ 0.5 against the truth. */
  readonly dice: number;
  readonly tpr: number;
  readonly fdr: number;
  /** AUROC of the predictive entropy for detecting the voxels the prediction gets wrong (NaN without errors). */
  readonly auroc: number;
  /** AUROC of the mutual information for the same errors. */
  readonly aurocMutualInformation: number;
  /** ECE over all voxels, 15 bins, top label (Guo 2017). */
  readonly ece: number;
  /** ECE over the foreground only: voxels that are lesion or predicted lesion (p̄ ≥ 0.5); NaN when there are none. */
  readonly eceForeground: number;
  /** Mean Bernoulli NLL per voxel, nats. */
  readonly nll: number;
  /** Area under the retention curve (entropy ranking). */
  readonly retentionArea: number;
}

/** What `evaluateSegmentation` returns. */
export interface SegmentationEvaluation {
  readonly metrics: SegmentationMetrics;
  readonly reliability: ReliabilityBin[];
  /** Reliability bins of the foreground voxels (lesion or predicted lesion); empty when there are none. */
  readonly foregroundReliability: ReliabilityBin[];
  readonly retention: RetentionCurve;
  readonly maps: HeldOutMaps;
}

/** The maps of `predictive` on one chunk of slices, read back as arrays (tensors disposed). */
async function chunkMaps(model: PredictiveModel, chunk: tf.Tensor, samples: number, seed: number): Promise<Float32Array[]> {
  // Every chunk runs at the same noise position, so chunking gives the same numbers as one call.
  // Compiled passes on tfjs-node (the eager maps bit for bit); ignored on other backends.
  const result = predictive(model, chunk, {
    samples,
    seed: `segment/evaluation/${seed}`,
    output: 'sigmoid',
    step: EVALUATION_STEP,
    compile: true,
  });
  try {
    return [
      (await result.meanProbability.data()) as Float32Array,
      (await result.predictiveEntropy.data()) as Float32Array,
      (await result.mutualInformation.data()) as Float32Array,
    ];
  } finally {
    disposePredictive(result);
  }
}

function concatenated(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * S stochastic passes over the held-out slices, `EVALUATION_CHUNK` slices at a time, then the
 * metrics. Between chunks it yields to pending events and throws `InterruptedError` once `signal`
 * is aborted (Ctrl-C), naming how many slices were done. Leaves no tensors behind. Slices whose
 * sizes are not multiples of `multiple` are padded for the network and every map is cropped back.
 * @param x held-out images `[N, H, W, 1]`; @param y their masks (not disposed).
 */
export async function evaluateSegmentation(
  model: PredictiveModel,
  x: tf.Tensor,
  y: tf.Tensor,
  samples: number,
  seed: number,
  signal?: AbortSignal,
  multiple = 1,
): Promise<SegmentationEvaluation> {
  const n = x.shape[0];
  const parts: Float32Array[][] = [];
  for (let start = 0; start < n; start += EVALUATION_CHUNK) {
    await yieldToEvents();
    throwIfInterrupted(signal, 'Monte Carlo prediction', () => `after ${start} of ${n} held-out slices`);
    const size = Math.min(EVALUATION_CHUNK, n - start);
    const chunk = tf.slice(x, [start, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1)]);
    const { padded, padding } = padToMultiple(chunk, multiple);
    try {
      const maps = await chunkMaps(model, padded, samples, seed);
      parts.push(maps.map((map) => cropPaddingArray(map, padding, size)));
    } finally {
      tf.dispose([chunk, padded]);
    }
  }
  const maps: HeldOutMaps = {
    image: (await x.data()) as Float32Array,
    truth: (await y.data()) as Float32Array,
    meanProbability: concatenated(parts.map((part) => part[0])),
    predictiveEntropy: concatenated(parts.map((part) => part[1])),
    mutualInformation: concatenated(parts.map((part) => part[2])),
  };
  const { meanProbability: p, truth, predictiveEntropy: entropy } = maps;
  const overlap = voxelMetrics(p, truth);
  const foreground = foregroundVoxels(p, truth);
  const retention = retentionCurve(entropy, p, truth);
  return {
    metrics: {
      dice: diceScore(p, truth),
      tpr: overlap.tpr,
      fdr: overlap.fdr,
      auroc: errorDetectionAuroc(entropy, p, truth),
      aurocMutualInformation: errorDetectionAuroc(maps.mutualInformation, p, truth),
      ece: expectedCalibrationError(p, truth),
      eceForeground: foreground.p.length === 0 ? Number.NaN : expectedCalibrationError(foreground.p, foreground.truth),
      nll: negativeLogLikelihood(p, truth),
      retentionArea: retention.area,
    },
    reliability: reliabilityBins(p, truth),
    foregroundReliability: foreground.p.length === 0 ? [] : reliabilityBins(foreground.p, foreground.truth),
    retention,
    maps,
  };
}

/** The voxels that are lesion (truth ≥ 0.5) or predicted lesion (p̄ ≥ 0.5): where calibration matters for lesions. */
export function foregroundVoxels(p: Float32Array, truth: Float32Array): { p: Float32Array; truth: Float32Array } {
  const keep: number[] = [];
  for (let i = 0; i < p.length; i++) if (truth[i] >= 0.5 || p[i] >= 0.5) keep.push(i);
  return { p: Float32Array.from(keep, (i) => p[i]), truth: Float32Array.from(keep, (i) => truth[i]) };
}
