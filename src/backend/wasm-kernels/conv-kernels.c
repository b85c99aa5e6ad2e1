/*
 * Channels-last 3D (and 2D as depth-1) convolution and both its gradients as im2col + blocked
 * SIMD128 matrix products, for tfjs-backend-wasm's heap.
 *
 * The module imports tfjs-backend-wasm's own WebAssembly.Memory: every pointer below is a byte
 * offset into that heap (tensor data at `memoryOffset`, scratch from the backend's malloc), so
 * kernels read and write tensors in place. Two rules keep it from touching memory it does not own:
 *   - no shadow stack: no arrays or address-taken locals (the build script checks the module
 *     defines no global, i.e. no __stack_pointer);
 *   - no static data (the build script checks there is no data section).
 * The algorithm mirrors src/backend/cpu-kernels (im2col.ts, conv.ts); build with
 * scripts/build-wasm-kernels.mjs.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* Geometry block written by the caller: 22 int32 values in this order. */
enum {
  G_BATCH, G_IN_D, G_IN_H, G_IN_W, G_IN_C, G_OUT_D, G_OUT_H, G_OUT_W, G_OUT_C,
  G_F_D, G_F_H, G_F_W, G_S_D, G_S_H, G_S_W, G_DIL_D, G_DIL_H, G_DIL_W,
  G_PAD_FRONT, G_PAD_TOP, G_PAD_LEFT, G_CHUNK_ROWS, G_LENGTH
};

EXPORT(geometry_length) int geometry_length(void) { return G_LENGTH; }

static int patch_size(const int *g) { return g[G_F_D] * g[G_F_H] * g[G_F_W] * g[G_IN_C]; }
static int output_positions(const int *g) { return g[G_BATCH] * g[G_OUT_D] * g[G_OUT_H] * g[G_OUT_W]; }

static void zero(float *p, int n) { for (int i = 0; i < n; i++) p[i] = 0.0f; }

/*
 * C[m×n] += A[m×k] · B[k×n]. A is read as scalars with strides (rowStride, colStride), so it may be a
 * transposed view; B and C are row-major with leading dimensions ldb, ldc. SIMD runs along n:
 * a 4-row × 8-column register tile, then 4-column and scalar edges.
 */
