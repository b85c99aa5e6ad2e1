/**
 * Backend choice of the page: tfjs `webgl`, falling back to `wasm`, then `cpu`, with the reason of
 * every fall-back; `?backend=webgl|wasm|cpu` forces one. On `cpu` the library's fast convolution
 * and matmul kernels replace tfjs's naive ones, as `initBackend` does in Node, so the page computes
 * the same numbers as Node's `cpu` backend for the same seed.
 */
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  BackendUnavailableError,
  InvalidArgumentError,
  installFastCpuKernels,
  loadWasmBackend,
  wasmBackendInfo,
  type WasmBackendInfo,
} from 'tfjs-bnn';

/** Backends the page can run, in order of preference. */
const PAGE_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type PageBackend = (typeof PAGE_BACKENDS)[number];

/** The backend in use and why: plain words for the status line. */
export interface BackendChoice {
  readonly name: PageBackend;
  /** Why this one: forced by the URL, first choice, or the failures of the ones before it. */
  readonly reason: string;
  /** On `wasm`: which binary runs, with how many threads, and whether tfjs-bnn's compiled kernels run; else null. */
  readonly wasm: WasmBackendInfo | null;
}

// The wasm binaries are bundled by Vite and served from the page's own origin (no CDN).
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

/** Why WebGL cannot run here, or null when a WebGL context can be made. */
function webglMissing(): string | null {
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    if (canvas.getContext('webgl2') !== null || canvas.getContext('webgl') !== null) return null;
    return 'this browser gives no WebGL context (WebGL is disabled or no GPU is available)';
  } catch (error) {
    return `WebGL failed: ${(error as Error).message}`;
  }
}

async function tryBackend(name: PageBackend): Promise<string | null> {
  if (name === 'webgl') {
    const missing = webglMissing();
    if (missing !== null) return missing;
  }
  try {
    // On wasm, tfjs-bnn's loader also registers the kernels tfjs-backend-wasm lacks (conv gradients, 3D and
    // transposed convs) and picks the threaded build in a cross-origin isolated page.
    if (name === 'wasm') {
      await loadWasmBackend(WASM_PATHS);
      return null;
    }
    return (await tf.setBackend(name)) ? null : `tfjs could not initialise '${name}'`;
  } catch (error) {
    return `tfjs could not initialise '${name}' (${(error as Error).message})`;
  }
}

/** The backend asked for by `?backend=`, or null. Throws `InvalidArgumentError` for an unknown name so a typo is seen. */
export function requestedBackend(search: string): PageBackend | null {
  const value = new URLSearchParams(search).get('backend');
  if (value === null || value === '') return null;
  if ((PAGE_BACKENDS as readonly string[]).includes(value)) return value as PageBackend;
  throw new InvalidArgumentError('page address', '?backend', value, `one of ${PAGE_BACKENDS.join(', ')}`);
}

/**
 * Selects the backend: `forced` alone when given (an error if it cannot start), else the first of
 * webgl, wasm, cpu that starts (`BackendUnavailableError` when none does). Registers the library's kernels (fast cpu kernels;
 * on wasm the kernels tfjs-backend-wasm lacks, through `loadWasmBackend`) and returns the choice with its reason.
 */
export async function chooseBackend(forced: PageBackend | null): Promise<BackendChoice> {
  const failures: string[] = [];
  const candidates = forced === null ? PAGE_BACKENDS : [forced];
  for (const name of candidates) {
    const failure = await tryBackend(name);
    if (failure !== null) {
      failures.push(`${name}: ${failure}`);
      continue;
    }
    if (name === 'cpu') installFastCpuKernels();
    const reason =
      forced !== null ? 'forced by ?backend= in the address' : failures.length === 0 ? 'first choice' : `fell back: ${failures.join('; ')}`;
    return { name, reason, wasm: name === 'wasm' ? wasmBackendInfo() : null };
  }
  throw new BackendUnavailableError(`chooseBackend: no tfjs backend could start (${failures.join('; ')}).`);
}

/**
 * One phrase on the wasm build in use: binary, threads, and whether tfjs-bnn's compiled SIMD128 kernels run
 * (else why not), e.g. "tfjs-backend-wasm-simd.wasm, 1 thread, tfjs-bnn kernels compiled (SIMD128)".
 */
export function describeWasm(info: WasmBackendInfo): string {
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const kernels = info.kernels.compiled ? 'tfjs-bnn kernels compiled (SIMD128)' : `tfjs-bnn kernels in JS (${info.kernels.fallbackReason})`;
  return `${info.binary}, ${threads}, ${kernels}`;
}
