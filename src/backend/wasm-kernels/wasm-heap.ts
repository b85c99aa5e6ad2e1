/**
 * The small part of tfjs-backend-wasm's `BackendWasm` that tfjs-bnn's wasm kernels use, typed:
 * the heap (its WasmMemory), malloc/free, where a tensor lives, and how an output is made.
 */
import * as tf from '@tensorflow/tfjs';
import { DtypeError } from '../../errors.js';
import type { WasmMemory } from './webassembly-api.js';

/** The Emscripten module inside `BackendWasm` (non-threaded builds export `asm.memory`, threaded ones `wasmMemory`). */
interface EmscriptenModuleLike {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  readonly asm?: { readonly memory?: WasmMemory };
  readonly wasmMemory?: WasmMemory;
}

/** What a kernel function may call on the `wasm` backend it receives. */
export interface WasmBackendLike {
  readonly wasm: EmscriptenModuleLike;
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The `wasm` backend passed to a kernel function. */
export function wasmBackendOf(args: Parameters<tf.KernelFunc>[0]): WasmBackendLike {
  return args.backend as unknown as WasmBackendLike;
}

/** tfjs-backend-wasm's heap, or `null` if this build does not expose it. */
export function heapMemory(backend: WasmBackendLike): WasmMemory | null {
  return backend.wasm.asm?.memory ?? backend.wasm.wasmMemory ?? null;
}

/** Byte offset of a float32 tensor's data in the heap. Throws `DtypeError` for other dtypes. */
export function heapOffset(backend: WasmBackendLike, info: tf.TensorInfo, where: string, argument: string): number {
  if (info.dtype !== 'float32') throw new DtypeError(where, argument, info.dtype, 'float32');
  const offset = backend.dataIdMap.get(info.dataId)?.memoryOffset;
  if (offset === null || offset === undefined)
    throw new DtypeError(where, argument, info.dtype, 'a float32 tensor stored in the wasm heap');
  return offset;
}

/**
 * A Float32Array view of a tensor's data in the heap (no copy). Make it after the last allocation of the
 * kernel: a heap that grows detaches earlier views.
 */
export function heapView(backend: WasmBackendLike, info: tf.TensorInfo, where: string, argument: string): Float32Array {
  const memory = heapMemory(backend);
  const buffer = memory !== null ? memory.buffer : null;
  if (buffer === null) throw new DtypeError(where, argument, info.dtype, 'a tensor of a wasm backend that exposes its heap');
  return new Float32Array(buffer, heapOffset(backend, info, where, argument), tf.util.sizeFromShape(info.shape));
}
