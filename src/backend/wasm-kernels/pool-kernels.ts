/**
 * Max pooling kernels for `wasm` where tfjs-backend-wasm 4.22 is wrong: `MaxPool3D` and
 * `MaxPool3DGrad` on 'same' padding with odd sizes (e.g. x [1, 5, 7, 3, 2], 2×2×2, stride 2: forward
 * error 0.52, gradient sent to the wrong voxel) and `MaxPoolGrad` likewise in 2D. Pure JS on
 * Float32Array views of the heap (pooling moves little data: one copy of the output).
 * The gradient goes to the first maximum of each window in (depth, row, column) order, as
 * tfjs-backend-cpu's 2D kernel does; a window of only NaN or −∞ passes nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { heapView, wasmBackendOf } from './wasm-heap.js';

/** A channels-last 3D pooling window geometry (2D pooling is depth 1). Plain data. */
interface PoolGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly inShape: readonly [number, number, number];
  readonly outShape: readonly [number, number, number];
  readonly filter: readonly [number, number, number];
  readonly strides: readonly [number, number, number];
  readonly pads: readonly [number, number, number];
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function attr<T>(args: KernelArgs, name: string): T {
  return (args.attrs ?? {})[name] as T;
}

function geometry3D(args: KernelArgs, shape: number[]): PoolGeometry {
  const i = tf.backend_util.computePool3DInfo(
    shape as [number, number, number, number, number],
    attr<number | [number, number, number]>(args, 'filterSize'),
    attr<number | [number, number, number]>(args, 'strides'),
    1,
    attr<'same' | 'valid' | number>(args, 'pad'),
    attr<'floor' | 'round' | 'ceil' | undefined>(args, 'dimRoundingMode'),
  );
  return {
    batch: i.batchSize,
    channels: i.inChannels,
    inShape: [i.inDepth, i.inHeight, i.inWidth],
    outShape: [i.outDepth, i.outHeight, i.outWidth],
    filter: [i.filterDepth, i.filterHeight, i.filterWidth],
    strides: [i.strideDepth, i.strideHeight, i.strideWidth],
    pads: [i.padInfo.front, i.padInfo.top, i.padInfo.left],
  };
}

function geometry2D(args: KernelArgs, shape: number[]): PoolGeometry {
  const i = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    attr<number | [number, number]>(args, 'filterSize'),
    attr<number | [number, number]>(args, 'strides'),
    1,
    attr<'same' | 'valid' | number>(args, 'pad'),
    attr<'floor' | 'round' | 'ceil' | undefined>(args, 'dimRoundingMode'),
  );
  return {
    batch: i.batchSize,
    channels: i.inChannels,
    inShape: [1, i.inHeight, i.inWidth],
    outShape: [1, i.outHeight, i.outWidth],
    filter: [1, i.filterHeight, i.filterWidth],
    strides: [1, i.strideHeight, i.strideWidth],
    pads: [0, i.padInfo.top, i.padInfo.left],
  };
}

/** For every output element, the flat input index of its window's first maximum (−1: none). */
function argmaxIndices(g: PoolGeometry, x: Float32Array): Int32Array {
  const [inD, inH, inW] = g.inShape;
  const [outD, outH, outW] = g.outShape;
  const c = g.channels;
  const out = new Int32Array(g.batch * outD * outH * outW * c);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let od = 0; od < outD; od++) {
      const d0 = od * g.strides[0] - g.pads[0];
      const dStart = Math.max(0, d0);
      const dEnd = Math.min(inD, d0 + g.filter[0]);
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * g.strides[1] - g.pads[1];
        const hStart = Math.max(0, h0);
        const hEnd = Math.min(inH, h0 + g.filter[1]);
        for (let ow = 0; ow < outW; ow++) {
          const w0 = ow * g.strides[2] - g.pads[2];
          const wStart = Math.max(0, w0);
          const wEnd = Math.min(inW, w0 + g.filter[2]);
          for (let ch = 0; ch < c; ch++, o++) {
            let best = Number.NEGATIVE_INFINITY;
            let index = -1;
            for (let d = dStart; d < dEnd; d++) {
              for (let h = hStart; h < hEnd; h++) {
                let at = (((b * inD + d) * inH + h) * inW + wStart) * c + ch;
                for (let w = wStart; w < wEnd; w++, at += c) {
                  if (x[at] > best) {
                    best = x[at];
                    index = at;
                  }
                }
              }
            }
            out[o] = index;
          }
        }
      }
    }
  }
  return out;
}

/** `MaxPool3D`: y = the maximum of each window (−∞ for a window entirely in the padding). */
export function wasmMaxPool3D(): tf.KernelFunc {
  return (args) => {
    const backend = wasmBackendOf(args);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const g = geometry3D(args, x.shape);
    const xValues = heapView(backend, x, 'MaxPool3D', 'x');
    const indices = argmaxIndices(g, xValues);
    const y = new Float32Array(indices.length);
    for (let o = 0; o < indices.length; o++) y[o] = indices[o] >= 0 ? xValues[indices[o]] : Number.NEGATIVE_INFINITY;
    return backend.makeOutput([g.batch, ...g.outShape, g.channels], 'float32', undefined, y);
  };
}

/** `MaxPoolGrad` / `MaxPool3DGrad`: dx routes each dy value to its window's first maximum. */
export function wasmMaxPoolGrad(rank: 2 | 3): tf.KernelFunc {
  const name = rank === 2 ? 'MaxPoolGrad' : 'MaxPool3DGrad';
  return (args) => {
    const backend = wasmBackendOf(args);
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const g = rank === 2 ? geometry2D(args, input.shape) : geometry3D(args, input.shape);
    const indices = argmaxIndices(g, heapView(backend, input, name, 'input'));
    const dyValues = heapView(backend, dy, name, 'dy');
    const dx = new Float32Array(tf.util.sizeFromShape(input.shape));
    for (let o = 0; o < indices.length; o++) if (indices[o] >= 0) dx[indices[o]] += dyValues[o];
    return backend.makeOutput(input.shape.slice(), 'float32', undefined, dx);
  };
}
