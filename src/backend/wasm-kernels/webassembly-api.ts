/**
 * The part of the WebAssembly JavaScript API the wasm kernels use, typed here because the
 * project's TypeScript libs (ES2022, no DOM) do not declare `WebAssembly`.
 */

/** A `WebAssembly.Memory`: tfjs-backend-wasm's heap. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** A `WebAssembly.Instance` (only its exports are read). */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
}

/** Compiles `bytes` and instantiates the module with `imports` (asynchronously: browsers refuse large synchronous compiles). */
export async function compileAndInstantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance> {
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  return api.instantiate(await api.compile(bytes), imports);
}
