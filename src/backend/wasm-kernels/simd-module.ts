/**
 * Instantiates the compiled SIMD128 conv kernels (conv-kernels.c → conv-kernels.wasm) on
 * tfjs-backend-wasm's own heap, so they read and write tensors in place.
 */
import { CONV_KERNELS_SHARED_WASM_BASE64, CONV_KERNELS_WASM_BASE64 } from './conv-kernels-binary.js';
import type { WasmBackendLike } from './wasm-heap.js';
import { heapMemory } from './wasm-heap.js';
import { compileAndInstantiate, type WasmMemory } from './webassembly-api.js';

/** The exports of conv-kernels.wasm; every pointer is a byte offset into tfjs's heap. */
export interface ConvKernelExports {
  geometry_length(): number;
  conv_scratch_floats(geometry: number): number;
  conv_forward(geometry: number, x: number, filter: number, y: number, scratch: number): void;
  conv_backprop_input(geometry: number, dy: number, filter: number, dx: number, scratch: number): void;
  conv_backprop_filter(geometry: number, x: number, dy: number, dFilter: number, scratch: number): void;
}

/** The compiled kernels, or one sentence saying why they cannot run on this heap. */
export type ConvKernelsOrReason = { readonly exports: ConvKernelExports } | { readonly unavailable: string };

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles and instantiates the kernels against `backend`'s heap: the plain build, or the shared-memory
 * build when the heap is a SharedArrayBuffer (tfjs's threaded build in a cross-origin-isolated page).
 * Returns the exports, or why they cannot run there (no SIMD in this engine, a heap the build does not
 * expose, an instantiation error). Async because browsers refuse synchronous compilation of modules over
 * 4 KiB on the main thread.
 */
export async function instantiateConvKernels(backend: WasmBackendLike, simd: boolean): Promise<ConvKernelsOrReason> {
  if (!simd) return { unavailable: 'this engine has no WebAssembly SIMD' };
  const memory = heapMemory(backend);
  if (memory === null) return { unavailable: 'this tfjs-backend-wasm build does not expose its heap' };
  return instantiateOnMemory(memory);
}

/** Instantiates the build that fits `memory` (plain or shared). */
export async function instantiateOnMemory(memory: WasmMemory): Promise<ConvKernelsOrReason> {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const instance = await compileAndInstantiate(decodeBase64(shared ? CONV_KERNELS_SHARED_WASM_BASE64 : CONV_KERNELS_WASM_BASE64), {
      env: { memory },
    });
    return { exports: instance.exports as unknown as ConvKernelExports };
  } catch (error) {
    return {
      unavailable: `conv-kernels${shared ? '-shared' : ''}.wasm failed to instantiate (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
