/**
 * Replacement `cpu` kernel functions for the 2D and 3D convolutions and their gradients.
 * Each takes tfjs's original kernel function and calls it for what it does not handle
 * (channels-first data, non-float32 tensors), so behaviour outside the fast path is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvGeometry, geometryFrom2D, geometryFrom3D } from './conv-geometry.js';
import { convBackpropFilter, convBackpropInput, convForward } from './conv.js';
import { applyFusedEpilogue, cpuBackendOf, float32Values, isSupportedActivation, type KernelArgs } from './cpu-backend.js';

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
  const info = tf.backend_util.computeConv2DInfo(inShape as Shape4, filterShape as Shape4, a.strides, dilations, a.pad, a.dimRoundingMode, false, 'channelsLast');
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

/** `Conv2D`: y = conv2d(x, filter) for channels-last float32 data. */
export function fastConv2D(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const { x, filter } = args.inputs;
    const a = conv2DAttributes(args);
    const xValues = float32Values(backend, x);
    const filterValues = float32Values(backend, filter);
    if (x === undefined || filter === undefined || xValues === null || filterValues === null || !isChannelsLast2D(a.dataFormat)) return original(args);
    const g = geometry2D(x.shape, filter.shape, a, a.dilations);
    return backend.makeTensorInfo([g.batchSize, g.outHeight, g.outWidth, g.outChannels], 'float32', convForward(g, xValues, filterValues));
  };
}

/** `FusedConv2D`: conv2d, then bias and activation through tfjs's own kernels (as tfjs-backend-cpu does). */
export function fastFusedConv2D(original: tf.KernelFunc): tf.KernelFunc {
  const conv = fastConv2D(original);
  return (args) => {
    const a = conv2DAttributes(args);
    if (!isChannelsLast2D(a.dataFormat) || !isSupportedActivation(args.attrs?.activation)) return original(args);
    const { x, filter } = args.inputs;
    const backend = cpuBackendOf(args);
    if (float32Values(backend, x) === null || float32Values(backend, filter) === null) return original(args);
    // The conv kernel reads only the convolution attributes; bias and activation are applied after.
    const y = conv({ inputs: { x, filter }, backend: args.backend, attrs: args.attrs }) as tf.TensorInfo;
    return applyFusedEpilogue(args, y);
  };
}

/** `Conv2DBackpropInput`: dx from dy and the filter (gradient of conv2d with respect to its input). */
export function fastConv2DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const { dy, filter } = args.inputs;
    const a = conv2DAttributes(args);
    const dyValues = float32Values(backend, dy);
    const filterValues = float32Values(backend, filter);
    if (filter === undefined || dyValues === null || filterValues === null || !isChannelsLast2D(a.dataFormat)) return original(args);
    const inputShape = args.attrs?.inputShape as number[];
    const g = geometry2D(inputShape, filter.shape, a, 1);
    return backend.makeTensorInfo([...inputShape], 'float32', convBackpropInput(g, dyValues, filterValues));
  };
}

/** `Conv2DBackpropFilter`: dFilter from x and dy (gradient of conv2d with respect to its filter). */
export function fastConv2DBackpropFilter(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const { x, dy } = args.inputs;
    const a = conv2DAttributes(args);
    const xValues = float32Values(backend, x);
    const dyValues = float32Values(backend, dy);
    if (x === undefined || xValues === null || dyValues === null || !isChannelsLast2D(a.dataFormat)) return original(args);
    const filterShape = args.attrs?.filterShape as number[];
    const g = geometry2D(x.shape, filterShape, a, 1);
    return backend.makeTensorInfo([...filterShape], 'float32', convBackpropFilter(g, xValues, dyValues));
  };
}

/** `Conv3D`: y = conv3d(x, filter) for NDHWC float32 data. */
export function fastConv3D(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const { x, filter } = args.inputs;
    const xValues = float32Values(backend, x);
    const filterValues = float32Values(backend, filter);
    if (x === undefined || filter === undefined || xValues === null || filterValues === null || !isChannelsLast3D(args.attrs?.dataFormat)) return original(args);
    const g = geometry3D(args, x.shape, filter.shape, args.attrs?.dilations);
    return backend.makeTensorInfo([g.batchSize, g.outDepth, g.outHeight, g.outWidth, g.outChannels], 'float32', convForward(g, xValues, filterValues));
  };
}

/** `Conv3DBackpropInputV2`: dx from dy and the filter. */
export function fastConv3DBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const { dy, filter } = args.inputs;
    const dyValues = float32Values(backend, dy);
    const filterValues = float32Values(backend, filter);
    if (filter === undefined || dyValues === null || filterValues === null || !isChannelsLast3D(args.attrs?.dataFormat)) return original(args);
    const inputShape = args.attrs?.inputShape as number[];
    const g = geometry3D(args, inputShape, filter.shape, 1);
    return backend.makeTensorInfo([...inputShape], 'float32', convBackpropInput(g, dyValues, filterValues));
  };
}

/** `Conv3DBackpropFilterV2`: dFilter from x and dy. */
export function fastConv3DBackpropFilter(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = cpuBackendOf(args);
    const { x, dy } = args.inputs;
    const xValues = float32Values(backend, x);
    const dyValues = float32Values(backend, dy);
    if (x === undefined || xValues === null || dyValues === null || !isChannelsLast3D(args.attrs?.dataFormat)) return original(args);
    const filterShape = args.attrs?.filterShape as number[];
    const g = geometry3D(args, x.shape, filterShape, 1);
    return backend.makeTensorInfo([...filterShape], 'float32', convBackpropFilter(g, xValues, dyValues));
  };
}
