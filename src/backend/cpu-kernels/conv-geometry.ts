/**
 * One rank-generic description of a channels-last convolution. A 2D convolution is the 3D one
 * with depth 1 (filter depth 1, stride 1, no padding in depth), so every kernel here is written once.
 */
import * as tf from '@tensorflow/tfjs';

/** Sizes, strides, dilations and leading paddings of a channels-last 3D (or 2D as depth-1) convolution. Plain data. */
export interface ConvGeometry {
  readonly batchSize: number;
  readonly inDepth: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outDepth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterDepth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideDepth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationDepth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  /** Zero rows added before the first input plane, row and column (the trailing ones follow from the sizes). */
  readonly padFront: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** Geometry of a 2D convolution from tfjs's own shape computation (so 'same', 'valid', explicit pads and rounding agree). */
export function geometryFrom2D(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batchSize: info.batchSize,
    inDepth: 1,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outDepth: 1,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterDepth: 1,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideDepth: 1,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationDepth: 1,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padFront: 0,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Geometry of a 3D convolution from tfjs's own shape computation. */
export function geometryFrom3D(info: tf.backend_util.Conv3DInfo): ConvGeometry {
  return {
    batchSize: info.batchSize,
    inDepth: info.inDepth,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outDepth: info.outDepth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterDepth: info.filterDepth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideDepth: info.strideDepth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationDepth: info.dilationDepth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padFront: info.padInfo.front,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Number of output positions over the whole batch: rows of the im2col matrix. */
export function outputPositions(g: ConvGeometry): number {
  return g.batchSize * g.outDepth * g.outHeight * g.outWidth;
}

/** Length of one receptive field (filterDepth·filterHeight·filterWidth·inChannels): columns of the im2col matrix. */
export function patchSize(g: ConvGeometry): number {
  return g.filterDepth * g.filterHeight * g.filterWidth * g.inChannels;
}

/** True when the im2col matrix is the input itself (1×1×1 filter, unit strides, no padding). */
export function isPointwise(g: ConvGeometry): boolean {
  return (
    g.filterDepth === 1 &&
    g.filterHeight === 1 &&
    g.filterWidth === 1 &&
    g.strideDepth === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.padFront === 0 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outDepth === g.inDepth &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth
  );
}
