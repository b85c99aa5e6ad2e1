/**
 * Uncertainty panels for one slice: image | ground truth | prediction | predictive entropy |
 * mutual information, side by side, each with its title above it and a colour bar with its range
 * printed under it. Tiles are separated by `TILE_GAP` pixels and widened until the two end labels
 * of a bar stay apart, so no label reads into its neighbour.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { drawText, formatTick, textWidth } from './bitmap-font.js';
import { grey, viridis, type Colormap } from './colormap.js';
import { encodePng } from './png.js';

/** Order of the panels, left to right. */
export const PANEL_ORDER = ['image', 'truth', 'prediction', 'entropy', 'mutualInformation'] as const;

/** Titles drawn above the panels, in `PANEL_ORDER`. */
export const PANEL_TITLES: Readonly<Record<(typeof PANEL_ORDER)[number], string>> = {
  image: 'image',
  truth: 'truth',
  prediction: 'mean p',
  entropy: 'entropy',
  mutualInformation: 'mutual inf',
};

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
  /**
   * Upper end of the mutual-information colour scale. Default: the slice's maximum (at least 1e-6).
   * Pass the maximum over all slices of a run so that colours compare across slices.
   */
  readonly mutualInformationMax?: number;
}

/** The colour scale of one panel. */
export interface PanelScale {
  readonly name: (typeof PANEL_ORDER)[number];
  readonly colormap: 'grey' | 'viridis';
  readonly min: number;
  readonly max: number;
}

/** A piece of text drawn on the panel, and where (pixels, top-left). */
export interface PlacedText {
  readonly text: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
}

/** Where one tile was drawn. */
export interface TileBox {
  readonly name: (typeof PANEL_ORDER)[number];
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Top row of its colour bar. */
  readonly barTop: number;
}

/** A rendered panel: RGBA pixels, the colour scales used and the layout (tiles, titles, end labels). */
export interface RenderedPanel {
  readonly rgba: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly scales: PanelScale[];
  readonly tiles: TileBox[];
  readonly titles: PlacedText[];
  readonly labels: PlacedText[];
}

const GAP = 6;
/** Horizontal gap between tiles: three glyph widths, so end labels of neighbours never read as one. */
export const TILE_GAP = 24;
const BAR_HEIGHT = 8;
const FONT_SCALE = 2;
const LABEL_HEIGHT = 5 * FONT_SCALE;
const BACKGROUND = 24;

function values(name: string, map: tf.Tensor | ArrayLike<number>, count: number): ArrayLike<number> {
  const data = map instanceof tf.Tensor ? (map.dataSync() as ArrayLike<number>) : map;
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
    throw new InvalidArgumentError('renderUncertaintyPanel', `maps.${name}`, map, 'a tf.Tensor or an array-like of numbers');
  }
  if (data.length !== count)
    throw new ShapeError('renderUncertaintyPanel', `maps.${name}`, [data.length], `height · width = ${count} values`);
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
  const data = Object.fromEntries(PANEL_ORDER.map((name) => [name, values(name, maps[name], count)])) as Record<
    (typeof PANEL_ORDER)[number],
    ArrayLike<number>
  >;
  const [imageMin, imageMax] = extent(data.image);
  const scales: PanelScale[] = [
    { name: 'image', colormap: 'grey', min: imageMin, max: imageMax },
    { name: 'truth', colormap: 'grey', min: 0, max: 1 },
    { name: 'prediction', colormap: 'viridis', min: 0, max: 1 },
    { name: 'entropy', colormap: 'viridis', min: 0, max: options.entropyMax ?? Math.LN2 },
    {
      name: 'mutualInformation',
      colormap: 'viridis',
      min: 0,
      max: options.mutualInformationMax ?? Math.max(1e-6, extent(data.mutualInformation)[1]),
    },
  ];
  const labelTexts = scales.map((panelScale) => [formatTick(panelScale.min), formatTick(panelScale.max)] as const);
  const glyph = 4 * FONT_SCALE;
  const tileWidth = Math.max(
    width * scale,
    ...PANEL_ORDER.map((name) => textWidth(PANEL_TITLES[name], FONT_SCALE)),
    ...labelTexts.map(([low, high]) => textWidth(low, FONT_SCALE) + 2 * glyph + textWidth(high, FONT_SCALE)),
  );
  const tileHeight = height * scale;
  const tileTop = GAP + LABEL_HEIGHT + GAP;
  const panelWidth = GAP + PANEL_ORDER.length * tileWidth + (PANEL_ORDER.length - 1) * TILE_GAP + GAP;
  const panelHeight = tileTop + tileHeight + GAP + BAR_HEIGHT + 3 + LABEL_HEIGHT + GAP;
  const rgba = new Uint8Array(panelWidth * panelHeight * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([BACKGROUND, BACKGROUND, BACKGROUND, 255], i);
  const put = (x: number, y: number, colour: readonly number[]) =>
    rgba.set([colour[0], colour[1], colour[2], 255], 4 * (y * panelWidth + x));
  const tiles: TileBox[] = [];
  const titles: PlacedText[] = [];
  const labels: PlacedText[] = [];
  const text = (placed: PlacedText, into: PlacedText[]) => {
    drawText(rgba, panelWidth, placed.text, placed.left, placed.top, FONT_SCALE, [230, 230, 230]);
    into.push(placed);
  };
  scales.forEach((panelScale, column) => {
    const colormap: Colormap = panelScale.colormap === 'grey' ? grey : viridis;
    const span = panelScale.max > panelScale.min ? panelScale.max - panelScale.min : 1;
    const left = GAP + column * (tileWidth + TILE_GAP);
    const map = data[panelScale.name];
    for (let y = 0; y < tileHeight; y++) {
      for (let x = 0; x < width * scale; x++) {
        const value = map[Math.floor(y / scale) * width + Math.floor(x / scale)];
        put(left + x, tileTop + y, colormap((value - panelScale.min) / span));
      }
    }
    const barTop = tileTop + tileHeight + GAP;
    for (let x = 0; x < tileWidth; x++) {
      const colour = colormap(x / Math.max(1, tileWidth - 1));
      for (let y = 0; y < BAR_HEIGHT; y++) put(left + x, barTop + y, colour);
    }
    tiles.push({ name: panelScale.name, left, top: tileTop, width: tileWidth, height: tileHeight, barTop });
    const title = PANEL_TITLES[panelScale.name];
    const titleWidth = textWidth(title, FONT_SCALE);
    text({ text: title, left: left + Math.floor((tileWidth - titleWidth) / 2), top: GAP, width: titleWidth }, titles);
    const labelTop = barTop + BAR_HEIGHT + 3;
    const [minText, maxText] = labelTexts[column];
    text({ text: minText, left, top: labelTop, width: textWidth(minText, FONT_SCALE) }, labels);
    const maxWidth = textWidth(maxText, FONT_SCALE);
    text({ text: maxText, left: left + tileWidth - maxWidth, top: labelTop, width: maxWidth }, labels);
  });
  return { rgba, width: panelWidth, height: panelHeight, scales, tiles, titles, labels };
}

/** The panel as PNG bytes (for callers that store it elsewhere). */
export function encodeUncertaintyPanel(maps: PanelMaps, options: PanelOptions): Uint8Array {
  const panel = renderUncertaintyPanel(maps, options);
  return encodePng(panel.rgba, panel.width, panel.height);
}
