/**
 * Backend choice: the native `tensorflow` backend when `@tensorflow/tfjs-node-gpu` or
 * `@tensorflow/tfjs-node` loads, else `wasm` (tfjs-backend-wasm, SIMD) when it loads, else the
 * pure-JS `cpu` backend. `TFJS_BNN_BACKEND` forces one.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import { fastCpuKernelsRequested, installFastCpuKernels } from './cpu-kernels/index.js';
import { registerConv3dTransposeGradient } from './conv3d-transpose-gradient.js';
import { installNativeKernels, nativeKernelsRequested } from './native-kernels/index.js';
import { quietNativeLogs } from './native-logging.js';
import { loadWasmBackend, type WasmBackendInfo } from './wasm-backend.js';
import { wasmBinaryPathsForNode } from './wasm-node-paths.js';

/** The backends tfjs-bnn selects between. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Environment variable that forces a backend (`tensorflow`, `wasm` or `cpu`). */
export const BACKEND_ENV_VAR = 'TFJS_BNN_BACKEND';

/** The native packages tried, in order of preference. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** What `initBackend` chose and why. Plain data. */
export interface BackendInfo {
  /** The backend in use (`tf.getBackend()`). */
  readonly name: string;
  /** The value of `TFJS_BNN_BACKEND`, or `null` when unset. */
  readonly requested: string | null;
  /** One sentence: why this backend runs. */
  readonly reason: string;
  /** The native package that was loaded, or `null`. */
  readonly nativePackage: string | null;
  /** Load errors of native packages that were tried and failed (package → first line of the error). */
  readonly nativeErrors: Readonly<Record<string, string>>;
  /** Versions of the tfjs packages in use. */
  readonly versions: Readonly<Record<string, string>>;
  /**
   * True when tfjs-bnn's faster pure-JS conv/matmul kernels replace tfjs-backend-cpu's own
   * (backend `cpu` and `TFJS_BNN_FAST_CPU_KERNELS` not `0`; see `src/backend/cpu-kernels/`).
   */
  readonly fastCpuKernels: boolean;
  /**
   * True when tfjs-bnn's fast paths for the native backend are installed: a lean `Step` kernel and
   * a one-op `relu` gradient (backend `tensorflow` and `TFJS_BNN_NATIVE_KERNELS` not `0`;
   * see `src/backend/native-kernels/`).
   */
  readonly nativeKernels: boolean;
  /** Which tfjs-backend-wasm binary runs and why, when the backend is `wasm`; else `null`. */
  readonly wasm: WasmBackendInfo | null;
  /** Why the wasm backend was not used when it was tried and failed (first line), else `null`. */
  readonly wasmError: string | null;
}

let current: BackendInfo | null = null;
const setupHooks: Array<(backend: string) => void> = [];

/** Registers a function run once after a backend is chosen (e.g. faster cpu kernels). */
export function onBackendReady(hook: (backend: string) => void): void {
  setupHooks.push(hook);
}

async function tryNative(): Promise<{ pkg: string | null; errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  // TensorFlow reads its log level once, as its C library loads: set it before the first import.
  quietNativeLogs();
  for (const pkg of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps the optional packages out of the type checker and the bundle graph.
      const specifier: string = pkg;
      await import(specifier);
      if (tf.findBackend('tensorflow') !== null) return { pkg, errors };
      errors[pkg] = 'loaded, but registered no tensorflow backend (is it built for another @tensorflow/tfjs-core?)';
    } catch (error) {
      errors[pkg] = String((error as Error).message ?? error).split('\n')[0];
    }
  }
  return { pkg: null, errors };
}

/**
 * Chooses and initialises the backend once; later calls return the first result.
 * Throws `BackendUnavailableError` when `TFJS_BNN_BACKEND=tensorflow` but no native package loads,
 * naming what was tried and why it failed.
 */
