/**
 * `UnsortedSegmentSum` on `wasm`, which tfjs-backend-wasm 4.22 lacks: it is the gradient of `gather`
 * (an embedding lookup), so without it an embedding cannot train on wasm. out[s, …] = Σ over i with
 * segmentIds[i] = s of x[i, …]; ids outside [0, numSegments) are dropped, as tfjs-backend-cpu does.
 * Reads and writes the heap through typed views, no JavaScript arrays.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, DtypeError } from '../../errors.js';
import { heapMemory, heapOffset, wasmBackendOf } from './wasm-heap.js';

/** The kernel function (float32 data, int32 segment ids). */
export function wasmUnsortedSegmentSum(): tf.KernelFunc {
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const backend = wasmBackendOf(args);
    if (segmentIds.dtype !== 'int32') throw new DtypeError('UnsortedSegmentSum', 'segmentIds', segmentIds.dtype, 'int32');
    const numSegments = args.attrs?.numSegments as number;
    const count = tf.util.sizeFromShape(segmentIds.shape);
    const inner = count === 0 ? 0 : tf.util.sizeFromShape(x.shape) / count;
    const output = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32');
    const memory = heapMemory(backend);
    if (memory === null) throw new BackendUnavailableError('UnsortedSegmentSum: the wasm backend does not expose its heap.');
    const idsOffset = backend.dataIdMap.get(segmentIds.dataId)?.memoryOffset;
    if (idsOffset === null || idsOffset === undefined)
      throw new DtypeError('UnsortedSegmentSum', 'segmentIds', segmentIds.dtype, 'an int32 tensor stored in the wasm heap');
    const ids = new Int32Array(memory.buffer, idsOffset, count);
    const values = new Float32Array(memory.buffer, heapOffset(backend, x, 'UnsortedSegmentSum', 'x'), count * inner);
    const sums = new Float32Array(memory.buffer, heapOffset(backend, output, 'UnsortedSegmentSum', 'output'), numSegments * inner);
    sums.fill(0);
    for (let i = 0; i < count; i++) {
      const segment = ids[i];
      if (segment < 0 || segment >= numSegments) continue;
      for (let j = 0, from = i * inner, to = segment * inner; j < inner; j++) sums[to + j] += values[from + j];
    }
    return output;
  };
}
