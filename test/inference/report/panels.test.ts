import test from 'ava';
import pngjs from 'pngjs';
import { encodePanelPng, panelDataUri, panelRgba } from '../../../inference/report/index.js';
import { viridis } from '../../../src/io/colormap.js';
import { InvalidArgumentError } from '../../../src/errors.js';

test('viridis panels use the src/io colour map: its published ends at the range ends', (t) => {
  const rgba = panelRgba({ title: 'v', width: 3, height: 1, values: [0, 0.5, 1], colormap: 'viridis' });
  t.deepEqual(Array.from(rgba.slice(0, 3)), [68, 1, 84]);
  t.deepEqual(Array.from(rgba.slice(4, 7)), viridis(0.5));
  t.deepEqual(Array.from(rgba.slice(8, 11)), [253, 231, 37]);
});

test('panelRgba stretches gray to the range, thresholds masks at 0.5 and paints non-finite values red', (t) => {
  const rgba = panelRgba({ title: 'g', width: 4, height: 1, values: [0, 5, 10, Number.NaN], colormap: 'gray', range: [0, 10] });
  t.deepEqual(Array.from(rgba), [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 0, 0, 255]);
  const mask = panelRgba({ title: 'm', width: 2, height: 1, values: [0.49, 0.5], colormap: 'mask' });
  t.deepEqual(Array.from(mask), [0, 0, 0, 255, 255, 255, 255, 255]);
  const auto = panelRgba({ title: 'a', width: 2, height: 1, values: [3, 7], colormap: 'viridis' });
  t.deepEqual(Array.from(auto.slice(0, 3)), [68, 1, 84]);
  t.deepEqual(Array.from(auto.slice(4, 7)), [253, 231, 37]);
});

test('encodePanelPng round-trips through a PNG decoder pixel for pixel', (t) => {
  const panel = { title: 'p', width: 3, height: 2, values: [0, 0.2, 0.4, 0.6, 0.8, 1], colormap: 'viridis' as const };
  const decoded = pngjs.PNG.sync.read(Buffer.from(encodePanelPng(panel)));
  t.is(decoded.width, 3);
  t.is(decoded.height, 2);
  t.deepEqual(Array.from(decoded.data), Array.from(panelRgba(panel)));
  t.true(panelDataUri(panel).startsWith('data:image/png;base64,iVBOR'));
});

test('panelRgba names the panel and the expected size when values do not fit', (t) => {
  const error = t.throws(() => panelRgba({ title: 'entropy', width: 3, height: 3, values: [1, 2], colormap: 'gray' }), {
    instanceOf: InvalidArgumentError,
  });
  t.regex(error!.message, /panelRgba: argument 'panel\.values' was "2 values"; expected width × height = 9 values for panel 'entropy'/);
});