export async function initBackend(): Promise<BackendInfo> {
  if (current !== null) return current;
  const requested = process.env[BACKEND_ENV_VAR]?.trim() || null;
  if (requested !== null && requested !== 'tensorflow' && requested !== 'wasm' && requested !== 'cpu') {
    throw new InvalidArgumentError(
      'initBackend',
      BACKEND_ENV_VAR,
      requested,
      "'tensorflow', 'wasm' or 'cpu' (or unset for automatic choice)",
    );
  }
  const fastKernelsWanted = fastCpuKernelsRequested();
  const nativeKernelsWanted = nativeKernelsRequested();
  let native: { pkg: string | null; errors: Record<string, string> } = { pkg: null, errors: {} };
  if (requested === null || requested === 'tensorflow') native = await tryNative();
  let wasm: WasmBackendInfo | null = null;
  let wasmError: string | null = null;
  if (native.pkg === null && (requested === null || requested === 'wasm')) ({ wasm, wasmError } = await tryWasm(requested === 'wasm'));
  let reason: string;
  if (native.pkg !== null) {
    await tf.setBackend('tensorflow');
    reason =
      requested === 'tensorflow' ? `${BACKEND_ENV_VAR}=tensorflow and ${native.pkg} loaded` : `${native.pkg} is installed and loaded`;
  } else if (requested === 'tensorflow') {
    const tried = Object.entries(native.errors)
      .map(([p, e]) => `${p}: ${e}`)
      .join('; ');
    throw new BackendUnavailableError(
      `initBackend: ${BACKEND_ENV_VAR}=tensorflow but no native backend loads (${tried}). ` +
        `Install one with 'npm install @tensorflow/tfjs-node' (internet) or 'npm run native:install' (offline, from the PyPI wheel), ` +
        `or unset ${BACKEND_ENV_VAR} to use the cpu backend.`,
    );
  } else if (wasm !== null) {
    reason =
      requested === 'wasm' ? `${BACKEND_ENV_VAR}=wasm` : 'no native backend is installed; tfjs-backend-wasm loads (see `tfjs-bnn info`)';
  } else {
    await tf.setBackend('cpu');
    // tfjs-backend-cpu prints a banner on first use telling Node users to install tfjs-node;
    // `tfjs-bnn info` says that (and how to do it offline), so the banner is switched off here.
    const cpuBackend = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
    if (cpuBackend !== null && 'firstUse' in cpuBackend) cpuBackend.firstUse = false;
    reason =
      requested === 'cpu'
        ? `${BACKEND_ENV_VAR}=cpu`
        : `no native backend is installed and the wasm backend does not load (see \`tfjs-bnn info\`)`;
  }
  await tf.ready();
  const name = tf.getBackend();
  // tfjs-backend-cpu's conv kernels are naive loops (a conv filter gradient: ~15 s where im2col + blocked matmul takes < 1 s).
  const fastCpuKernels = name === 'cpu' && fastKernelsWanted && installFastCpuKernels().length > 0;
  // tfjs-node's Step builds two full-size tensors in JavaScript per call; every relu gradient paid it.
  const nativeKernels = name === 'tensorflow' && nativeKernelsWanted && installNativeKernels().length > 0;
  registerConv3dTransposeGradient();
  for (const hook of setupHooks) hook(name);
  current = {
    name,
    requested,
    reason,
    nativePackage: native.pkg,
    nativeErrors: native.errors,
    versions: { ...tf.version },
    fastCpuKernels,
    nativeKernels,
    wasm,
    wasmError,
  };
  return current;
}

/**
 * Loads the wasm backend from node_modules. When `required` (TFJS_BNN_BACKEND=wasm) a failure throws
 * `BackendUnavailableError`; otherwise it is recorded and the caller falls back to `cpu`.
 */
async function tryWasm(required: boolean): Promise<{ wasm: WasmBackendInfo | null; wasmError: string | null }> {
  const paths = wasmBinaryPathsForNode();
  try {
    if (paths === null)
      throw new BackendUnavailableError(
        'initBackend: @tensorflow/tfjs-backend-wasm is not installed (npm install @tensorflow/tfjs-backend-wasm).',
      );
    return { wasm: await loadWasmBackend(paths), wasmError: null };
  } catch (error) {
    if (required) throw error;
    return { wasm: null, wasmError: String((error as Error).message ?? error).split('\n')[0] };
  }
}

/**
 * The native packages that are installed (resolvable from this package), whether or not they were
 * loaded: lets `tfjs-bnn info` tell "installed but not in use" from "not installed" without
 * loading TensorFlow.
 */
export function installedNativePackages(): string[] {
  const require = createRequire(import.meta.url);
  return NATIVE_PACKAGES.filter((pkg) => {
    try {
      require.resolve(`${pkg}/package.json`);
      return true;
    } catch {
      return false;
    }
  });
}

/** The result of `initBackend`, or `null` before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}
