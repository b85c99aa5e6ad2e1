/**
 * A cache-blocked, register-tiled float32 matrix product for V8 (GotoBLAS layout):
 * C[m, n] += A[m, k] · B[k, n], each operand addressed through row and column strides so
 * transposes and im2col views cost nothing extra.
 *
 * Why it is fast in plain JavaScript: blocks of A and B are packed into Float64Array panels
 * (no float32→float64 conversion in the inner loop, unit-stride reads), and a 4×8 micro-kernel
 * keeps its 32 partial sums in local variables so TurboFan holds them in registers. Sums inside
 * one `GEMM_BLOCK_K` block run in float64; they are added to C (float32) once per block.
 */

/** A read-only view of a matrix inside a Float32Array: element (i, j) is `values[offset + i·rowStride + j·colStride]`. */
export interface StridedMatrix {
  readonly values: Float32Array;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Rows of the register tile (rows of A per micro-kernel call). */
export const GEMM_TILE_ROWS = 4;
/** Columns of the register tile (columns of B per micro-kernel call). */
export const GEMM_TILE_COLS = 8;
/** Rows of A packed at once (the A block stays in L1/L2). */
export const GEMM_BLOCK_M = 64;
/** Depth of one packed block: inner-product terms summed in float64 before touching C. */
export const GEMM_BLOCK_K = 256;
/** Columns of B packed at once (the B block stays in L2). */
export const GEMM_BLOCK_N = 512;

const MR = GEMM_TILE_ROWS;
const NR = GEMM_TILE_COLS;
const packedA = new Float64Array(GEMM_BLOCK_M * GEMM_BLOCK_K);
const packedB = new Float64Array(GEMM_BLOCK_K * GEMM_BLOCK_N);
const edgeTile = new Float64Array(MR * NR);

/** A row-major view: element (i, j) at `offset + i·cols + j`. */
export function rowMajor(values: Float32Array, cols: number, offset = 0): StridedMatrix {
  return { values, offset, rowStride: cols, colStride: 1 };
}

/** The transpose of a row-major [rows, cols] matrix, as a [cols, rows] view (no copy). */
export function transposedRowMajor(values: Float32Array, cols: number, offset = 0): StridedMatrix {
  return { values, offset, rowStride: 1, colStride: cols };
}

/**
 * C[m, n] += A[m, k] · B[k, n]. `c` is row-major with leading dimension `ldc`, starting at `cOffset`;
 * it is updated in place (zero it first for a plain product). Not re-entrant (shared packing buffers);
 * JavaScript kernels run one at a time, so that is safe.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: StridedMatrix,
  b: StridedMatrix,
  c: Float32Array,
  cOffset: number,
  ldc: number,
): void {
  if (m === 0 || n === 0 || k === 0) return;
  for (let j0 = 0; j0 < n; j0 += GEMM_BLOCK_N) {
    const nc = Math.min(GEMM_BLOCK_N, n - j0);
    for (let p0 = 0; p0 < k; p0 += GEMM_BLOCK_K) {
      const kc = Math.min(GEMM_BLOCK_K, k - p0);
      packB(b, p0, kc, j0, nc);
      for (let i0 = 0; i0 < m; i0 += GEMM_BLOCK_M) {
        const mc = Math.min(GEMM_BLOCK_M, m - i0);
        packA(a, i0, mc, p0, kc);
        for (let j = 0; j < nc; j += NR) {
          const cols = Math.min(NR, nc - j);
          for (let i = 0; i < mc; i += MR) {
            const rows = Math.min(MR, mc - i);
            microKernel(kc, i * kc, j * kc, c, cOffset + (i0 + i) * ldc + j0 + j, ldc, rows, cols);
          }
        }
      }
    }
  }
}

/** Packs A[i0 : i0+mc, p0 : p0+kc] as panels of MR rows, k-major inside a panel, zero-padded. */
function packA(a: StridedMatrix, i0: number, mc: number, p0: number, kc: number): void {
  const { values, rowStride, colStride } = a;
  let q = 0;
  for (let i = 0; i < mc; i += MR) {
    const rows = Math.min(MR, mc - i);
    let base = a.offset + (i0 + i) * rowStride + p0 * colStride;
    if (rows === MR) {
      for (let p = 0; p < kc; p++, base += colStride, q += MR) {
        packedA[q] = values[base];
        packedA[q + 1] = values[base + rowStride];
        packedA[q + 2] = values[base + 2 * rowStride];
        packedA[q + 3] = values[base + 3 * rowStride];
      }
    } else {
      for (let p = 0; p < kc; p++, base += colStride, q += MR) {
        for (let r = 0; r < MR; r++) packedA[q + r] = r < rows ? values[base + r * rowStride] : 0;
      }
    }
  }
}

/** Packs B[p0 : p0+kc, j0 : j0+nc] as panels of NR columns, k-major inside a panel, zero-padded. */
function packB(b: StridedMatrix, p0: number, kc: number, j0: number, nc: number): void {
  const { values, rowStride, colStride } = b;
  let q = 0;
  for (let j = 0; j < nc; j += NR) {
    const cols = Math.min(NR, nc - j);
    let base = b.offset + p0 * rowStride + (j0 + j) * colStride;
    if (cols === NR && colStride === 1) {
      for (let p = 0; p < kc; p++, base += rowStride, q += NR) {
        for (let s = 0; s < NR; s++) packedB[q + s] = values[base + s];
      }
    } else {
      for (let p = 0; p < kc; p++, base += rowStride, q += NR) {
        for (let s = 0; s < NR; s++) packedB[q + s] = s < cols ? values[base + s * colStride] : 0;
      }
    }
  }
}

/** One MR×NR tile of C += (packed A panel) · (packed B panel), summed over kc in float64. */
function microKernel(kc: number, aq: number, bq: number, c: Float32Array, cOffset: number, ldc: number, rows: number, cols: number): void {
  const A = packedA;
  const B = packedB;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c04 = 0,
    c05 = 0,
    c06 = 0,
    c07 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c14 = 0,
    c15 = 0,
    c16 = 0,
    c17 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c24 = 0,
    c25 = 0,
    c26 = 0,
    c27 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0,
    c34 = 0,
    c35 = 0,
    c36 = 0,
    c37 = 0;
  for (let p = 0; p < kc; p++, aq += MR, bq += NR) {
    const b0 = B[bq],
      b1 = B[bq + 1],
      b2 = B[bq + 2],
      b3 = B[bq + 3];
    const b4 = B[bq + 4],
      b5 = B[bq + 5],
      b6 = B[bq + 6],
      b7 = B[bq + 7];
    let x = A[aq];
    c00 += x * b0;
    c01 += x * b1;
    c02 += x * b2;
    c03 += x * b3;
    c04 += x * b4;
    c05 += x * b5;
    c06 += x * b6;
    c07 += x * b7;
    x = A[aq + 1];
    c10 += x * b0;
    c11 += x * b1;
    c12 += x * b2;
    c13 += x * b3;
    c14 += x * b4;
    c15 += x * b5;
    c16 += x * b6;
    c17 += x * b7;
    x = A[aq + 2];
    c20 += x * b0;
    c21 += x * b1;
    c22 += x * b2;
    c23 += x * b3;
    c24 += x * b4;
    c25 += x * b5;
    c26 += x * b6;
    c27 += x * b7;
    x = A[aq + 3];
    c30 += x * b0;
    c31 += x * b1;
    c32 += x * b2;
    c33 += x * b3;
    c34 += x * b4;
    c35 += x * b5;
    c36 += x * b6;
    c37 += x * b7;
  }
  if (rows === MR && cols === NR) {
    let o = cOffset;
    c[o] += c00;
    c[o + 1] += c01;
    c[o + 2] += c02;
    c[o + 3] += c03;
    c[o + 4] += c04;
    c[o + 5] += c05;
    c[o + 6] += c06;
    c[o + 7] += c07;
    o += ldc;
    c[o] += c10;
    c[o + 1] += c11;
    c[o + 2] += c12;
    c[o + 3] += c13;
    c[o + 4] += c14;
    c[o + 5] += c15;
    c[o + 6] += c16;
    c[o + 7] += c17;
    o += ldc;
    c[o] += c20;
    c[o + 1] += c21;
    c[o + 2] += c22;
    c[o + 3] += c23;
    c[o + 4] += c24;
    c[o + 5] += c25;
    c[o + 6] += c26;
    c[o + 7] += c27;
    o += ldc;
    c[o] += c30;
    c[o + 1] += c31;
    c[o + 2] += c32;
    c[o + 3] += c33;
    c[o + 4] += c34;
    c[o + 5] += c35;
    c[o + 6] += c36;
    c[o + 7] += c37;
    return;
  }
  const t = edgeTile;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c04;
  t[5] = c05;
  t[6] = c06;
  t[7] = c07;
  t[8] = c10;
  t[9] = c11;
  t[10] = c12;
  t[11] = c13;
  t[12] = c14;
  t[13] = c15;
  t[14] = c16;
  t[15] = c17;
  t[16] = c20;
  t[17] = c21;
  t[18] = c22;
  t[19] = c23;
  t[20] = c24;
  t[21] = c25;
  t[22] = c26;
  t[23] = c27;
  t[24] = c30;
  t[25] = c31;
  t[26] = c32;
  t[27] = c33;
  t[28] = c34;
  t[29] = c35;
  t[30] = c36;
  t[31] = c37;
  for (let r = 0; r < rows; r++) {
    const o = cOffset + r * ldc;
    for (let s = 0; s < cols; s++) c[o + s] += t[r * NR + s];
  }
}
