/**
 * im2col and its adjoint col2im for channels-last convolutions, over a range of output positions
 * so that callers can bound memory by working in chunks.
 *
 * Row r of the im2col matrix is output position r = ((b·outDepth + od)·outHeight + oh)·outWidth + ow;
 * its columns are the receptive field in filter order (fd, fh, fw, inChannel), which is the row order
 * of the filter tensor [fd, fh, fw, inChannels, outChannels] read as a [patchSize, outChannels] matrix.
 */
import { type ConvGeometry, patchSize } from './conv-geometry.js';

/**
 * Writes rows [rowStart, rowStart + rowCount) of the im2col matrix of `x` (channels-last input,
 * [batch, inDepth, inHeight, inWidth, inChannels] flattened) into `cols` (row-major, patchSize columns).
 * Padding positions are written as zeros.
 */
export function im2col(g: ConvGeometry, x: Float32Array, rowStart: number, rowCount: number, cols: Float32Array): void {
  visitPatches(g, rowStart, rowCount, (dst, src, length) => {
    if (src < 0) cols.fill(0, dst, dst + length);
    else for (let c = 0; c < length; c++) cols[dst + c] = x[src + c];
  });
}

/**
 * Adds rows [rowStart, rowStart + rowCount) of an im2col-shaped matrix `cols` back onto the input
 * positions they were read from (the adjoint of `im2col`), accumulating into `dx` in place.
 */
export function col2im(g: ConvGeometry, cols: Float32Array, rowStart: number, rowCount: number, dx: Float32Array): void {
  visitPatches(g, rowStart, rowCount, (dst, src, length) => {
    if (src >= 0) for (let c = 0; c < length; c++) dx[src + c] += cols[dst + c];
  });
}

/**
 * Calls `segment(dst, src, length)` for each contiguous run of one patch row: `dst` indexes the chunk of
 * the im2col matrix, `src` the input (or −1 when the run lies in the padding), `length` a multiple of inChannels.
 * Runs that fall entirely in padding are merged per filter row / plane, so padding costs one call.
 */
function visitPatches(
  g: ConvGeometry,
  rowStart: number,
  rowCount: number,
  segment: (dst: number, src: number, length: number) => void,
): void {
  const k = patchSize(g);
  const ci = g.inChannels;
  const rowLength = g.filterWidth * ci;
  const planeLength = g.filterHeight * rowLength;
  const inRowStride = g.inWidth * ci;
  const inPlaneStride = g.inHeight * inRowStride;
  const inBatchStride = g.inDepth * inPlaneStride;
  let ow = rowStart % g.outWidth;
  let rest = (rowStart - ow) / g.outWidth;
  let oh = rest % g.outHeight;
  rest = (rest - oh) / g.outHeight;
  let od = rest % g.outDepth;
  let b = (rest - od) / g.outDepth;
  for (let row = 0; row < rowCount; row++) {
    let dst = row * k;
    const batchBase = b * inBatchStride;
    for (let fd = 0; fd < g.filterDepth; fd++) {
      const id = od * g.strideDepth - g.padFront + fd * g.dilationDepth;
      if (id < 0 || id >= g.inDepth) {
        segment(dst, -1, planeLength);
        dst += planeLength;
        continue;
      }
      for (let fh = 0; fh < g.filterHeight; fh++) {
        const ih = oh * g.strideHeight - g.padTop + fh * g.dilationHeight;
        if (ih < 0 || ih >= g.inHeight) {
          segment(dst, -1, rowLength);
          dst += rowLength;
          continue;
        }
        const rowBase = batchBase + id * inPlaneStride + ih * inRowStride;
        const iw0 = ow * g.strideWidth - g.padLeft;
        if (g.dilationWidth === 1 && iw0 >= 0 && iw0 + g.filterWidth <= g.inWidth) {
          // The whole filter row is inside the input and contiguous in channels-last memory.
          segment(dst, rowBase + iw0 * ci, rowLength);
          dst += rowLength;
          continue;
        }
        for (let fw = 0; fw < g.filterWidth; fw++, dst += ci) {
          const iw = iw0 + fw * g.dilationWidth;
          segment(dst, iw < 0 || iw >= g.inWidth ? -1 : rowBase + iw * ci, ci);
        }
      }
    }
    if (++ow === g.outWidth) {
      ow = 0;
      if (++oh === g.outHeight) {
        oh = 0;
        if (++od === g.outDepth) {
          od = 0;
          b++;
        }
      }
    }
  }
}
