/**
 * The combined "cross-entropy + soft Dice" segmentation loss of nnU-Net (Isensee et al. 2021),
 * written per image so that its cross-entropy part stays the image's exact Bernoulli NLL.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireNonNegative, requirePositive } from '../../src/validate.js';
import { type SegmentationLoss, binaryCrossEntropyFromLogits, requireMatchingPair } from './likelihood.js';
import { diceCoefficient } from './overlap.js';

/** Default weight λ of the Dice term per voxel: 1, nnU-Net's equal weighting of mean CE and Dice loss. */
export const DEFAULT_DICE_WEIGHT = 1;
/** Default weight of the positive class in the cross-entropy part: 1 (the plain Bernoulli NLL). */
export const DEFAULT_DICE_CE_POSITIVE_WEIGHT = 1;
/**
 * Default Dice smoothing s: 1 voxel. With s ≈ 0 an image without lesions scores Dice ≈ 0 unless it
 * predicts exactly nothing, so the Dice term would push every empty slice to p = 0 at full force;
 * s = 1 keeps that push bounded (a common choice in U-Net code).
 */
export const DEFAULT_DICE_CE_SMOOTH = 1;

/** Options of `diceCrossEntropy`. */
export interface DiceCrossEntropyOptions {
  /** Weight λ ≥ 0 of the Dice term, per voxel of the image (see `diceCrossEntropy`). Default 1. λ = 0 is the (weighted) Bernoulli NLL alone. */
  readonly diceWeight?: number;
  /** Weight w > 0 of lesion voxels in the cross-entropy (as `weightedBernoulli`). Default 1: the exact Bernoulli NLL. */
  readonly positiveWeight?: number;
  /** Smoothing s ≥ 0 of the soft Dice. Default 1. */
  readonly smooth?: number;
}

/**
 * Combined loss for binary segmentation from logits z, one value per image of V voxels:
 *
 *   loss = Σ_voxels CE_w(z, y) + λ · V · (1 − Dice_s(y, σ(z)))
 *
 * with CE_w = −w·y·log σ(z) − (1 − y)·log(1 − σ(z)) (w = 1: the Bernoulli NLL of the image, in nats)
 * and Dice_s = (2Σpy + s)/(Σp + Σy + s). Divided by V this is nnU-Net's `mean CE + λ·Dice loss`
 * (Isensee et al. 2021, λ = 1); kept as a per-image sum so that, with the ELBO's `countUnit: 'images'`
 * and `klWeighting.perExample()`, the cross-entropy part is the exact image likelihood and KL/N
 * counts N in images. The Dice term is not a log-likelihood: it is a recall-seeking regulariser
 * that overcomes the 1:200 imbalance the plain NLL cannot (read ECE in that light).
 *
 * `yTrue` (targets in [0, 1]) and `modelOutput` (logits) are float32 of equal shape [B, …spatial, 1];
 * `perImage` returns [B], owned by the caller.
 */
export function diceCrossEntropy(options: DiceCrossEntropyOptions = {}): SegmentationLoss {
  const where = 'diceCrossEntropy';
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(where, 'options', options, 'an options object {diceWeight?, positiveWeight?, smooth?}');
  const diceWeight = requireNonNegative(where, 'diceWeight', options.diceWeight ?? DEFAULT_DICE_WEIGHT);
  const positiveWeight = requirePositive(where, 'positiveWeight', options.positiveWeight ?? DEFAULT_DICE_CE_POSITIVE_WEIGHT);
  const smooth = requireNonNegative(where, 'smooth', options.smooth ?? DEFAULT_DICE_CE_SMOOTH);
  return {
    name: 'diceCrossEntropy',
    describe:
      `Σ_voxels CE (positive weight ${positiveWeight}) + ${diceWeight}·V·(1 − Dice) per image of V voxels ` +
      `(Dice smoothing ${smooth}; nnU-Net's CE + Dice, Isensee et al. 2021).`,
    perImage(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y, z] = requireMatchingPair('diceCrossEntropy.perImage', yTrue, modelOutput);
      return tf.tidy(() => {
        const voxelAxes = Array.from({ length: z.rank - 1 }, (_, i) => i + 1);
        const voxels = z.size / z.shape[0];
        let crossEntropy = binaryCrossEntropyFromLogits(y, z);
        // Weighted CE = (1 + (w − 1)·y)·softplus(z) − w·y·z = CE + (w − 1)·y·softplus(−z).
        if (positiveWeight !== 1) crossEntropy = tf.add(crossEntropy, tf.mul(positiveWeight - 1, tf.mul(y, tf.softplus(tf.neg(z)))));
        const perImageCrossEntropy = voxelAxes.length === 0 ? crossEntropy : tf.sum(crossEntropy, voxelAxes);
        if (diceWeight === 0) return perImageCrossEntropy;
        const diceLoss = tf.sub(1, diceCoefficient(y, tf.sigmoid(z), smooth));
        return tf.add(perImageCrossEntropy, tf.mul(diceWeight * voxels, diceLoss));
      });
    },
  };
}
