import test from 'ava';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { decodePngBytes, encodePngBytes, pngPixelsToGrey, type PngPixels } from '../../../src/io/png-bytes.js';
import { decodePng } from '../../../src/io/png.js';
import { FormatError, ShapeError } from '../../../src/errors.js';

const COLOR_TYPES = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** pngjs's encoding of `pixels` (it picks a filter per row by its heuristic, so all five filters occur). */
function pngjsEncode(pixels: PngPixels): Uint8Array {
  const png = new PNG({ width: pixels.width, height: pixels.height, colorType: COLOR_TYPES[pixels.channels], inputColorType: COLOR_TYPES[pixels.channels], inputHasAlpha: pixels.channels % 2 === 0 });
  png.data = Buffer.from(pixels.data);
  return PNG.sync.write(png, { colorType: COLOR_TYPES[pixels.channels], inputColorType: COLOR_TYPES[pixels.channels], inputHasAlpha: pixels.channels % 2 === 0 });
}

const pixelsArbitrary = fc
  .record({ width: fc.integer({ min: 1, max: 24 }), height: fc.integer({ min: 1, max: 24 }), channels: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const), seed: fc.integer() })
  .map(({ width, height, channels, seed }): PngPixels => {
    // Smooth ramps plus noise, so pngjs's filter heuristic picks Sub/Up/Average/Paeth on some rows.
    let state = seed >>> 0;
    const data = Uint8Array.from({ length: width * height * channels }, (_, i) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return ((i % (width * channels)) * 7 + Math.floor(i / (width * channels)) * 3 + (state >>> 29)) & 0xff;
    });
    return { width, height, channels, data };
  });

test('decodePngBytes reads what pngjs writes, byte for byte (grey, grey+alpha, RGB, RGBA; all filter types)', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(pixelsArbitrary, (pixels) => {
      const decoded = decodePngBytes(pngjsEncode(pixels));
      return decoded.width === pixels.width && decoded.height === pixels.height && decoded.channels === pixels.channels && Buffer.from(decoded.data).equals(Buffer.from(pixels.data));
    }),
    { numRuns: 60, seed: 12 },
  ));
});

test('pngjs reads what encodePngBytes writes, and so does decodePngBytes', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(pixelsArbitrary, (pixels) => {
      const bytes = encodePngBytes(pixels);
      const png = PNG.sync.read(Buffer.from(bytes));
      const rgba = new Uint8Array(pixels.width * pixels.height * 4);
      for (let i = 0; i < pixels.width * pixels.height; i++) {
        const p = pixels.data.subarray(i * pixels.channels, (i + 1) * pixels.channels);
        const [r, g, b, a] = pixels.channels >= 3 ? [p[0], p[1], p[2], pixels.channels === 4 ? p[3] : 255] : [p[0], p[0], p[0], pixels.channels === 2 ? p[1] : 255];
        rgba.set([r, g, b, a], i * 4);
      }
      const ours = decodePngBytes(bytes);
      return Buffer.from(png.data).equals(Buffer.from(rgba)) && Buffer.from(ours.data).equals(Buffer.from(pixels.data));
    }),
    { numRuns: 40, seed: 13 },
  ));
});

test('pngPixelsToGrey gives the same grey values as the pngjs-based decodePng', (t) => {
  for (const channels of [1, 3, 4] as const) {
    const pixels: PngPixels = { width: 5, height: 3, channels, data: Uint8Array.from({ length: 15 * channels }, (_, i) => (i * 37) & 0xff) };
    const bytes = encodePngBytes(pixels);
    t.deepEqual(Array.from(pngPixelsToGrey(decodePngBytes(bytes))), Array.from(decodePng(bytes).data), `channels ${channels}`);
  }
});

/** Rewrites byte `index` of chunk IHDR's data and fixes its CRC, so only the field is wrong. */
function withHeaderByte(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[16 + index] = value;
  let c = 0xffffffff;
  for (let i = 12; i < 29; i++) {
    c ^= out[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  new DataView(out.buffer).setUint32(29, (c ^ 0xffffffff) >>> 0);
  return out;
}

test('bad input: not a PNG, truncated, bad CRC, interlaced, 16-bit, palette → FormatError naming the problem', (t) => {
  const good = encodePngBytes({ width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(9) });
  t.throws(() => decodePngBytes(new TextEncoder().encode('hello, not an image'), 'notes.txt'), { instanceOf: FormatError, message: /notes\.txt is not a PNG/ });
  t.throws(() => decodePngBytes(good.subarray(0, good.length - 20)), { instanceOf: FormatError, message: /truncated|cannot be inflated/ });
  const corrupt = Uint8Array.from(good);
  corrupt[40] ^= 0xff;
  t.throws(() => decodePngBytes(corrupt), { instanceOf: FormatError, message: /bad CRC/ });
  t.throws(() => decodePngBytes(withHeaderByte(good, 12, 1)), { instanceOf: FormatError, message: /interlaced/ });
  t.throws(() => decodePngBytes(withHeaderByte(good, 8, 16)), { instanceOf: FormatError, message: /bit depth 16/ });
  t.throws(() => decodePngBytes(withHeaderByte(good, 9, 3)), { instanceOf: FormatError, message: /colour type 3/ });
  t.throws(() => encodePngBytes({ width: 4, height: 4, channels: 3, data: new Uint8Array(16) }), { instanceOf: ShapeError });
});
