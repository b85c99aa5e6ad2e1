/** A 3×5 pixel font for the numbers under colour bars and the panel titles (digits, '.', '-', '+', a–z, space). */

const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '001', '001', '001'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '.': ['000', '000', '000', '000', '010'],
  '-': ['000', '000', '111', '000', '000'],
  '+': ['000', '010', '111', '010', '000'],
  e: ['000', '111', '111', '100', '111'],
  a: ['000', '110', '011', '101', '111'],
  b: ['100', '100', '111', '101', '111'],
  c: ['000', '111', '100', '100', '111'],
  d: ['001', '001', '111', '101', '111'],
  f: ['011', '100', '110', '100', '100'],
  g: ['011', '101', '011', '001', '110'],
  h: ['100', '100', '111', '101', '101'],
  i: ['010', '000', '010', '010', '010'],
  j: ['001', '000', '001', '101', '010'],
  k: ['100', '101', '110', '101', '101'],
  l: ['010', '010', '010', '010', '011'],
  m: ['000', '000', '111', '111', '101'],
  n: ['000', '000', '110', '101', '101'],
  o: ['000', '000', '111', '101', '111'],
  p: ['000', '111', '101', '111', '100'],
  q: ['000', '111', '101', '111', '001'],
  r: ['000', '000', '111', '100', '100'],
  s: ['000', '011', '110', '011', '110'],
  t: ['010', '111', '010', '010', '011'],
  u: ['000', '000', '101', '101', '111'],
  v: ['000', '000', '101', '101', '010'],
  w: ['000', '000', '101', '111', '111'],
  x: ['000', '000', '101', '010', '101'],
  y: ['000', '101', '111', '001', '110'],
  z: ['000', '111', '011', '110', '111'],
  ' ': ['000', '000', '000', '000', '000'],
};

/** Pixel width of `text` at `scale` (3 px per glyph plus 1 px spacing, times scale). */
export function textWidth(text: string, scale: number): number {
  return Math.max(0, text.length * 4 - 1) * scale;
}

/** Formats a colour-bar number in at most ~6 glyphs: fixed below 1000 and above 0.01, else exponential. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 0.01 && magnitude < 1000) return String(Number(value.toPrecision(2)));
  return value.toExponential(0).replace('e+', 'e');
}

/** Draws `text` into RGBA `pixels` of row width `width` with its top-left corner at (x, y). Unknown characters are skipped. */
export function drawText(
  pixels: Uint8Array,
  width: number,
  text: string,
  x: number,
  y: number,
  scale: number,
  colour: readonly [number, number, number],
): void {
  const height = pixels.length / 4 / width;
  [...text].forEach((character, index) => {
    const glyph = GLYPHS[character];
    if (glyph === undefined) return;
    for (let row = 0; row < 5; row++) {
      for (let column = 0; column < 3; column++) {
        if (glyph[row][column] !== '1') continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (index * 4 + column) * scale + dx;
            const py = y + row * scale + dy;
            if (px < 0 || py < 0 || px >= width || py >= height) continue;
            pixels.set([colour[0], colour[1], colour[2], 255], 4 * (py * width + px));
          }
        }
      }
    }
  });
}
