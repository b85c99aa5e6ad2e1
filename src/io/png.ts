/**
 * PNG images as grey values: decoding bytes to grey, encoding RGBA bytes (the codec is
 * `png-codec.ts`, no Node API). Files and folders of slices are in `png-file.ts` (Node only).
 */
import { FormatError } from '../errors.js';
import { decodePngRgba, encodePngRgba } from './png-codec.js';

/** One decoded PNG as grey values. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** Row-major grey values in [0, 1] (luminance 0.299 R + 0.587 G + 0.114 B for colour PNGs). */
  readonly data: Float32Array;
}

/** Decodes PNG bytes to grey values. `source` names the file in errors. Throws `FormatError` when the bytes are not a valid PNG. */
export function decodePng(bytes: Uint8Array, source = 'buffer'): GreyImage {
  let png;
  try {
    png = decodePngRgba(bytes, source);
  } catch (error) {
    throw new FormatError(`decodePng: ${source} is not a readable PNG (${(error as Error).message}).`);
  }
  const data = new Float32Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) {
    data[i] = (0.299 * png.rgba[4 * i] + 0.587 * png.rgba[4 * i + 1] + 0.114 * png.rgba[4 * i + 2]) / 255;
  }
  return { width: png.width, height: png.height, data };
}

/** Encodes RGBA bytes (`width · height · 4`) as an 8-bit RGBA PNG. Throws `ShapeError` when the byte count does not fit. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  return encodePngRgba(rgba, width, height);
}
