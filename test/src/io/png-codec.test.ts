import test from 'ava';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { lcgBytes } from '../../helpers/lcg.js';
import { decodePngRgba, encodePngRgba, crc32 } from '../../../src/io/png-codec.js';
import { base64ToBytes, bytesToBase64 } from '../../../src/io/base64.js';
import { FormatError, ShapeError } from '../../../src/errors.js';

function pseudoRandomRgba(width: number, height: number, seed: number): Uint8Array {
  return lcgBytes(width * height * 4, seed);
}

test('crc32 of "IEND" is the constant every PNG ends with (0xAE426082)', (t) => {
  t.is(crc32(new TextEncoder().encode('IEND')), 0xae426082);
});

test('encodePngRgba output decodes with pngjs to the same pixels, and decodePngRgba reads it back exactly', (t) => {
  const rgba = pseudoRandomRgba(7, 5, 3);
  const bytes = encodePngRgba(rgba, 7, 5);
  const png = PNG.sync.read(Buffer.from(bytes));
  t.deepEqual([png.width, png.height], [7, 5]);
  t.deepEqual(Uint8Array.from(png.data), rgba);
  t.deepEqual(decodePngRgba(bytes).rgba, rgba);
});

test('decodePngRgba reads pngjs files of every colour type, 8 and 16 bits, with every row filter', (t) => {
  const width = 9;
  const height = 6;
  const rgba = pseudoRandomRgba(width, height, 11);
  for (const [colorType, bitDepth] of [
    [0, 8],
    [2, 8],
    [4, 8],
    [6, 8],
    [0, 16],
    [2, 16],
    [6, 16],
  ] as const) {
    for (const filterType of [0, 1, 2, 3, 4]) {
      const png = new PNG({ width, height, colorType, bitDepth, inputColorType: 6, inputHasAlpha: true, filterType });
      png.data = Buffer.from(rgba);
      const bytes = PNG.sync.write(png, { colorType, bitDepth, inputColorType: 6, inputHasAlpha: true, filterType });
      const reference = PNG.sync.read(bytes, { skipRescale: true });
      const decoded = decodePngRgba(new Uint8Array(bytes));
      const expected =
        bitDepth === 16 ? Uint8Array.from(reference.data as unknown as ArrayLike<number>, (v) => v >> 8) : Uint8Array.from(reference.data);
      t.deepEqual(decoded.rgba, expected, `colour type ${colorType}, ${bitDepth} bits, filter ${filterType}`);
    }
  }
});

test('damaged, truncated or foreign bytes are FormatErrors that say what is wrong', (t) => {
  const bytes = encodePngRgba(pseudoRandomRgba(4, 4, 1), 4, 4);
  t.throws(() => decodePngRgba(new TextEncoder().encode('GIF89a........'), "'x.gif'"), {
    instanceOf: FormatError,
    message: /'x\.gif' does not start with the PNG signature/,
  });
  const damaged = bytes.slice();
  damaged[40] ^= 0xff;
  t.throws(() => decodePngRgba(damaged), { instanceOf: FormatError, message: /fails its CRC check/ });
  t.throws(() => decodePngRgba(bytes.subarray(0, 30)), { instanceOf: FormatError, message: /truncated/ });
  t.throws(() => encodePngRgba(new Uint8Array(10), 2, 2), { instanceOf: ShapeError });
});

test("base64 matches Node's Buffer both ways on arbitrary bytes, and rejects foreign characters", (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const text = bytesToBase64(bytes);
      return text === Buffer.from(bytes).toString('base64') && Buffer.from(base64ToBytes(text)).equals(Buffer.from(bytes));
    }),
  );
  t.throws(() => base64ToBytes('ab$d'), { instanceOf: FormatError, message: /'\$' at position 2/ });
});
