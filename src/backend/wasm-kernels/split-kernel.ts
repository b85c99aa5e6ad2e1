/**
 * `SplitV` on `wasm` (the gradient of every concatenation, e.g. a U-Net's skip connections).
 * tfjs-backend-wasm 4.22's took 3.7 s of a 5.3 s 3D U-Net training step ([1, 64, 64, 64, C], 8 calls,
 * profiled under load). Each piece is `outer` contiguous runs of `size · inner` values, with
 * outer = Π shape[:axis] and inner = Π shape[axis+1:]: the pieces are allocated in the heap and the runs
 * copied inside it (TypedArray.set on views of the same buffer), no JavaScript arrays.
 * Non-float32 tensors go to tfjs-backend-wasm's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError } from '../../errors.js';
import { heapOffset, heapMemory, wasmBackendOf } from './wasm-heap.js';

/** Runs shorter than this many values are copied element by element. */
const SHORT_RUN = 64;

/** Piece sizes as tfjs's `prepareSplitSize`: n equal pieces, or the sizes given with one −1 inferred. */
function splitSizes(length: number, numOrSizeSplits: number | number[]): number[] {
  if (typeof numOrSizeSplits === 'number') return new Array<number>(numOrSizeSplits).fill(length / numOrSizeSplits);
  const known = numOrSizeSplits.reduce((sum, size) => (size === -1 ? sum : sum + size), 0);
  return numOrSizeSplits.map((size) => (size === -1 ? length - known : size));
}

/** Wraps tfjs-backend-wasm's `SplitV`: float32 tensors are split by contiguous copies inside the heap. */
export function wasmSplitV(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const backend = wasmBackendOf(args);
    if (x.dtype !== 'float32' && original !== undefined) return original(args);
    const attrs = args.attrs ?? {};
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = splitSizes(x.shape[axis], attrs.numOrSizeSplits as number | number[]);
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const pieces = sizes.map((size) => {
      const shape = x.shape.slice();
      shape[axis] = size;
      return backend.makeOutput(shape, 'float32');
    });
    // Views after every allocation: a heap that grows detaches earlier views.
    const memory = heapMemory(backend);
    if (memory === null) throw new BackendUnavailableError('SplitV: the wasm backend does not expose its heap.');
    const buffer = memory.buffer;
    const source = new Float32Array(buffer, heapOffset(backend, x, 'SplitV', 'x'), tf.util.sizeFromShape(x.shape));
    const rowLength = x.shape[axis] * inner;
    let offset = 0;
    pieces.forEach((piece, i) => {
      const run = sizes[i] * inner;
      const target = new Float32Array(buffer, heapOffset(backend, piece, 'SplitV', 'output'), outer * run);
      // Short runs (a channel split of a channels-last volume: a few values per voxel) copy faster element by element than through subarray views.
      if (run >= SHORT_RUN) {
        for (let o = 0; o < outer; o++) target.set(source.subarray(o * rowLength + offset, o * rowLength + offset + run), o * run);
      } else {
        for (let o = 0, from = offset, to = 0; o < outer; o++, from += rowLength)
          for (let c = 0; c < run; c++) target[to++] = source[from + c];
      }
      offset += run;
    });
    return pieces;
  };
}