static void gemm_nn(int m, int n, int k, const float *a, int ars, int acs, const float *b, int ldb, float *c, int ldc) {
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = a + i * ars, *a1 = a0 + ars, *a2 = a1 + ars, *a3 = a2 + ars;
    float *c0 = c + i * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      v128_t x00 = wasm_f32x4_splat(0), x01 = x00, x10 = x00, x11 = x00, x20 = x00, x21 = x00, x30 = x00, x31 = x00;
      const float *bp = b + j;
      for (int p = 0; p < k; p++, bp += ldb) {
        v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
        v128_t s0 = wasm_f32x4_splat(a0[p * acs]), s1 = wasm_f32x4_splat(a1[p * acs]);
        v128_t s2 = wasm_f32x4_splat(a2[p * acs]), s3 = wasm_f32x4_splat(a3[p * acs]);
        x00 = wasm_f32x4_add(x00, wasm_f32x4_mul(s0, b0)); x01 = wasm_f32x4_add(x01, wasm_f32x4_mul(s0, b1));
        x10 = wasm_f32x4_add(x10, wasm_f32x4_mul(s1, b0)); x11 = wasm_f32x4_add(x11, wasm_f32x4_mul(s1, b1));
        x20 = wasm_f32x4_add(x20, wasm_f32x4_mul(s2, b0)); x21 = wasm_f32x4_add(x21, wasm_f32x4_mul(s2, b1));
        x30 = wasm_f32x4_add(x30, wasm_f32x4_mul(s3, b0)); x31 = wasm_f32x4_add(x31, wasm_f32x4_mul(s3, b1));
      }
      wasm_v128_store(c0 + j, wasm_f32x4_add(wasm_v128_load(c0 + j), x00)); wasm_v128_store(c0 + j + 4, wasm_f32x4_add(wasm_v128_load(c0 + j + 4), x01));
      wasm_v128_store(c1 + j, wasm_f32x4_add(wasm_v128_load(c1 + j), x10)); wasm_v128_store(c1 + j + 4, wasm_f32x4_add(wasm_v128_load(c1 + j + 4), x11));
      wasm_v128_store(c2 + j, wasm_f32x4_add(wasm_v128_load(c2 + j), x20)); wasm_v128_store(c2 + j + 4, wasm_f32x4_add(wasm_v128_load(c2 + j + 4), x21));
      wasm_v128_store(c3 + j, wasm_f32x4_add(wasm_v128_load(c3 + j), x30)); wasm_v128_store(c3 + j + 4, wasm_f32x4_add(wasm_v128_load(c3 + j + 4), x31));
    }
    for (; j + 4 <= n; j += 4) {
      v128_t x0 = wasm_f32x4_splat(0), x1 = x0, x2 = x0, x3 = x0;
      const float *bp = b + j;
      for (int p = 0; p < k; p++, bp += ldb) {
        v128_t b0 = wasm_v128_load(bp);
        x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(wasm_f32x4_splat(a0[p * acs]), b0));
        x1 = wasm_f32x4_add(x1, wasm_f32x4_mul(wasm_f32x4_splat(a1[p * acs]), b0));
        x2 = wasm_f32x4_add(x2, wasm_f32x4_mul(wasm_f32x4_splat(a2[p * acs]), b0));
        x3 = wasm_f32x4_add(x3, wasm_f32x4_mul(wasm_f32x4_splat(a3[p * acs]), b0));
      }
      wasm_v128_store(c0 + j, wasm_f32x4_add(wasm_v128_load(c0 + j), x0));
      wasm_v128_store(c1 + j, wasm_f32x4_add(wasm_v128_load(c1 + j), x1));
      wasm_v128_store(c2 + j, wasm_f32x4_add(wasm_v128_load(c2 + j), x2));
      wasm_v128_store(c3 + j, wasm_f32x4_add(wasm_v128_load(c3 + j), x3));
    }
    for (; j < n; j++) {
      float x0 = 0, x1 = 0, x2 = 0, x3 = 0;
      const float *bp = b + j;
      for (int p = 0; p < k; p++, bp += ldb) {
        x0 += a0[p * acs] * *bp; x1 += a1[p * acs] * *bp; x2 += a2[p * acs] * *bp; x3 += a3[p * acs] * *bp;
      }
      c0[j] += x0; c1[j] += x1; c2[j] += x2; c3[j] += x3;
    }
  }
  for (; i < m; i++) {
    const float *a0 = a + i * ars;
    float *c0 = c + i * ldc;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t x0 = wasm_f32x4_splat(0);
      const float *bp = b + j;
      for (int p = 0; p < k; p++, bp += ldb) x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(wasm_f32x4_splat(a0[p * acs]), wasm_v128_load(bp)));
      wasm_v128_store(c0 + j, wasm_f32x4_add(wasm_v128_load(c0 + j), x0));
    }
    for (; j < n; j++) {
      float x0 = 0;
      const float *bp = b + j;
      for (int p = 0; p < k; p++, bp += ldb) x0 += a0[p * acs] * *bp;
      c0[j] += x0;
    }
  }
}

static float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

/*
 * C[m×n] = A[m×k] · B[n×k]ᵀ (overwrites C): both operands row-major along k, so SIMD runs along k
 * (dot products), one row of A against four rows of B at a time. Used when n is too narrow for gemm_nn.
 */
