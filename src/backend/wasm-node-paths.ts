/**
 * Node only: where tfjs-backend-wasm's `.wasm` binaries are in node_modules, as the file map its
 * `setWasmPaths` takes. Kept apart from `wasm-backend.ts` so the browser build never sees `node:`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The three binaries tfjs-backend-wasm 4.x chooses between. */
const WASM_BINARY_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/**
 * Absolute paths of the three binaries in the installed `@tensorflow/tfjs-backend-wasm` (its `dist/`),
 * keyed by file name, or `null` when the package is not installed.
 */
export function wasmBinaryPathsForNode(): Record<string, string> | null {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  } catch {
    return null;
  }
  const dist = join(dirname(packageJson), 'dist');
  return Object.fromEntries(WASM_BINARY_NAMES.map((name) => [name, join(dist, name)]));
}
