/**
 * A small PNG codec on bytes (no Node API, no DOM): decoding of non-interlaced 8- and 16-bit
 * grey, grey+alpha, RGB, RGBA and 8-bit palette images to RGBA, and encoding of RGBA as an 8-bit
 * PNG. zlib streams through fflate. Enough for image slices and report panels in Node and browsers.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { FormatError, ShapeError } from '../errors.js';

/** Decoded pixels: row-major RGBA bytes, `width · height · 4` long. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Samples per pixel by PNG colour type. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG chunks use) of `bytes`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
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

/** Reverses the per-row filters in place; `stride` = bytes per row, `bpp` = bytes per pixel (≥ 1). */
function unfilter(data: Uint8Array, height: number, stride: number, bpp: number, source: string): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const at = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[at + x - bpp] : 0;
      const b = y > 0 ? out[at - stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[at - stride + x - bpp] : 0;
      let predictor: number;
      if (filter === 0) predictor = 0;
      else if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) predictor = paeth(a, b, c);
      else throw new FormatError(`decodePngRgba: ${source} row ${y} has filter type ${filter}; expected 0–4.`);
      out[at + x] = (row[x] + predictor) & 0xff;
    }
  }
  return out;
}

/**
 * Decodes PNG bytes to RGBA. `source` names the file in errors.
 * @throws FormatError for a bad signature, a damaged chunk (CRC), truncated data, or an unsupported
 * kind of PNG (interlaced, bit depth other than 8/16, or below 8 bits), with what was found.
 */
export function decodePngRgba(bytes: Uint8Array, source = 'buffer'): RgbaImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b))
    throw new FormatError(`decodePngRgba: ${source} does not start with the PNG signature; it is not a PNG file.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = -1;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let offset = 8;
  for (;;) {
    if (offset + 12 > bytes.length)
      throw new FormatError(`decodePngRgba: ${source} is truncated at byte ${offset} of ${bytes.length} (no IEND chunk).`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 8 + length;
    if (end + 4 > bytes.length)
      throw new FormatError(`decodePngRgba: ${source} is truncated: chunk ${type} announces ${length} bytes but the file ends first.`);
    if (crc32(bytes, offset + 4, end) !== view.getUint32(end))
      throw new FormatError(`decodePngRgba: ${source} is damaged: chunk ${type} fails its CRC check.`);
    const body = bytes.subarray(offset + 8, end);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      bitDepth = body[8];
      colorType = body[9];
      if (body[12] !== 0) throw new FormatError(`decodePngRgba: ${source} is interlaced (Adam7); only non-interlaced PNGs are supported.`);
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    offset = end + 4;
  }
  const channels = CHANNELS[colorType];
  if (channels === undefined || width < 1 || height < 1)
    throw new FormatError(`decodePngRgba: ${source} has colour type ${colorType} and size ${width}×${height}; expected a valid IHDR.`);
  if (!(bitDepth === 8 || (bitDepth === 16 && colorType !== 3))) {
    throw new FormatError(
      `decodePngRgba: ${source} has bit depth ${bitDepth} (colour type ${colorType}); supported: 8, and 16 for non-palette images.`,
    );
  }
  if (colorType === 3 && palette === null) throw new FormatError(`decodePngRgba: ${source} is a palette image without a PLTE chunk.`);
  const compressed = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((at, chunk) => (compressed.set(chunk, at), at + chunk.length), 0);
  const bytesPerSample = bitDepth / 8;
  const bpp = channels * bytesPerSample;
  const stride = width * bpp;
  let inflated: Uint8Array;
  try {
    inflated = unzlibSync(compressed);
  } catch (error) {
    throw new FormatError(`decodePngRgba: ${source} has damaged image data (${(error as Error).message}).`);
  }
  if (inflated.length < height * (stride + 1))
    throw new FormatError(
      `decodePngRgba: ${source} holds ${inflated.length} bytes of pixels; ${height * (stride + 1)} expected for ${width}×${height}.`,
    );
  const pixels = unfilter(inflated, height, stride, bpp, source);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const sample = (k: number) => pixels[i * bpp + k * bytesPerSample]; // the high byte of 16-bit samples
    let pixel: [number, number, number, number];
    if (colorType === 0) pixel = [sample(0), sample(0), sample(0), 255];
    else if (colorType === 4) pixel = [sample(0), sample(0), sample(0), sample(1)];
    else if (colorType === 2) pixel = [sample(0), sample(1), sample(2), 255];
    else if (colorType === 6) pixel = [sample(0), sample(1), sample(2), sample(3)];
    else {
      const index = sample(0);
      const alpha = transparency !== null && index < transparency.length ? transparency[index] : 255;
      pixel = [palette![3 * index], palette![3 * index + 1], palette![3 * index + 2], alpha];
    }
    rgba.set(pixel, 4 * i);
  }
  return { width, height, rgba };
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out, 4, 8 + body.length));
  return out;
}

/**
 * Encodes RGBA bytes (`width · height · 4`, row-major) as an 8-bit RGBA PNG (filter 0, zlib level 6).
 * @throws ShapeError when the byte count does not match the size.
 */
export function encodePngRgba(rgba: Uint8Array, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== width * height * 4) {
    throw new ShapeError('encodePng', 'rgba', [rgba.length], `width · height · 4 = ${width * height * 4} bytes for ${width}×${height}`);
  }
  const header = new Uint8Array(13);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, width);
  headerView.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8);
  const stride = width * 4;
  const filtered = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) filtered.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [
    Uint8Array.from(SIGNATURE),
    chunk('IHDR', header),
    chunk('IDAT', zlibSync(filtered, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
  return out;
}
