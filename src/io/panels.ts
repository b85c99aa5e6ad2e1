/**
 * Uncertainty panels for one slice: image | ground truth | prediction | predictive entropy |
 * mutual information, side by side, each with a colour bar and its range printed under it.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { drawText, formatTick, textWidth } from './bitmap-font.js';
import { grey, viridis, type Colormap } from './colormap.js';
import { encodePng } from './png.js';

/** Order of the panels, left to right. */
export const PANEL_ORDER = ['image', 'truth', 'prediction', 'entropy', 'mutualInformation'] as const;

/** One slice's maps, each `height · width` values row-major (typed arrays, arrays or tensors; tensors are read, not disposed). */
export type PanelMaps = Record<(typeof PANEL_ORDER)[number], tf.Tensor | ArrayLike<number>>;

/** Options of the panel renderer. */
export interface PanelOptions {
  /** Slice height in voxels. */
  readonly height: number;
  /** Slice width in voxels. */
  readonly width: number;
  /** Integer magnification of every voxel. Default 2. */
  readonly scale?: number;
  /** Upper end of the entropy colour scale. Default ln 2 (the maximum of a binary entropy). */
  readonly entropyMax?: number;
  /** Upper end of the mutual-information colour scale. Default: the slice's maximum (at least 1e-6). */
  readonly mutualInformationMax?: number;
}

/** The colour scale of one panel. */
export interface PanelScale {
  readonly name: (typeof PANEL_ORDER)[number];
  readonly colormap: 'grey' | 'viridis';
  readonly min: number;
  readonly max: number;
}

/** A rendered panel: RGBA pixels and the colour scales used. */
export interface RenderedPanel {
  readonly rgba: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly scales: PanelScale[];
}

const GAP = 6;
const BAR_HEIGHT = 8;
const FONT_SCALE = 2;
const LABEL_HEIGHT = 5 * FONT_SCALE;
const BACKGROUND = 24;

function values(name: string, map: tf.Tensor | ArrayLike<number>, count: number): ArrayLike<number> {
  const data = map instanceof tf.Tensor ? (map.dataSync() as ArrayLike<number>) : map;
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
    throw new InvalidArgumentError('renderUncertaintyPanel', `maps.${name}`, map, 'a tf.Tensor or an array-like of numbers');
  }
  if (data.length !== count) throw new ShapeError('renderUncertaintyPanel', `maps.${name}`, [data.length], `height · width = ${count} values`);
  return data;
}

function extent(data: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) continue;
    min = Math.min(min, data[i]);
    max = Math.max(max, data[i]);
  }
  return Number.isFinite(min) ? [min, max] : [0, 1];
}

/** Renders the five panels into RGBA pixels (no file). */
export function renderUncertaintyPanel(maps: PanelMaps, options: PanelOptions): RenderedPanel {
  const where = 'renderUncertaintyPanel';
  const { height, width } = options;
  if (!Number.isInteger(height) || height < 1) throw new InvalidArgumentError(where, 'options.height', height, 'an integer ≥ 1');
  if (!Number.isInteger(width) || width < 1) throw new InvalidArgumentError(where, 'options.width', width, 'an integer ≥ 1');
  const scale = options.scale ?? 2;
  if (!Number.isInteger(scale) || scale < 1) throw new InvalidArgumentError(where, 'options.scale', scale, 'an integer ≥ 1');
  const count = height * width;
  const data = Object.fromEntries(PANEL_ORDER.map((name) => [name, values(name, maps[name], count)])) as Record<(typeof PANEL_ORDER)[number], ArrayLike<number>>;
  const [imageMin, imageMax] = extent(data.image);
  const scales: PanelScale[] = [
    { name: 'image', colormap: 'grey', min: imageMin, max: imageMax },
    { name: 'truth', colormap: 'grey', min: 0, max: 1 },
    { name: 'prediction', colormap: 'viridis', min: 0, max: 1 },
    { name: 'entropy', colormap: 'viridis', min: 0, max: options.entropyMax ?? Math.LN2 },
    { name: 'mutualInformation', colormap: 'viridis', min: 0, max: options.mutualInformationMax ?? Math.max(1e-6, extent(data.mutualInformation)[1]) },
  ];
  const tileWidth = Math.max(width * scale, textWidth('0.00 0.00', FONT_SCALE));
  const tileHeight = height * scale;
  const panelWidth = GAP + PANEL_ORDER.length * (tileWidth + GAP);
  const panelHeight = GAP + tileHeight + GAP + BAR_HEIGHT + 3 + LABEL_HEIGHT + GAP;
  const rgba = new Uint8Array(panelWidth * panelHeight * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([BACKGROUND, BACKGROUND, BACKGROUND, 255], i);
  const put = (x: number, y: number, colour: readonly number[]) => rgba.set([colour[0], colour[1], colour[2], 255], 4 * (y * panelWidth + x));
  scales.forEach((panelScale, column) => {
    const colormap: Colormap = panelScale.colormap === 'grey' ? grey : viridis;
    const span = panelScale.max > panelScale.min ? panelScale.max - panelScale.min : 1;
    const left = GAP + column * (tileWidth + GAP);
    const map = data[panelScale.name];
    for (let y = 0; y < tileHeight; y++) {
      for (let x = 0; x < width * scale; x++) {
        const value = map[Math.floor(y / scale) * width + Math.floor(x / scale)];
        put(left + x, GAP + y, colormap((value - panelScale.min) / span));
      }
    }
    const barTop = GAP + tileHeight + GAP;
    for (let x = 0; x < tileWidth; x++) {
      const colour = colormap(x / Math.max(1, tileWidth - 1));
      for (let y = 0; y < BAR_HEIGHT; y++) put(left + x, barTop + y, colour);
    }
    const labelTop = barTop + BAR_HEIGHT + 3;
    const minText = formatTick(panelScale.min);
    const maxText = formatTick(panelScale.max);
    drawText(rgba, panelWidth, minText, left, labelTop, FONT_SCALE, [230, 230, 230]);
    drawText(rgba, panelWidth, maxText, left + tileWidth - textWidth(maxText, FONT_SCALE), labelTop, FONT_SCALE, [230, 230, 230]);
  });
  return { rgba, width: panelWidth, height: panelHeight, scales };
}

/** The panel as PNG bytes (for callers that store it elsewhere). */
export function encodeUncertaintyPanel(maps: PanelMaps, options: PanelOptions): Uint8Array {
  const panel = renderUncertaintyPanel(maps, options);
  return encodePng(panel.rgba, panel.width, panel.height);
}
