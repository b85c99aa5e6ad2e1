/**
 * The `wasm` backend (`@tensorflow/tfjs-backend-wasm`: XNNPACK, WebAssembly SIMD, optional threads)
 * as tfjs-bnn's fallback where the native backend is missing. Browser-safe: no `node:` import here;
 * Node finds the `.wasm` binaries through `wasm-node-paths.ts`, a browser through its bundler or
 * `setWasmPaths`.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError } from '../errors.js';
import { installWasmKernels, type WasmKernelsInfo } from './wasm-kernels/install.js';

/** Which of tfjs-backend-wasm's three binaries runs, and why. Plain data. */
export interface WasmBackendInfo {
  /** The binary tfjs-backend-wasm instantiated. */
  readonly binary: 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';
  /** WebAssembly SIMD128 is available (tfjs's `WASM_HAS_SIMD_SUPPORT`). */
  readonly simd: boolean;
  /** Version of `@tensorflow/tfjs-backend-wasm`. */
  readonly version: string;
  /** Threads XNNPACK uses (1 without the threaded build). */
  readonly threads: number;
  /** One sentence: why this binary (e.g. why no threads). */
  readonly reason: string;
  /** tfjs-bnn's conv kernels on `wasm` and whether its compiled SIMD128 module runs them (see `wasm-kernels/`). */
  readonly kernels: WasmKernelsInfo;
}

/** The `.wasm` locations handed to tfjs-backend-wasm's `setWasmPaths`: a folder prefix or a file map. */
export type WasmPaths = string | Readonly<Record<string, string>>;

let loaded: WasmBackendInfo | null = null;

function describeBinary(
  simd: boolean,
  threadsSupported: boolean,
  threads: number,
  isNode: boolean,
): Pick<WasmBackendInfo, 'binary' | 'reason'> {
  if (simd && threadsSupported) {
    return {
      binary: 'tfjs-backend-wasm-threaded-simd.wasm',
      reason: `SIMD and threads available (cross-origin isolated page); XNNPACK uses ${threads} thread(s)`,
    };
  }
  const noThreads = isNode
    ? 'tfjs-backend-wasm 4.22 turns threads off in Node (its worker loader needs Blob URLs, tfjs issue #3830)'
    : 'threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP/COEP headers)';
  if (simd) return { binary: 'tfjs-backend-wasm-simd.wasm', reason: `SIMD available, single thread: ${noThreads}` };
  return { binary: 'tfjs-backend-wasm.wasm', reason: `this engine has no WebAssembly SIMD; single thread: ${noThreads}` };
}

/**
 * Loads tfjs-backend-wasm (once), points it at its binaries when `paths` is given, makes `wasm`
 * the active backend and registers tfjs-bnn's kernels for it. Throws `BackendUnavailableError`
 * (with tfjs's reason) when the package or its binary cannot be loaded.
 *
 * @param paths where the `.wasm` files are (`setWasmPaths`); omit when the bundler serves them
 *   next to the script, as in Node when loaded from node_modules.
 */
export async function loadWasmBackend(paths?: WasmPaths): Promise<WasmBackendInfo> {
  if (loaded !== null) {
    await tf.setBackend('wasm');
    return loaded;
  }
  let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasmModule = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new BackendUnavailableError(
      `loadWasmBackend: @tensorflow/tfjs-backend-wasm does not load (${firstLine(error)}); install it with 'npm install @tensorflow/tfjs-backend-wasm@${tf.version_core}'.`,
    );
  }
  if (paths !== undefined) wasmModule.setWasmPaths(paths as string | Record<string, string>);
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } catch (error) {
    throw new BackendUnavailableError(`loadWasmBackend: the wasm backend failed to start (${firstLine(error)}).`);
  }
  if (!ok)
    throw new BackendUnavailableError(
      "loadWasmBackend: the wasm backend failed to start (tf.setBackend('wasm') returned false; see the warning tfjs printed above).",
    );
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threadsSupported = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const threads = wasmModule.getThreadsCount();
  const kernels = await installWasmKernels(simd);
  loaded = {
    ...describeBinary(simd, threadsSupported, threads, tf.env().getBool('IS_NODE')),
    simd,
    threads,
    version: wasmModule.version_wasm,
    kernels,
  };
  return loaded;
}

/** The result of `loadWasmBackend`, or `null` before it succeeded. */
export function wasmBackendInfo(): WasmBackendInfo | null {
  return loaded;
}

function firstLine(error: unknown): string {
  const message =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null && 'message' in error
        ? String((error as { message: unknown }).message)
        : String(error);
  return message.split('\n')[0];
}
