/**
 * Held-out evaluation of a trained segmentation network: Monte Carlo predictive maps
 * (`inference/predictive`) and the metrics of `inference/metrics`, read back as plain arrays.
 */
import type * as tf from '@tensorflow/tfjs';
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
import { disposePredictive, predictive } from '../../inference/predictive/index.js';
import { cropPaddingArray, padToMultiple } from '../../src/tensor/pad-to-multiple.js';
import { EVALUATION_STEP } from '../study/task.js';

/** Held-out maps as flat arrays `[N · H · W]` (slice-major, row-major). */
export interface HeldOutMaps {
  readonly image: Float32Array;
  readonly truth: Float32Array;
  readonly meanProbability: Float32Array;
  readonly predictiveEntropy: Float32Array;
  readonly mutualInformation: Float32Array;
}

/** Metrics of the held-out slices. Plain numbers. */
export interface SegmentationMetrics {
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
  /** Mean Bernoulli NLL per voxel, nats. */
  readonly nll: number;
  /** Area under the retention curve (entropy ranking). */
  readonly retentionArea: number;
}

/** What `evaluateSegmentation` returns. */
export interface SegmentationEvaluation {
  readonly metrics: SegmentationMetrics;
  readonly reliability: ReliabilityBin[];
  readonly retention: RetentionCurve;
  readonly maps: HeldOutMaps;
}

/**
 * S stochastic passes over the held-out slices, then the metrics. Leaves no tensors behind.
 * Slices whose sizes are not multiples of `multiple` are padded for the network and every map is
 * cropped back, so the maps have the slices' own grid.
 * @param x held-out images `[N, H, W, 1]`; @param y their masks (not disposed).
 */
export async function evaluateSegmentation(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, samples: number, seed: number, multiple = 1): Promise<SegmentationEvaluation> {
  const { padded, padding } = padToMultiple(x, multiple);
  let maps: HeldOutMaps;
  try {
    const result = predictive(model, padded, { samples, seed: `segment/evaluation/${seed}`, output: 'sigmoid', step: EVALUATION_STEP, chunkSize: 4 });
    try {
      const crop = async (map: tf.Tensor) => cropPaddingArray((await map.data()) as Float32Array, padding, x.shape[0]);
      maps = {
        image: (await x.data()) as Float32Array,
        truth: (await y.data()) as Float32Array,
        meanProbability: await crop(result.meanProbability),
        predictiveEntropy: await crop(result.predictiveEntropy),
        mutualInformation: await crop(result.mutualInformation),
      };
    } finally {
      disposePredictive(result);
    }
  } finally {
    padded.dispose();
  }
  const { meanProbability: p, truth, predictiveEntropy: entropy } = maps;
  const overlap = voxelMetrics(p, truth);
  const retention = retentionCurve(entropy, p, truth);
  return {
    metrics: {
      dice: diceScore(p, truth),
      tpr: overlap.tpr,
      fdr: overlap.fdr,
      auroc: errorDetectionAuroc(entropy, p, truth),
      aurocMutualInformation: errorDetectionAuroc(maps.mutualInformation, p, truth),
      ece: expectedCalibrationError(p, truth),
      nll: negativeLogLikelihood(p, truth),
      retentionArea: retention.area,
    },
    reliability: reliabilityBins(p, truth),
    retention,
    maps,
  };
}
