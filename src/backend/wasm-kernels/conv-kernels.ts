/**
 * tfjs-bnn's `wasm` kernels for channels-last convolutions: `Conv2DBackpropFilter` (which
 * tfjs-backend-wasm 4.22 lacks, so no conv net could train on wasm); `Conv2D` and `FusedConv2D`,
 * whose XNNPACK versions in tfjs-backend-wasm 4.22 return wrong values for some strided 'same'
 * convolutions (e.g. x [2, 8, 5, 2], filter [1, 3, 2, 8], stride 2: max error ≈ 1.8 against cpu);
 * and `Conv2DBackpropInput` (= conv2dTranspose), `Conv3D`, `Conv3DBackpropInputV2`
 * (= conv3dTranspose) and `Conv3DBackpropFilterV2`, whose tfjs-backend-wasm versions are direct loops.
 * Each factory takes tfjs's original kernel function (or `undefined` when there is none) and calls
 * it for what it does not handle (channels-first data, dilated 2D input gradients).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../errors.js';
import { type ConvGeometry, geometryFrom2D, geometryFrom3D } from '../cpu-kernels/conv-geometry.js';
import { runConv } from './conv-runner.js';
import { applyWasmEpilogue, isSupportedWasmActivation } from './fused-epilogue.js';
import { wasmBackendOf } from './wasm-heap.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Shape4 = [number, number, number, number];
type Shape5 = [number, number, number, number, number];

function attr<T>(args: KernelArgs, name: string): T {
  return (args.attrs ?? {})[name] as T;
}

function isChannelsLast(dataFormat: unknown): boolean {
  return dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'NDHWC' || dataFormat === 'channelsLast';
}

function geometry2D(args: KernelArgs, inShape: number[], filterShape: number[], dilations: number | [number, number]): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inShape as Shape4,
    filterShape as Shape4,
    attr<number | [number, number]>(args, 'strides'),
    dilations,
    attr<'same' | 'valid' | number | tf.backend_util.ExplicitPadding>(args, 'pad'),
    attr<'floor' | 'round' | 'ceil' | undefined>(args, 'dimRoundingMode'),
    false,
    'channelsLast',
  );
  return geometryFrom2D(info);
}

function geometry3D(
  args: KernelArgs,
  inShape: number[],
  filterShape: number[],
  dilations: number | [number, number, number],
): ConvGeometry {
  const info = tf.backend_util.computeConv3DInfo(
    inShape as Shape5,
    filterShape as Shape5,
    attr<number | [number, number, number]>(args, 'strides'),
    dilations,
    attr<'same' | 'valid' | number>(args, 'pad'),
  );
  return geometryFrom3D(info);
}

/** Calls `original`, or throws `InvalidArgumentError` naming the kernel when tfjs-backend-wasm has none. */
function fallback(kernelName: string, original: tf.KernelFunc | undefined, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  if (original !== undefined) return original(args);
  throw new InvalidArgumentError(
    kernelName,
    'dataFormat',
    attr<unknown>(args, 'dataFormat'),
    "'NHWC' (the wasm backend's convolutions are channels-last)",
  );
}

/** `Conv2D`: y = conv2d(x, filter) for NHWC data (dilations included). */
export function wasmConv2D(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    if (!isChannelsLast(attr<unknown>(args, 'dataFormat'))) return fallback('Conv2D', original, args);
    const g = geometry2D(args, x.shape, filter.shape, attr<number | [number, number] | undefined>(args, 'dilations') ?? 1);
    return runConv(wasmBackendOf(args), 'forward', g, x, filter, [g.batchSize, g.outHeight, g.outWidth, g.outChannels], 'Conv2D');
  };
}

/** `FusedConv2D`: conv2d, then bias and activation through tfjs-backend-wasm's own kernels. */
export function wasmFusedConv2D(original: tf.KernelFunc | undefined): tf.KernelFunc {
  const conv = wasmConv2D(undefined);
  return (args) => {
    if (!isChannelsLast(attr<unknown>(args, 'dataFormat')) || !isSupportedWasmActivation(attr<unknown>(args, 'activation')))
      return fallback('FusedConv2D', original, args);
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const y = conv({ inputs: { x, filter }, backend: args.backend, attrs: args.attrs }) as tf.TensorInfo;
    return applyWasmEpilogue(args, wasmBackendOf(args), y);
  };
}

/** `Conv2DBackpropFilter`: dFilter from x and dy (gradient of conv2d with respect to its filter). */
export function wasmConv2DBackpropFilter(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    if (!isChannelsLast(attr<unknown>(args, 'dataFormat'))) return fallback('Conv2DBackpropFilter', original, args);
    const filterShape = attr<number[]>(args, 'filterShape');
    const g = geometry2D(args, x.shape, filterShape, 1);
    return runConv(wasmBackendOf(args), 'backpropFilter', g, x, dy, [...filterShape], 'Conv2DBackpropFilter');
  };
}

/** `Conv2DBackpropInput` (also `conv2dTranspose`): dx from dy and the filter. */
export function wasmConv2DBackpropInput(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    if (!isChannelsLast(attr<unknown>(args, 'dataFormat'))) return fallback('Conv2DBackpropInput', original, args);
    const inputShape = attr<number[]>(args, 'inputShape');
    const g = geometry2D(args, inputShape, filter.shape, 1);
    return runConv(wasmBackendOf(args), 'backpropInput', g, dy, filter, [...inputShape], 'Conv2DBackpropInput');
  };
}

/** `Conv3D`: y = conv3d(x, filter) for NDHWC data. */
export function wasmConv3D(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    if (!isChannelsLast(attr<unknown>(args, 'dataFormat'))) return fallback('Conv3D', original, args);
    const g = geometry3D(args, x.shape, filter.shape, attr<number | [number, number, number] | undefined>(args, 'dilations') ?? 1);
    return runConv(
      wasmBackendOf(args),
      'forward',
      g,
      x,
      filter,
      [g.batchSize, g.outDepth, g.outHeight, g.outWidth, g.outChannels],
      'Conv3D',
    );
  };
}

/** `Conv3DBackpropInputV2` (also `conv3dTranspose`): dx from dy and the filter. */
export function wasmConv3DBackpropInput(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    if (!isChannelsLast(attr<unknown>(args, 'dataFormat'))) return fallback('Conv3DBackpropInputV2', original, args);
    const inputShape = attr<number[]>(args, 'inputShape');
    const g = geometry3D(args, inputShape, filter.shape, 1);
    return runConv(wasmBackendOf(args), 'backpropInput', g, dy, filter, [...inputShape], 'Conv3DBackpropInputV2');
  };
}

/** `Conv3DBackpropFilterV2`: dFilter from x and dy. */
export function wasmConv3DBackpropFilter(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    if (!isChannelsLast(attr<unknown>(args, 'dataFormat'))) return fallback('Conv3DBackpropFilterV2', original, args);
    const filterShape = attr<number[]>(args, 'filterShape');
    const g = geometry3D(args, x.shape, filterShape, 1);
    return runConv(wasmBackendOf(args), 'backpropFilter', g, x, dy, [...filterShape], 'Conv3DBackpropFilterV2');
  };
}
