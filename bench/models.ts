/**
 * The networks of the bench, each as a variational model (one estimator for every layer) or the
 * same architecture from plain tf.layers ('deterministic'). The Python peer
 * (`bench/python/peer_bench.py`) builds the same shapes in PyTorch + bayesian-torch.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dVariational, denseVariational, type Estimator } from '../layers/index.js';
import { bayesianUNet } from '../layers/unet.js';

/** An estimator of the variational layers, or the plain tf.layers baseline. */
export type ModelKind = Estimator | 'deterministic';

/** Units of the MLP 784-400-400-10 (ReLU hidden layers, linear logits). */
export const MLP_UNITS: readonly number[] = [400, 400, 10];
/** Input features of the MLP (a flattened 28×28 image). */
export const MLP_INPUT_FEATURES = 784;
/** Filters of the conv net 1→16→32→16→1 (3×3 'same', ReLU, linear logits), channels last. */
export const CONV_FILTERS: readonly number[] = [16, 32, 16, 1];
/** Pooling steps of the bench's 3D U-Net. */
export const UNET_DEPTH = 2;
/** Filters at the first level of the bench's 3D U-Net (×2 per level below). */
export const UNET_BASE_FILTERS = 4;

/** MLP 784-400-400-10 of the given kind. The caller owns (and disposes) the model. */
export function mlp(kind: ModelKind): tf.Sequential {
  return tf.sequential({
    layers: MLP_UNITS.map((units, i) => {
      const common = {
        units,
        activation: i < MLP_UNITS.length - 1 ? ('relu' as const) : ('linear' as const),
        ...(i === 0 ? { inputShape: [MLP_INPUT_FEATURES] } : {}),
      };
      return kind === 'deterministic' ? tf.layers.dense(common) : denseVariational({ ...common, estimator: kind });
    }),
  });
}

/** Conv net 1→16→32→16→1 on `[size, size, 1]` images (default 64). The caller owns the model. */
export function convNet(kind: ModelKind, size = 64): tf.Sequential {
  return tf.sequential({
    layers: CONV_FILTERS.map((filters, i) => {
      const common = {
        filters,
        kernelSize: 3,
        padding: 'same' as const,
        activation: i < CONV_FILTERS.length - 1 ? ('relu' as const) : ('linear' as const),
        ...(i === 0 ? { inputShape: [size, size, 1] } : {}),
      };
      return kind === 'deterministic' ? tf.layers.conv2d(common) : conv2dVariational({ ...common, estimator: kind });
    }),
  });
}

/**
 * The bench's small Bayesian 3D U-Net on `[size, size, size, 1]` volumes: `bayesianUNet` with depth 2,
 * 4 base filters and nearest-neighbour upsampling (the peer's U-Net upsamples the same way).
 * 14 variational convs; the caller owns the model.
 */
export function unet3d(estimator: Estimator, size = 64): tf.LayersModel {
  return bayesianUNet({
    rank: 3,
    inputShape: [size, size, size, 1],
    depth: UNET_DEPTH,
    baseFilters: UNET_BASE_FILTERS,
    estimator,
    upsampling: 'upsample',
  });
}

/**
 * Multiply-adds × 2 of one forward pass of a 3×3 'same' conv stack over `voxels` positions with the
 * given channel sequence (for GFLOP/s figures; bias and activations left out).
 */
export function convForwardFlops(voxels: number, kernelVolume: number, channels: readonly number[]): number {
  let flops = 0;
  for (let i = 1; i < channels.length; i++) flops += 2 * voxels * kernelVolume * channels[i - 1] * channels[i];
  return flops;
}

/** Forward FLOPs of the MLP for `batch` examples. */
export function mlpForwardFlops(batch: number): number {
  const widths = [MLP_INPUT_FEATURES, ...MLP_UNITS];
  let flops = 0;
  for (let i = 1; i < widths.length; i++) flops += 2 * batch * widths[i - 1] * widths[i];
  return flops;
}

/** Forward FLOPs of the conv net for `batch` images of `size`². */
export function convNetForwardFlops(batch: number, size = 64): number {
  return convForwardFlops(batch * size * size, 9, [1, ...CONV_FILTERS]);
}

/** Forward FLOPs of the bench's U-Net (convs only) on one `size`³ volume. */
export function unetForwardFlops(size: number): number {
  const f = UNET_BASE_FILTERS;
  const level = (l: number) => (size / 2 ** l) ** 3;
  let flops = 0;
  // Encoder levels and bottleneck: two convs each.
  flops += convForwardFlops(level(0), 27, [1, f, f]);
  flops += convForwardFlops(level(1), 27, [f, 2 * f, 2 * f]);
  flops += convForwardFlops(level(2), 27, [2 * f, 4 * f, 4 * f]);
  // Decoder level 1: up-conv 4f→2f, then block on the 4f concatenation.
  flops += convForwardFlops(level(1), 27, [4 * f, 2 * f]) + convForwardFlops(level(1), 27, [4 * f, 2 * f, 2 * f]);
  // Decoder level 0: up-conv 2f→f, then block on the 2f concatenation; 1×1×1 head.
  flops += convForwardFlops(level(0), 27, [2 * f, f]) + convForwardFlops(level(0), 27, [2 * f, f, f]);
  flops += convForwardFlops(level(0), 1, [f, 1]);
  return flops;
}
