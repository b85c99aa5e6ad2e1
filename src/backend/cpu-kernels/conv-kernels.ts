/**
 * Replacement `cpu` kernel functions for the 2D and 3D convolutions and their gradients.
 * Each takes tfjs's original kernel function and calls it for what it does not handle
 * (channels-first data, non-float32 tensors), so behaviour outside the fast path is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvGeometry, geometryFrom2D, geometryFrom3D } from './conv-geometry.js';
import { convBackpropFilter, convBackpropInput, convForward } from './conv.js';
import {
  applyFusedEpilogue,
  fastKernel,
  isSupportedActivation,
  type Float32Input,
  type KernelArgs,
  type KernelOutput,
} from './cpu-backend.js';

type Shape4 = [number, number, number, number];
type Shape5 = [number, number, number, number, number];
type Pad2D = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Pad3D = 'same' | 'valid' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** The attributes a 2D convolution kernel receives, as tfjs-core passes them. */
interface Conv2DAttributes {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: Pad2D;
  dimRoundingMode: Rounding;
  dataFormat: string | undefined;
}

function conv2DAttributes(args: KernelArgs): Conv2DAttributes {
  const attrs = args.attrs ?? {};
  return {
    strides: attrs.strides as number | [number, number],
    dilations: (attrs.dilations ?? 1) as number | [number, number],
    pad: attrs.pad as Pad2D,
    dimRoundingMode: attrs.dimRoundingMode as Rounding,
    dataFormat: attrs.dataFormat as string | undefined,
  };
}

function isChannelsLast2D(dataFormat: string | undefined): boolean {
  return dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'channelsLast';
}

function isChannelsLast3D(dataFormat: unknown): boolean {
  return dataFormat === undefined || dataFormat === 'NDHWC' || dataFormat === 'channelsLast';
}

function geometry2D(inShape: number[], filterShape: number[], a: Conv2DAttributes, dilations: number | [number, number]): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inShape as Shape4,
    filterShape as Shape4,
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  return geometryFrom2D(info);
}

function geometry3D(args: KernelArgs, inShape: number[], filterShape: number[], dilations: unknown): ConvGeometry {
  const attrs = args.attrs ?? {};
  const info = tf.backend_util.computeConv3DInfo(
    inShape as Shape5,
    filterShape as Shape5,
    attrs.strides as number | [number, number, number],
    (dilations ?? 1) as number | [number, number, number],
    attrs.pad as Pad3D,
  );
  return geometryFrom3D(info);
}

const channelsLast2D = (args: KernelArgs): boolean => isChannelsLast2D(conv2DAttributes(args).dataFormat);
const channelsLast3D = (args: KernelArgs): boolean => isChannelsLast3D(args.attrs?.dataFormat);

/** The 2D convolution itself; `FusedConv2D` reads the same convolution attributes, bias and activation come after. */
function conv2DForward(args: KernelArgs, x: Float32Input, filter: Float32Input): KernelOutput {
  const a = conv2DAttributes(args);
  const g = geometry2D(x.info.shape, filter.info.shape, a, a.dilations);
  return { shape: [g.batchSize, g.outHeight, g.outWidth, g.outChannels], values: convForward(g, x.values, filter.values) };
}

/** `Conv2D`: y = conv2d(x, filter) for channels-last float32 data. */
export function fastConv2D(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['x', 'filter'], channelsLast2D, conv2DForward);
}

/** `FusedConv2D`: conv2d, then bias and activation through tfjs's own kernels (as tfjs-backend-cpu does). */
export function fastFusedConv2D(original: tf.KernelFunc): tf.KernelFunc {
  const accepts = (args: KernelArgs): boolean => channelsLast2D(args) && isSupportedActivation(args.attrs?.activation);
  return fastKernel(original, ['x', 'filter'], accepts, conv2DForward, applyFusedEpilogue);
}

/** `Conv2DBackpropInput`: dx from dy and the filter (gradient of conv2d with respect to its input). */
export function fastConv2DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['dy', 'filter'], channelsLast2D, (args, dy, filter) => {
    const inputShape = args.attrs?.inputShape as number[];
    const g = geometry2D(inputShape, filter.info.shape, conv2DAttributes(args), 1);
    return { shape: [...inputShape], values: convBackpropInput(g, dy.values, filter.values) };
  });
}

/** `Conv2DBackpropFilter`: dFilter from x and dy (gradient of conv2d with respect to its filter). */
export function fastConv2DBackpropFilter(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['x', 'dy'], channelsLast2D, (args, x, dy) => {
    const filterShape = args.attrs?.filterShape as number[];
    const g = geometry2D(x.info.shape, filterShape, conv2DAttributes(args), 1);
    return { shape: [...filterShape], values: convBackpropFilter(g, x.values, dy.values) };
  });
}

/** `Conv3D`: y = conv3d(x, filter) for NDHWC float32 data. */
export function fastConv3D(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['x', 'filter'], channelsLast3D, (args, x, filter) => {
    const g = geometry3D(args, x.info.shape, filter.info.shape, args.attrs?.dilations);
    return { shape: [g.batchSize, g.outDepth, g.outHeight, g.outWidth, g.outChannels], values: convForward(g, x.values, filter.values) };
  });
}

/** `Conv3DBackpropInputV2`: dx from dy and the filter. */
export function fastConv3DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['dy', 'filter'], channelsLast3D, (args, dy, filter) => {
    const inputShape = args.attrs?.inputShape as number[];
    const g = geometry3D(args, inputShape, filter.info.shape, 1);
    return { shape: [...inputShape], values: convBackpropInput(g, dy.values, filter.values) };
  });
}

/** `Conv3DBackpropFilterV2`: dFilter from x and dy. */
export function fastConv3DBackpropFilter(original: tf.KernelFunc): tf.KernelFunc {
  return fastKernel(original, ['x', 'dy'], channelsLast3D, (args, x, dy) => {
    const filterShape = args.attrs?.filterShape as number[];
    const g = geometry3D(args, x.info.shape, filterShape, 1);
    return { shape: [...filterShape], values: convBackpropFilter(g, x.values, dy.values) };
  });
}