static void gemm_nt(int m, int n, int k, const float *a, const float *b, float *c, int ldc) {
  for (int i = 0; i < m; i++) {
    const float *ai = a + i * k;
    float *ci = c + i * ldc;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      const float *b0 = b + j * k, *b1 = b0 + k, *b2 = b1 + k, *b3 = b2 + k;
      v128_t x0 = wasm_f32x4_splat(0), x1 = x0, x2 = x0, x3 = x0;
      int p = 0;
      for (; p + 4 <= k; p += 4) {
        v128_t av = wasm_v128_load(ai + p);
        x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(av, wasm_v128_load(b0 + p)));
        x1 = wasm_f32x4_add(x1, wasm_f32x4_mul(av, wasm_v128_load(b1 + p)));
        x2 = wasm_f32x4_add(x2, wasm_f32x4_mul(av, wasm_v128_load(b2 + p)));
        x3 = wasm_f32x4_add(x3, wasm_f32x4_mul(av, wasm_v128_load(b3 + p)));
      }
      float s0 = hsum(x0), s1 = hsum(x1), s2 = hsum(x2), s3 = hsum(x3);
      for (; p < k; p++) { s0 += ai[p] * b0[p]; s1 += ai[p] * b1[p]; s2 += ai[p] * b2[p]; s3 += ai[p] * b3[p]; }
      ci[j] = s0; ci[j + 1] = s1; ci[j + 2] = s2; ci[j + 3] = s3;
    }
    for (; j < n; j++) {
      const float *bj = b + j * k;
      v128_t x0 = wasm_f32x4_splat(0);
      int p = 0;
      for (; p + 4 <= k; p += 4) x0 = wasm_f32x4_add(x0, wasm_f32x4_mul(wasm_v128_load(ai + p), wasm_v128_load(bj + p)));
      float s0 = hsum(x0);
      for (; p < k; p++) s0 += ai[p] * bj[p];
      ci[j] = s0;
    }
  }
}

/* dst[cols×rows] = src[rows×cols]ᵀ. */
static void transpose(const float *src, int rows, int cols, float *dst) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}

/*
 * im2col (add == 0: cols ← patches of x, zeros in the padding) or its adjoint col2im (add == 1:
 * x += cols at the positions the patches came from) over output positions [rowStart, rowStart + rowCount).
 * Row r of cols is output position ((b·outD + od)·outH + oh)·outW + ow; its columns are (fd, fh, fw, inC).
 */
static void patches(const int *g, float *x, int rowStart, int rowCount, float *cols, int add) {
  /* Geometry in locals: the compiler cannot keep values read through `g` across the stores below. */
  const int inD = g[G_IN_D], inH = g[G_IN_H], inW = g[G_IN_W], ci = g[G_IN_C];
  const int outD = g[G_OUT_D], outH = g[G_OUT_H], outW = g[G_OUT_W];
  const int fD = g[G_F_D], fH = g[G_F_H], fW = g[G_F_W];
  const int sD = g[G_S_D], sH = g[G_S_H], sW = g[G_S_W];
  const int dilD = g[G_DIL_D], dilH = g[G_DIL_H], dilW = g[G_DIL_W];
  const int padFront = g[G_PAD_FRONT], padTop = g[G_PAD_TOP], padLeft = g[G_PAD_LEFT];
  const int k = fD * fH * fW * ci;
  const int rowLength = fW * ci, planeLength = fH * rowLength;
  const int inRowStride = inW * ci, inPlaneStride = inH * inRowStride, inBatchStride = inD * inPlaneStride;
  int ow = rowStart % outW;
  int rest = rowStart / outW;
  int oh = rest % outH;
  rest /= outH;
  int od = rest % outD;
  int b = rest / outD;
  for (int row = 0; row < rowCount; row++) {
    float *dst = cols + row * k;
    float *batchBase = x + b * inBatchStride;
    const int iw0 = ow * sW - padLeft;
    const int wholeRow = dilW == 1 && iw0 >= 0 && iw0 + fW <= inW;
    for (int fd = 0; fd < fD; fd++) {
      const int id = od * sD - padFront + fd * dilD;
      if (id < 0 || id >= inD) {
        if (!add) zero(dst, planeLength);
        dst += planeLength;
        continue;
      }
      for (int fh = 0; fh < fH; fh++) {
        const int ih = oh * sH - padTop + fh * dilH;
        if (ih < 0 || ih >= inH) {
          if (!add) zero(dst, rowLength);
          dst += rowLength;
          continue;
        }
        float *rowBase = batchBase + id * inPlaneStride + ih * inRowStride;
        if (wholeRow) {
          /* The filter row lies inside the input: one contiguous run in channels-last memory. */
          float *src = rowBase + iw0 * ci;
          if (add) for (int c = 0; c < rowLength; c++) src[c] += dst[c];
          else __builtin_memcpy(dst, src, (unsigned long)rowLength * sizeof(float));
          dst += rowLength;
          continue;
        }
        for (int fw = 0; fw < fW; fw++, dst += ci) {
          const int iw = iw0 + fw * dilW;
          if (iw < 0 || iw >= inW) {
            if (!add) zero(dst, ci);
            continue;
          }
          float *src = rowBase + iw * ci;
          if (add) for (int c = 0; c < ci; c++) src[c] += dst[c];
          else __builtin_memcpy(dst, src, (unsigned long)ci * sizeof(float));
        }
      }
    }
    if (++ow == outW) {
      ow = 0;
      if (++oh == outH) {
        oh = 0;
        if (++od == outD) { od = 0; b++; }
      }
    }
  }
}

