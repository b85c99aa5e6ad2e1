/** Overlap losses for segmentation (soft Dice, Tversky): one value per image, not per voxel. */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireNonNegative } from '../../src/validate.js';
import { type SegmentationLoss, requireMatchingPair } from './likelihood.js';

/** Default smoothing s added to numerator and denominator (MONAI's 1e-5): empty vs empty scores 1. */
export const DEFAULT_OVERLAP_SMOOTH = 1e-5;
/** Default Tversky weight of false positives (Salehi et al. 2017). */
export const DEFAULT_TVERSKY_ALPHA = 0.3;
/** Default Tversky weight of false negatives (Salehi et al. 2017). */
export const DEFAULT_TVERSKY_BETA = 0.7;

/** Options shared by the overlap losses. */
export interface OverlapOptions {
  /** Smoothing s ≥ 0 added to numerator and denominator. Default `DEFAULT_OVERLAP_SMOOTH`. */
  readonly smooth?: number;
  /** Whether `modelOutput` holds logits (sigmoid applied) rather than probabilities. Default true. */
  readonly fromLogits?: boolean;
}

/** Options of `tversky`. */
export interface TverskyOptions extends OverlapOptions {
  /** Weight α ≥ 0 of false positives. Default 0.3. */
  readonly alpha?: number;
  /** Weight β ≥ 0 of false negatives. Default 0.7. α = β = ½ is Dice. */
  readonly beta?: number;
}

function imageSum(x: tf.Tensor): tf.Tensor {
  return x.rank === 1
    ? x
    : tf.sum(
        x,
        Array.from({ length: x.rank - 1 }, (_, i) => i + 1),
      );
}

/**
 * Per-image Tversky index (Tversky 1977; Salehi et al. 2017): (TP + s) / (TP + α·FP + β·FN + s) with
 * soft counts TP = Σ p·y, FP = Σ p·(1 − y), FN = Σ (1 − p)·y over each image. `yTrue` and
 * `probabilities` are float32 of equal shape [B, …]; returns [B], owned by the caller.
 */
export function tverskyIndex(
  yTrue: tf.Tensor,
  probabilities: tf.Tensor,
  alpha: number,
  beta: number,
  smooth = DEFAULT_OVERLAP_SMOOTH,
): tf.Tensor {
  const [y, p] = requireMatchingPair('tverskyIndex', yTrue, probabilities);
  return tf.tidy(() => {
    const truePositive = imageSum(tf.mul(p, y));
    const falsePositive = imageSum(tf.mul(p, tf.sub(1, y)));
    const falseNegative = imageSum(tf.mul(tf.sub(1, p), y));
    const denominator = tf.add(tf.add(truePositive, tf.mul(alpha, falsePositive)), tf.add(tf.mul(beta, falseNegative), smooth));
    return tf.div(tf.add(truePositive, smooth), denominator);
  });
}

/**
 * Per-image soft Dice coefficient (2 Σ p·y + s) / (Σ p + Σ y + s): 1 for identical masks, ≈ 0 for
 * disjoint ones. Equal shapes [B, …]; returns [B], owned by the caller.
 */
export function diceCoefficient(yTrue: tf.Tensor, probabilities: tf.Tensor, smooth = DEFAULT_OVERLAP_SMOOTH): tf.Tensor {
  const [y, p] = requireMatchingPair('diceCoefficient', yTrue, probabilities);
  return tf.tidy(() => tf.div(tf.add(tf.mul(2, imageSum(tf.mul(p, y))), smooth), tf.add(tf.add(imageSum(p), imageSum(y)), smooth)));
}

function readOverlap(where: string, options: OverlapOptions): { smooth: number; fromLogits: boolean } {
  const smooth = requireNonNegative(where, 'smooth', options.smooth ?? DEFAULT_OVERLAP_SMOOTH);
  const fromLogits = options.fromLogits ?? true;
  if (typeof fromLogits !== 'boolean') throw new InvalidArgumentError(where, 'fromLogits', fromLogits, 'a boolean');
  return { smooth, fromLogits };
}

/**
 * Soft Dice loss (Milletari et al. 2016, V-Net, with the linear denominator): 1 − Dice(y, p) per
 * image, p = σ(modelOutput) when `fromLogits` (default). Insensitive to the share of background.
 */
export function softDice(options: OverlapOptions = {}): SegmentationLoss {
  const { smooth, fromLogits } = readOverlap('softDice', options);
  return {
    name: 'softDice',
    describe: `Soft Dice loss 1 − (2Σpy + s)/(Σp + Σy + s) per image (s = ${smooth}).`,
    perImage(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      requireMatchingPair('softDice.perImage', yTrue, modelOutput);
      return tf.tidy(() => tf.sub(1, diceCoefficient(yTrue, fromLogits ? tf.sigmoid(modelOutput) : modelOutput, smooth)));
    },
  };
}

/**
 * Tversky loss (Salehi et al. 2017): 1 − Tversky index per image; α > β penalises false positives
 * more, β > α false negatives (recall of small lesions). α = β = ½ is `softDice` (exactly so
 * for s = 0; Tversky's smoothing s stands where Dice's has 2s).
 */
export function tversky(options: TverskyOptions = {}): SegmentationLoss {
  const { smooth, fromLogits } = readOverlap('tversky', options);
  const alpha = requireNonNegative('tversky', 'alpha', options.alpha ?? DEFAULT_TVERSKY_ALPHA);
  const beta = requireNonNegative('tversky', 'beta', options.beta ?? DEFAULT_TVERSKY_BETA);
  return {
    name: 'tversky',
    describe: `Tversky loss 1 − (TP + s)/(TP + ${alpha}·FP + ${beta}·FN + s) per image (Salehi et al. 2017).`,
    perImage(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      requireMatchingPair('tversky.perImage', yTrue, modelOutput);
      return tf.tidy(() => tf.sub(1, tverskyIndex(yTrue, fromLogits ? tf.sigmoid(modelOutput) : modelOutput, alpha, beta, smooth)));
    },
  };
}
