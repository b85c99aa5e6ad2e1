/**
 * Image panels: 2D maps → RGBA pixels through a colour map (`src/io/colormap`) → PNG bytes
 * (`src/io/png`) → data URIs for self-contained HTML. Plain arrays in, bytes out; no tensors.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { grey, viridis } from '../../src/io/colormap.js';
import { encodePng } from '../../src/io/png.js';
import { bytesToBase64 } from '../../src/io/base64.js';
import { requireInteger } from '../../src/validate.js';
import type { Panel, PanelColormap } from './types.js';

/** Width in pixels of the colour-bar image under each HTML panel (stretched by CSS). */
export const COLOR_BAR_STEPS = 64;

/** The value range of a panel: its `range`, else the min and max of its finite values (0…1 if none). */
export function panelRange(panel: Panel): [number, number] {
  if (panel.range !== undefined) return [panel.range[0], panel.range[1]];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < panel.values.length; i++) {
    const v = panel.values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : [0, 1];
}

/** RGBA bytes (length 4 · width · height) of a panel through its colour map. Non-finite values are drawn red. */
export function panelRgba(panel: Panel): Uint8Array {
  const where = 'panelRgba';
  requireInteger(where, 'panel.width', panel.width);
  requireInteger(where, 'panel.height', panel.height);
  const size = panel.width * panel.height;
  if (panel.values.length !== size) {
    throw new InvalidArgumentError(
      where,
      'panel.values',
      `${panel.values.length} values`,
      `width × height = ${size} values for panel '${panel.title}'`,
    );
  }
  const [low, high] = panelRange(panel);
  const span = high > low ? high - low : 1;
  const rgba = new Uint8Array(size * 4);
  for (let i = 0; i < size; i++) {
    const v = panel.values[i];
    let rgb: [number, number, number];
    if (!Number.isFinite(v)) rgb = [255, 0, 0];
    else if (panel.colormap === 'mask') rgb = v >= 0.5 ? [255, 255, 255] : [0, 0, 0];
    else {
      const t = (v - low) / span;
      rgb = panel.colormap === 'viridis' ? viridis(t) : grey(t);
    }
    rgba.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  return rgba;
}

/** PNG bytes of a panel (one image pixel per value). */
export function encodePanelPng(panel: Panel): Uint8Array {
  return encodePng(panelRgba(panel), panel.width, panel.height);
}

/** `data:image/png;base64,…` of a panel. */
export function panelDataUri(panel: Panel): string {
  return `data:image/png;base64,${bytesToBase64(encodePanelPng(panel))}`;
}

/**
 * `data:image/png;base64,…` of a horizontal colour bar (`COLOR_BAR_STEPS` × 1 pixels, low on the
 * left) of `colormap`, drawn under each HTML panel between its range labels.
 */
export function colorBarDataUri(colormap: Exclude<PanelColormap, 'mask'>): string {
  const values = Array.from({ length: COLOR_BAR_STEPS }, (_, i) => i / (COLOR_BAR_STEPS - 1));
  return panelDataUri({ title: `${colormap} colour bar`, width: COLOR_BAR_STEPS, height: 1, values, colormap, range: [0, 1] });
}
