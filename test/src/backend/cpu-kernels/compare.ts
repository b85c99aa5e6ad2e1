/** Shared checks for the fast cpu kernels: run an op with the fast kernels and with tfjs's originals, compare. */
import * as tf from '@tensorflow/tfjs';
import { lcgValues } from '../../../helpers/lcg.js';
import type { ExecutionContext } from 'ava';
import { installFastCpuKernels, withOriginalCpuKernels } from '../../../../src/backend/cpu-kernels/index.js';

/** Relative tolerance: float32 sums in a different order (blocked float64 partial sums vs one float64 sum). */
export const RELATIVE_TOLERANCE = 1e-5;

/** Makes `cpu` the backend of this test process (these kernels exist only there) and installs the fast kernels. */
export async function useFastCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  // tfjs-backend-cpu prints an "install tfjs-node" banner on first use; initBackend silences it the same way.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && 'firstUse' in cpu) cpu.firstUse = false;
  installFastCpuKernels();
}

function valuesOf(result: tf.Tensor | tf.Tensor[]): { shapes: number[][]; values: Float32Array[] } {
  const list = Array.isArray(result) ? result : [result];
  const out = { shapes: list.map((r) => r.shape), values: list.map((r) => r.dataSync() as Float32Array) };
  tf.dispose(list);
  return out;
}

/**
 * Runs `compute` with the fast kernels, then with tfjs's original kernels, and asserts equal shapes,
 * element by element |fast − original| ≤ RELATIVE_TOLERANCE · max(1, max |original|) (relative to the
 * output's scale), and |Σ fast − Σ original| ≤ RELATIVE_TOLERANCE · Σ |original|. `compute` must be synchronous.
 */
export function expectMatchesOriginal(t: ExecutionContext, compute: () => tf.Tensor | tf.Tensor[], label: string): void {
  const fast = valuesOf(tf.tidy(compute));
  const reference = valuesOf(withOriginalCpuKernels(() => tf.tidy(compute)));
  t.deepEqual(fast.shapes, reference.shapes, `${label}: shapes`);
  for (let r = 0; r < reference.values.length; r++) {
    const want = reference.values[r];
    const got = fast.values[r];
    let scale = 1;
    let worst = 0;
    let sumWant = 0;
    let sumGot = 0;
    let sumMagnitude = 0;
    for (let i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i]));
      sumWant += want[i];
      sumGot += got[i];
      sumMagnitude += Math.abs(want[i]);
    }
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    t.true(worst <= RELATIVE_TOLERANCE * scale, `${label} (output ${r}): max |error| ${worst} > ${RELATIVE_TOLERANCE} × scale ${scale}`);
    // Relative to Σ|original| so that cancellation in the sum does not turn rounding into a failure.
    t.true(
      Math.abs(sumGot - sumWant) <= RELATIVE_TOLERANCE * Math.max(1, sumMagnitude),
      `${label} (output ${r}): sum ${sumGot} vs ${sumWant}`,
    );
  }
}

/** Deterministic pseudo-random float32 values in [−1, 1) (a fixed LCG, so failures reproduce). */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = lcgValues(size, (seed * 2654435761) >>> 0);
  return tf.tensor(values, shape);
}
