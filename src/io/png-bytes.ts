/**
 * PNG decoding and encoding on plain bytes (`Uint8Array`), with no Node API: runs in browsers and
 * in Node alike. Inflate/deflate come from fflate. Covers what slices and panels need: 8-bit grey,
 * grey + alpha, RGB and RGBA, non-interlaced (PNG specification, W3C 2003, §§ 5, 9, 11).
 * Anything else (palette, 16-bit, interlaced) is refused with a `FormatError`.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { FormatError, ShapeError } from '../errors.js';

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Channels per pixel of each supported colour type (PNG §11.2.2): grey, RGB, grey + alpha, RGBA. */
const CHANNELS_BY_COLOR_TYPE: Readonly<Record<number, 1 | 2 | 3 | 4>> = { 0: 1, 2: 3, 4: 2, 6: 4 };
const COLOR_TYPE_BY_CHANNELS: Readonly<Record<number, number>> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** Decoded pixels: `height · width · channels` bytes, row-major, channels interleaved. */
export interface PngPixels {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of PNG chunks (PNG §5.5, ISO 3309). */
function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reverses the per-scanline filters (PNG §9) of `raw` into `out`. */
function unfilter(raw: Uint8Array, out: Uint8Array, width: number, height: number, bpp: number, source: string): void {
  const stride = width * bpp;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const inRow = y * (stride + 1) + 1;
    const row = y * stride;
    const prior = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prior + x] : 0;
      const c = x >= bpp && y > 0 ? out[prior + x - bpp] : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >>> 1; break;
        case 4: predictor = paeth(a, b, c); break;
        default: throw new FormatError(`decodePngBytes: ${source} has filter type ${filter} on row ${y}; expected 0 to 4 (corrupt file).`);
      }
      out[row + x] = (raw[inRow + x] + predictor) & 0xff;
    }
  }
}

/**
 * Decodes PNG bytes to pixels (8-bit grey, grey + alpha, RGB or RGBA; not interlaced). Chunk CRCs
 * are checked. `source` names the file in errors. Throws `FormatError` for anything that is not
 * such a PNG: wrong signature, truncated or corrupt chunks, palette / 16-bit / interlaced images.
 *
 * @returns new pixels owned by the caller.
 */
export function decodePngBytes(bytes: Uint8Array, source = 'buffer'): PngPixels {
  const where = 'decodePngBytes';
  if (!(bytes instanceof Uint8Array)) throw new FormatError(`${where}: ${source} is not a Uint8Array of PNG bytes.`);
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new FormatError(`${where}: ${source} is not a PNG (its first bytes are not the PNG signature).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: { width: number; height: number; channels: 1 | 2 | 3 | 4 } | null = null;
  const idat: Uint8Array[] = [];
  let offset = 8;
  let ended = false;
  while (offset < bytes.length && !ended) {
    if (offset + 12 > bytes.length) throw new FormatError(`${where}: ${source} is truncated inside a chunk header at byte ${offset}.`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) throw new FormatError(`${where}: ${source} is truncated: chunk '${type}' announces ${length} bytes past the end of the file.`);
    if (crc32(bytes, offset + 4, dataEnd) !== view.getUint32(dataEnd)) throw new FormatError(`${where}: ${source} has a bad CRC in chunk '${type}' (corrupt file).`);
    if (type === 'IHDR') {
      const [width, height] = [view.getUint32(dataStart), view.getUint32(dataStart + 4)];
      const [bitDepth, colorType, , , interlace] = bytes.subarray(dataStart + 8, dataStart + 13);
      const channels = CHANNELS_BY_COLOR_TYPE[colorType];
      if (channels === undefined) throw new FormatError(`${where}: ${source} has colour type ${colorType}; supported: 0 (grey), 2 (RGB), 4 (grey + alpha), 6 (RGBA).`);
      if (bitDepth !== 8) throw new FormatError(`${where}: ${source} has bit depth ${bitDepth}; supported: 8.`);
      if (interlace !== 0) throw new FormatError(`${where}: ${source} is interlaced (Adam7); supported: non-interlaced PNGs.`);
      if (width < 1 || height < 1) throw new FormatError(`${where}: ${source} has size ${width}×${height}; expected at least 1×1.`);
      header = { width, height, channels };
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(dataStart, dataEnd));
    } else if (type === 'IEND') {
      ended = true;
    }
    offset = dataEnd + 4;
  }
  if (header === null) throw new FormatError(`${where}: ${source} has no IHDR chunk.`);
  if (idat.length === 0) throw new FormatError(`${where}: ${source} has no image data (IDAT chunk).`);
  const compressed = new Uint8Array(idat.reduce((n, part) => n + part.length, 0));
  idat.reduce((at, part) => (compressed.set(part, at), at + part.length), 0);
  let raw: Uint8Array;
  try {
    raw = unzlibSync(compressed);
  } catch (error) {
    throw new FormatError(`${where}: ${source} has image data that cannot be inflated (${(error as Error).message}); the file is truncated or corrupt.`);
  }
  const { width, height, channels } = header;
  if (raw.length < height * (width * channels + 1)) {
    throw new FormatError(`${where}: ${source} has ${raw.length} bytes of image data; ${width}×${height} with ${channels} channel(s) needs ${height * (width * channels + 1)}.`);
  }
  const data = new Uint8Array(width * height * channels);
  unfilter(raw, data, width, height, channels, source);
  return { width, height, channels, data };
}

/** Grey values in [0, 1] of decoded pixels: luminance 0.299 R + 0.587 G + 0.114 B (alpha ignored), as `decodePng` computes it. */
export function pngPixelsToGrey(pixels: PngPixels): Float32Array {
  const { width, height, channels, data } = pixels;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) {
    const [r, g, b] = channels >= 3 ? [data[i * channels], data[i * channels + 1], data[i * channels + 2]] : [data[i * channels], data[i * channels], data[i * channels]];
    grey[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  }
  return grey;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * Encodes 8-bit pixels (`height · width · channels` bytes, channels 1 grey, 2 grey + alpha, 3 RGB,
 * 4 RGBA) as a non-interlaced PNG (filter 0 on every row, zlib level 6). Throws `ShapeError` when
 * the byte count does not match. Returns new bytes.
 */
export function encodePngBytes(pixels: PngPixels): Uint8Array {
  const { width, height, channels, data } = pixels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || COLOR_TYPE_BY_CHANNELS[channels] === undefined || data.length !== width * height * channels) {
    throw new ShapeError('encodePngBytes', 'pixels', [height, width, channels], `${height}×${width}×channels bytes (${data.length} given) with channels 1, 2, 3 or 4 and width, height ≥ 1`);
  }
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, COLOR_TYPE_BY_CHANNELS[channels], 0, 0, 0], 8);
  const parts = [Uint8Array.from(PNG_SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw, { level: 6 })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
  return out;
}
