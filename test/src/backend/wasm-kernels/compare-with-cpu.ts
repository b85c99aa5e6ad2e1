/** Shared checks for the wasm kernels: run an op on `wasm` and on `cpu` with tfjs's original kernels, compare. */
import * as tf from '@tensorflow/tfjs';
import type { ExecutionContext } from 'ava';
import { withOriginalCpuKernels } from '../../../../src/backend/cpu-kernels/index.js';
import { loadWasmBackend } from '../../../../src/backend/wasm-backend.js';
import { wasmBinaryPathsForNode } from '../../../../src/backend/wasm-node-paths.js';

/** Relative tolerance of the issue: float32 sums in a different order than tfjs-backend-cpu's loops. */
export const RELATIVE_TOLERANCE = 1e-5;

/** Loads the wasm backend (with tfjs-bnn's kernels) in this test process, whatever TFJS_BNN_BACKEND chose. */
export async function useWasmBackend(): Promise<void> {
  await loadWasmBackend(wasmBinaryPathsForNode() ?? undefined);
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && 'firstUse' in cpu) cpu.firstUse = false;
}

function valuesOf(result: tf.Tensor | tf.Tensor[]): { shapes: number[][]; values: Float32Array[] } {
  const list = Array.isArray(result) ? result : [result];
  const out = { shapes: list.map((r) => r.shape), values: list.map((r) => r.dataSync() as Float32Array) };
  tf.dispose(list);
  return out;
}

/**
 * Runs `compute` on `wasm`, then on `cpu` with tfjs's original kernels (leaving `wasm` active), and asserts
 * equal shapes and, element by element, |wasm − cpu| ≤ RELATIVE_TOLERANCE · max(1, max |cpu|).
 * `compute` must be synchronous and create its inputs itself (tensors live on one backend).
 * Returns false when a check failed (for fast-check properties).
 */
export async function expectWasmMatchesCpu(t: ExecutionContext, compute: () => tf.Tensor | tf.Tensor[], label: string): Promise<boolean> {
  await tf.setBackend('wasm');
  const got = valuesOf(tf.tidy(compute));
  await tf.setBackend('cpu');
  const want = valuesOf(withOriginalCpuKernels(() => tf.tidy(compute)));
  await tf.setBackend('wasm');
  let ok = true;
  const check = (condition: boolean, message: string): void => {
    t.true(condition, message);
    ok &&= condition;
  };
  check(
    JSON.stringify(got.shapes) === JSON.stringify(want.shapes),
    `${label}: shapes ${JSON.stringify(got.shapes)} vs ${JSON.stringify(want.shapes)}`,
  );
  for (let r = 0; r < want.values.length && ok; r++) {
    let scale = 1;
    let worst = 0;
    for (let i = 0; i < want.values[r].length; i++) scale = Math.max(scale, Math.abs(want.values[r][i]));
    for (let i = 0; i < want.values[r].length; i++) worst = Math.max(worst, Math.abs(got.values[r][i] - want.values[r][i]));
    check(worst <= RELATIVE_TOLERANCE * scale, `${label} (output ${r}): max |error| ${worst} > ${RELATIVE_TOLERANCE} × scale ${scale}`);
  }
  return ok;
}

/** The cpu kernels' deterministic pseudo-random tensors (one LCG for every test). */
export { randomTensor } from '../cpu-kernels/compare.js';
