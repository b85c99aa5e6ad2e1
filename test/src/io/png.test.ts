import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPng, writeGreyPng, readPngSlices, writeUncertaintyPanel } from '../../../src/io/png-file.js';
import {
  encodePng,
  decodePng,
  viridis,
  applyColormap,
  renderUncertaintyPanel,
  PANEL_ORDER,
  PANEL_TITLES,
  VIRIDIS_CONTROL_POINTS,
} from '../../../src/io/index.js';
import { FormatError, ShapeError } from '../../../src/errors.js';

const directory = await mkdtemp(join(tmpdir(), 'tfjs-bnn-png-'));

test('grey PNG write → read keeps values to 8-bit precision', async (t) => {
  const values = Float32Array.from({ length: 12 }, (_, i) => i / 11);
  const path = join(directory, 'grey.png');
  await writeGreyPng(path, values, 4, 3);
  const image = await readPng(path);
  t.deepEqual([image.width, image.height], [4, 3]);
  image.data.forEach((v, i) => t.true(Math.abs(v - values[i]) <= 0.5 / 255 + 1e-6));
});

test('readPngSlices stacks slices in natural order with masks matched by name', async (t) => {
  const images = join(directory, 'slices', 'images');
  const masks = join(directory, 'slices', 'masks');
  await mkdir(images, { recursive: true });
  await mkdir(masks, { recursive: true });
  for (const [name, level] of [
    ['s10.png', 1],
    ['s2.png', 0.5],
  ] as const) {
    await writeGreyPng(join(images, name), new Float32Array(6).fill(level), 3, 2);
    await writeGreyPng(join(masks, name), [0, 1, 0, 0, 0, level === 1 ? 1 : 0], 3, 2);
  }
  const slices = await readPngSlices(images, masks);
  t.deepEqual(slices.files, ['s2.png', 's10.png']);
  t.deepEqual(slices.shape, [2, 2, 3, 1]);
  t.true(Math.abs(slices.image[0] - 128 / 255) < 1e-6);
  t.is(slices.image[6], 1);
  t.deepEqual(Array.from(slices.mask!), [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
});

test('mismatched, missing and corrupt PNG files give ShapeError / FormatError', async (t) => {
  const images = join(directory, 'bad', 'images');
  const masks = join(directory, 'bad', 'masks');
  await mkdir(images, { recursive: true });
  await mkdir(masks, { recursive: true });
  await writeGreyPng(join(images, 'a.png'), new Float32Array(6), 3, 2);
  await writeGreyPng(join(masks, 'a.png'), new Float32Array(4), 2, 2);
  await t.throwsAsync(readPngSlices(images, masks), {
    instanceOf: ShapeError,
    message: /'mask a.png' has shape \[2, 2\]; expected \[2, 3\]/,
  });
  await writeGreyPng(join(images, 'b.png'), new Float32Array(6), 3, 2);
  await writeGreyPng(join(masks, 'a.png'), new Float32Array(6), 3, 2);
  await t.throwsAsync(readPngSlices(images, masks), { instanceOf: FormatError, message: /no readable mask for slice 'b.png'/ });
  await writeGreyPng(join(images, 'c.png'), new Float32Array(4), 2, 2);
  await t.throwsAsync(readPngSlices(images), { instanceOf: ShapeError, message: /'c.png' has shape \[2, 2\]/ });

  const good = encodePng(new Uint8Array(16).fill(200), 2, 2);
  const badMagic = Uint8Array.from(good);
  badMagic[1] = 0x00;
  await writeFile(join(directory, 'bad-magic.png'), badMagic);
  await t.throwsAsync(readPng(join(directory, 'bad-magic.png')), { instanceOf: FormatError, message: /not a readable PNG/ });
  await writeFile(join(directory, 'truncated.png'), good.subarray(0, good.length - 20));
  await t.throwsAsync(readPng(join(directory, 'truncated.png')), { instanceOf: FormatError, message: /not a readable PNG/ });
  await mkdir(join(directory, 'empty'), { recursive: true });
  await t.throwsAsync(readPngSlices(join(directory, 'empty')), { instanceOf: FormatError, message: /holds no .png files/ });
  t.throws(() => decodePng(new Uint8Array([1, 2, 3])), { instanceOf: FormatError });
});

test('viridis matches the published table at its ends and at entries 64, 128 and 192', (t) => {
  t.deepEqual(viridis(0), [0x44, 0x01, 0x54]);
  t.deepEqual(viridis(1), [0xfd, 0xe7, 0x25]);
  const published: Array<[number, string]> = [
    [64, '3b528b'],
    [128, '21918c'],
    [192, '5ec962'],
  ];
  for (const [entry, hex] of published) {
    const expected = [0, 2, 4].map((o) => parseInt(hex.slice(o, o + 2), 16));
    const got = viridis(entry / 255);
    got.forEach((c, i) => t.true(Math.abs(c - expected[i]) <= 2, `entry ${entry}: ${got} vs ${expected}`));
  }
  // Perceptual ordering: luminance rises monotonically along the map.
  const luminance = VIRIDIS_CONTROL_POINTS.map(([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b);
  luminance.slice(1).forEach((l, i) => t.true(l > luminance[i]));
  t.deepEqual(Array.from(applyColormap([0, 10], 0, 10).subarray(4, 8)), [0xfd, 0xe7, 0x25, 255]);
});

test('the uncertainty panel shows five maps with colour bars and returns their scales', async (t) => {
  const height = 4;
  const width = 5;
  const n = height * width;
  const truth = new Float32Array(n);
  truth[7] = 1;
  const maps = {
    image: Float32Array.from({ length: n }, (_, i) => i),
    truth,
    prediction: tf.fill([1, height, width, 1], 0.25),
    entropy: new Float32Array(n).fill(Math.LN2),
    mutualInformation: Float32Array.from({ length: n }, (_, i) => i / 100),
  };
  const panel = renderUncertaintyPanel(maps, { height, width, scale: 3 });
  t.deepEqual(
    panel.scales.map((s) => [s.name, s.min, s.max]),
    [
      ['image', 0, 19],
      ['truth', 0, 1],
      ['prediction', 0, 1],
      ['entropy', 0, Math.LN2],
      ['mutualInformation', 0, Math.fround(0.19)],
    ],
  );
  const pixel = (x: number, y: number) => Array.from(panel.rgba.subarray(4 * (y * panel.width + x), 4 * (y * panel.width + x) + 3));
  const [, truthTile, predictionTile, entropyTile] = panel.tiles;
  // Truth voxel (row 1, column 2) is white; the entropy tile is all at the top of its scale.
  t.deepEqual(pixel(truthTile.left + 2 * 3 + 1, truthTile.top + 1 * 3 + 1), [255, 255, 255]);
  t.deepEqual(pixel(entropyTile.left + 1, entropyTile.top + 1), viridis(1));
  // Colour bar of the prediction tile runs from viridis(0) to viridis(1).
  const barY = predictionTile.barTop + 2;
  t.deepEqual(pixel(predictionTile.left, barY), viridis(0));
  t.deepEqual(pixel(predictionTile.left + predictionTile.width - 1, barY), viridis(1));
  const path = join(directory, 'panel.png');
  await writeUncertaintyPanel(path, maps, { height, width });
  const decoded = await readPng(path);
  t.true(decoded.width > 5 * width);
  t.throws(() => renderUncertaintyPanel({ ...maps, entropy: new Float32Array(3) }, { height, width }), {
    instanceOf: ShapeError,
    message: /maps.entropy/,
  });
  (maps.prediction as tf.Tensor).dispose();
});

test('the uncertainty panel titles every tile and keeps end labels apart, within a tile and across tiles', (t) => {
  const n = 4 * 4;
  const maps = {
    image: Float32Array.from({ length: n }, (_, i) => -1234.5 * i),
    truth: new Float32Array(n),
    prediction: new Float32Array(n).fill(0.5),
    entropy: new Float32Array(n),
    mutualInformation: new Float32Array(n).fill(0.001),
  };
  const panel = renderUncertaintyPanel(maps, { height: 4, width: 4, scale: 1 });
  t.deepEqual(
    panel.titles.map((title) => title.text),
    PANEL_ORDER.map((name) => PANEL_TITLES[name]),
  );
  panel.titles.forEach((title, i) => {
    const tile = panel.tiles[i];
    t.true(title.left >= tile.left && title.left + title.width <= tile.left + tile.width, `title '${title.text}' lies over its tile`);
    t.true(title.top + 10 <= tile.top, 'above the map');
  });
  // Labels in reading order: min, max of tile 0, min, max of tile 1, …: each at least two glyphs (16 px) from the next.
  for (let i = 0; i + 1 < panel.labels.length; i++) {
    const gap = panel.labels[i + 1].left - (panel.labels[i].left + panel.labels[i].width);
    t.true(gap >= 16, `'${panel.labels[i].text}' and '${panel.labels[i + 1].text}' are ${gap} px apart`);
  }
  t.is(panel.labels[0].text, '-2e4', 'wide labels widen the tiles instead of overlapping');
  // The title pixels are drawn: the first title's first glyph 'i' has its dot in the title row.
  const title = panel.titles[0];
  const dot = 4 * (title.top * panel.width + title.left + 2);
  t.deepEqual(Array.from(panel.rgba.subarray(dot, dot + 3)), [230, 230, 230]);
});
