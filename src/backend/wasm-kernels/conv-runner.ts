/**
 * Runs one channels-last convolution (forward, input gradient or filter gradient) on the wasm heap:
 * through the compiled SIMD128 kernels when they are instantiated (in place, no copies), else through
 * tfjs-bnn's pure-JS im2col + gemm kernels on Float32Array views of the heap (one copy of the output).
 */
import type * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError } from '../../errors.js';
import { type ConvGeometry, patchSize } from '../cpu-kernels/conv-geometry.js';
import { convBackpropFilter, convBackpropInput, convForward } from '../cpu-kernels/conv.js';
import type { ConvKernelExports } from './simd-module.js';
import { heapMemory, heapOffset, heapView, type WasmBackendLike } from './wasm-heap.js';

/** Which product: y = conv(x, w); dx from (dy, w); dw from (x, dy). */
export type ConvOperation = 'forward' | 'backpropInput' | 'backpropFilter';

/** Upper bound on the float32 entries of one im2col chunk in the compiled kernels (1 MiB: fits a 2-core machine's L2 well). */
const WASM_CONV_CHUNK_ELEMENTS = 1 << 18;

/** Number of int32 values in the geometry block conv-kernels.c reads (its enum G_LENGTH). */
const GEOMETRY_LENGTH = 22;

let compiled: ConvKernelExports | null = null;

/** Uses `kernels` for every later convolution (`null`: the pure-JS path). */
export function useCompiledConvKernels(kernels: ConvKernelExports | null): void {
  if (kernels !== null && kernels.geometry_length() !== GEOMETRY_LENGTH)
    throw new BackendUnavailableError(
      `conv-kernels.wasm expects ${kernels.geometry_length()} geometry values; this loader writes ${GEOMETRY_LENGTH}: rebuild it (scripts/build-wasm-kernels.mjs)`,
    );
  compiled = kernels;
}

/** True when the compiled SIMD128 kernels run the convolutions. */
export function compiledConvKernelsInUse(): boolean {
  return compiled !== null;
}

function chunkRows(g: ConvGeometry): number {
  const rows = Math.floor(WASM_CONV_CHUNK_ELEMENTS / Math.max(1, patchSize(g)));
  return Math.max(4, rows - (rows % 4));
}

function geometryValues(g: ConvGeometry): number[] {
  return [
    g.batchSize,
    g.inDepth,
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.outDepth,
    g.outHeight,
    g.outWidth,
    g.outChannels,
    g.filterDepth,
    g.filterHeight,
    g.filterWidth,
    g.strideDepth,
    g.strideHeight,
    g.strideWidth,
    g.dilationDepth,
    g.dilationHeight,
    g.dilationWidth,
    g.padFront,
    g.padTop,
    g.padLeft,
    chunkRows(g),
  ];
}

/**
 * Runs `operation` with inputs `a`, `b` (forward: x, filter; backpropInput: dy, filter; backpropFilter: x, dy)
 * and returns a new float32 tensor of `outShape` owned by the caller (tfjs's engine).
 */
export function runConv(
  backend: WasmBackendLike,
  operation: ConvOperation,
  g: ConvGeometry,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  outShape: number[],
  where: string,
): tf.TensorInfo {
  const [aName, bName] = operation === 'forward' ? ['x', 'filter'] : operation === 'backpropInput' ? ['dy', 'filter'] : ['x', 'dy'];
  if (compiled === null) {
    const aValues = heapView(backend, a, where, aName);
    const bValues = heapView(backend, b, where, bName);
    const values =
      operation === 'forward'
        ? convForward(g, aValues, bValues)
        : operation === 'backpropInput'
          ? convBackpropInput(g, aValues, bValues)
          : convBackpropFilter(g, aValues, bValues);
    return backend.makeOutput(outShape, 'float32', undefined, values);
  }
  const aOffset = heapOffset(backend, a, where, aName);
  const bOffset = heapOffset(backend, b, where, bName);
  const out = backend.makeOutput(outShape, 'float32');
  const outOffset = heapOffset(backend, out, where, 'output');
  const geometry = backend.wasm._malloc(GEOMETRY_LENGTH * 4);
  let scratch = 0;
  try {
    const memory = heapMemory(backend);
    if (memory === null) throw new BackendUnavailableError(`${where}: the wasm backend does not expose its heap.`);
    new Int32Array(memory.buffer, geometry, GEOMETRY_LENGTH).set(geometryValues(g));
    scratch = backend.wasm._malloc(compiled.conv_scratch_floats(geometry) * 4);
    if (operation === 'forward') compiled.conv_forward(geometry, aOffset, bOffset, outOffset, scratch);
    else if (operation === 'backpropInput') compiled.conv_backprop_input(geometry, aOffset, bOffset, outOffset, scratch);
    else compiled.conv_backprop_filter(geometry, aOffset, bOffset, outOffset, scratch);
  } finally {
    if (scratch !== 0) backend.wasm._free(scratch);
    backend.wasm._free(geometry);
  }
  return out;
}
