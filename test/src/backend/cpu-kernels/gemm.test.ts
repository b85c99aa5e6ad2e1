import test from 'ava';
import { lcgValues } from '../../../helpers/lcg.js';
import fc from 'fast-check';
import { gemm, rowMajor, transposedRowMajor, GEMM_BLOCK_K, GEMM_BLOCK_M, GEMM_BLOCK_N } from '../../../../src/backend/cpu-kernels/index.js';

function randomArray(length: number, seed: number): Float32Array {
  return lcgValues(length, seed);
}

/** C + A·B in float64, the textbook triple loop, with A and B read through their transposes when asked. */
function reference(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  transposeA: boolean,
  b: Float32Array,
  transposeB: boolean,
  c: Float32Array,
): Float64Array {
  const out = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (transposeA ? a[p * m + i] : a[i * k + p]) * (transposeB ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] += sum;
    }
  }
  return out;
}

function check(m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, seed: number): { worst: number; scale: number } {
  const a = randomArray(m * k, seed);
  const b = randomArray(k * n, seed + 1);
  const c = randomArray(m * n, seed + 2);
  const want = reference(m, n, k, a, transposeA, b, transposeB, c);
  gemm(m, n, k, transposeA ? transposedRowMajor(a, m) : rowMajor(a, k), transposeB ? transposedRowMajor(b, k) : rowMajor(b, n), c, 0, n);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(c[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return { worst, scale };
}

test('gemm accumulates A·B into C to float32 precision across block and tile edges', (t) => {
  // Sizes straddle the 4×8 register tile and the M/K/N cache blocks.
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [4, 8, 1],
    [5, 9, 3],
    [GEMM_BLOCK_M + 3, 17, GEMM_BLOCK_K + 5],
    [7, GEMM_BLOCK_N + 9, 12],
    [33, 40, 2 * GEMM_BLOCK_K + 1],
  ];
  for (const [m, n, k] of sizes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const { worst, scale } = check(m, n, k, transposeA, transposeB, m + n + k);
        t.true(worst <= 1e-5 * scale, `m=${m} n=${n} k=${k} tA=${transposeA} tB=${transposeB}: |error| ${worst}, scale ${scale}`);
      }
    }
  }
});

test('gemm writes only its m×n window of C (offset and leading dimension respected)', (t) => {
  const ldc = 7;
  const c = new Float32Array(5 * ldc).fill(100);
  const a = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
  const b = Float32Array.from([1, 0, 2, 0, 1, 3]); // [2, 3]
  gemm(3, 3, 2, rowMajor(a, 2), rowMajor(b, 3), c, ldc + 2, ldc);
  const window = [1, 2, 8, 3, 4, 18, 5, 6, 28];
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < ldc; j++) {
      const inside = i >= 1 && i <= 3 && j >= 2 && j <= 4;
      const expected = inside ? 100 + window[(i - 1) * 3 + (j - 2)] : 100;
      t.is(c[i * ldc + j], expected, `C[${i}, ${j}]`);
    }
  }
});

test('gemm with an empty dimension leaves C unchanged', (t) => {
  const c = Float32Array.from([1, 2, 3, 4]);
  gemm(2, 2, 0, rowMajor(new Float32Array(0), 0), rowMajor(new Float32Array(0), 2), c, 0, 2);
  t.deepEqual(Array.from(c), [1, 2, 3, 4]);
});

test('property: gemm matches the float64 triple loop on random shapes and transposes', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 10000 }),
        (m, n, k, transposeA, transposeB, seed) => {
          const { worst, scale } = check(m, n, k, transposeA, transposeB, seed);
          return worst <= 1e-5 * scale;
        },
      ),
      { numRuns: 60, seed: 20240603 },
    ),
  );
});