/* Floats of scratch the three kernels need: one im2col chunk plus two filter-sized buffers. */
EXPORT(conv_scratch_floats) int conv_scratch_floats(const int *g) {
  int rows = output_positions(g);
  if (rows > g[G_CHUNK_ROWS]) rows = g[G_CHUNK_ROWS];
  return rows * patch_size(g) + 2 * patch_size(g) * g[G_OUT_C] + 4;
}

/* y[positions×outC] = im2col(x) · w[patch×outC]. */
EXPORT(conv_forward) void conv_forward(const int *g, float *x, const float *w, float *y, float *scratch) {
  const int positions = output_positions(g), k = patch_size(g), co = g[G_OUT_C], step = g[G_CHUNK_ROWS];
  float *cols = scratch, *wT = scratch + (positions < step ? positions : step) * k;
  const int narrow = co < 8;
  if (narrow) transpose(w, k, co, wT);
  else zero(y, positions * co);
  for (int start = 0; start < positions; start += step) {
    const int rows = positions - start < step ? positions - start : step;
    patches(g, x, start, rows, cols, 0);
    if (narrow) gemm_nt(rows, co, k, cols, wT, y + start * co, co);
    else gemm_nn(rows, co, k, cols, k, 1, w, co, y + start * co, co);
  }
}

/* dx = col2im(dy · wᵀ), dx the size of the input. */
EXPORT(conv_backprop_input) void conv_backprop_input(const int *g, const float *dy, const float *w, float *dx, float *scratch) {
  const int positions = output_positions(g), k = patch_size(g), co = g[G_OUT_C], step = g[G_CHUNK_ROWS];
  float *dcols = scratch, *wT = scratch + (positions < step ? positions : step) * k;
  const int narrow = k < 8;
  if (!narrow) transpose(w, k, co, wT);
  zero(dx, g[G_BATCH] * g[G_IN_D] * g[G_IN_H] * g[G_IN_W] * g[G_IN_C]);
  for (int start = 0; start < positions; start += step) {
    const int rows = positions - start < step ? positions - start : step;
    if (narrow) {
      gemm_nt(rows, k, co, dy + start * co, w, dcols, k);
    } else {
      zero(dcols, rows * k);
      gemm_nn(rows, k, co, dy + start * co, co, 1, wT, k, dcols, k);
    }
    patches(g, dx, start, rows, dcols, 1);
  }
}

/* dw[patch×outC] = Σ_chunks im2col(x)ᵀ · dy (or its transpose when outC is narrow). */
EXPORT(conv_backprop_filter) void conv_backprop_filter(const int *g, float *x, const float *dy, float *dw, float *scratch) {
  const int positions = output_positions(g), k = patch_size(g), co = g[G_OUT_C], step = g[G_CHUNK_ROWS];
  float *cols = scratch, *dwT = scratch + (positions < step ? positions : step) * k;
  const int narrow = co < 8;
  if (narrow) zero(dwT, k * co);
  else zero(dw, k * co);
  for (int start = 0; start < positions; start += step) {
    const int rows = positions - start < step ? positions - start : step;
    patches(g, x, start, rows, cols, 0);
    if (narrow) gemm_nn(co, k, rows, dy + start * co, 1, co, cols, k, dwT, k);
    else gemm_nn(k, co, rows, cols, 1, k, dy + start * co, co, dw, co);
  }
  if (narrow) transpose(dwT, co, k, dw);
}
