/**
 * Channels-last convolution and its two gradients as im2col + `gemm`, on plain Float32Arrays.
 *
 * The im2col matrix is never built for the whole batch: output positions are processed in chunks
 * of at most `CONV_CHUNK_ELEMENTS` im2col entries, so extra memory stays bounded (≈ 4 MiB of
 * float32 by default) even for [1, 64, 64, 64, C] volumes.
 */
import { type ConvGeometry, isPointwise, outputPositions, patchSize } from './conv-geometry.js';
import { gemm, rowMajor, transposedRowMajor } from './gemm.js';
import { col2im, im2col } from './im2col.js';

/** Upper bound on the entries of one im2col chunk (float32 entries; 2^20 = 4 MiB). */
export const CONV_CHUNK_ELEMENTS = 1 << 20;

let scratch = new Float32Array(0);

/** A reusable im2col buffer of at least `length` entries (grown, never shrunk below the largest chunk). */
function chunkBuffer(length: number): Float32Array {
  if (scratch.length < length) scratch = new Float32Array(length);
  return scratch;
}

/** Output positions per chunk: a multiple of the register tile, at least one tile. */
function chunkRows(g: ConvGeometry): number {
  const rows = Math.floor(CONV_CHUNK_ELEMENTS / patchSize(g));
  return Math.max(4, rows - (rows % 4));
}

/**
 * y = conv(x, filter): x is [batch, inDepth, inHeight, inWidth, inChannels], filter
 * [filterDepth, filterHeight, filterWidth, inChannels, outChannels], y [batch, outDepth, outHeight, outWidth, outChannels],
 * all flattened row-major. Returns a new array owned by the caller.
 */
export function convForward(g: ConvGeometry, x: Float32Array, filter: Float32Array): Float32Array {
  const positions = outputPositions(g);
  const k = patchSize(g);
  const co = g.outChannels;
  const y = new Float32Array(positions * co);
  const w = rowMajor(filter, co);
  if (isPointwise(g)) {
    gemm(positions, co, k, rowMajor(x, k), w, y, 0, co);
    return y;
  }
  const step = chunkRows(g);
  const cols = chunkBuffer(Math.min(step, positions) * k);
  for (let start = 0; start < positions; start += step) {
    const rows = Math.min(step, positions - start);
    im2col(g, x, start, rows, cols);
    gemm(rows, co, k, rowMajor(cols, k), w, y, start * co, co);
  }
  return y;
}

/**
 * dx = ∂L/∂x given dy = ∂L/∂y: for each chunk, dcols = dy · filterᵀ, then col2im adds each column
 * back onto the input position it came from. Returns a new array of the input's size, owned by the caller.
 */
export function convBackpropInput(g: ConvGeometry, dy: Float32Array, filter: Float32Array): Float32Array {
  const positions = outputPositions(g);
  const k = patchSize(g);
  const co = g.outChannels;
  const dx = new Float32Array(g.batchSize * g.inDepth * g.inHeight * g.inWidth * g.inChannels);
  const wT = transposedRowMajor(filter, co);
  if (isPointwise(g)) {
    gemm(positions, k, co, rowMajor(dy, co), wT, dx, 0, k);
    return dx;
  }
  const step = chunkRows(g);
  const dcols = chunkBuffer(Math.min(step, positions) * k);
  for (let start = 0; start < positions; start += step) {
    const rows = Math.min(step, positions - start);
    dcols.fill(0, 0, rows * k);
    gemm(rows, k, co, rowMajor(dy, co, start * co), wT, dcols, 0, k);
    col2im(g, dcols, start, rows, dx);
  }
  return dx;
}

/**
 * dFilter = ∂L/∂filter given x and dy: the sum over chunks of colsᵀ · dy, a [patchSize, outChannels]
 * matrix that is the filter's [fd, fh, fw, inChannels, outChannels] layout. Returns a new array owned by the caller.
 */
export function convBackpropFilter(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float32Array {
  const positions = outputPositions(g);
  const k = patchSize(g);
  const co = g.outChannels;
  const dw = new Float32Array(k * co);
  if (isPointwise(g)) {
    gemm(k, co, positions, transposedRowMajor(x, k), rowMajor(dy, co), dw, 0, co);
    return dw;
  }
  const step = chunkRows(g);
  const cols = chunkBuffer(Math.min(step, positions) * k);
  for (let start = 0; start < positions; start += step) {
    const rows = Math.min(step, positions - start);
    im2col(g, x, start, rows, cols);
    gemm(k, co, rows, transposedRowMajor(cols, k), rowMajor(dy, co, start * co), dw, 0, co);
  }
  return dw;
}
