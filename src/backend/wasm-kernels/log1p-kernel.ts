/**
 * `Log1p` on `wasm`: tfjs-backend-wasm 4.22 computes log(1 + x) in float32, which loses every digit
 * of x below float32's epsilon (log1p(1e-6) comes out 9.5e-7); a Student-t likelihood with a large ν
 * multiplies that error by (ν + 1)/2. This one is `Math.log1p` on the heap, rounded once to float32,
 * as tfjs-backend-cpu computes it. Non-float32 inputs go to tfjs-backend-wasm's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { heapView, wasmBackendOf } from './wasm-heap.js';

/** Wraps tfjs-backend-wasm's `Log1p`. */
export function wasmLog1p(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== 'float32' && original !== undefined) return original(args);
    const backend = wasmBackendOf(args);
    const output = backend.makeOutput(x.shape.slice(), 'float32');
    // Views after the allocation: a heap that grows detaches earlier views.
    const input = heapView(backend, x, 'Log1p', 'x');
    const result = heapView(backend, output, 'Log1p', 'output');
    for (let i = 0; i < input.length; i++) result[i] = Math.log1p(input[i]);
    return output;
  };
}
