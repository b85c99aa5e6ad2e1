/** Drawing a map as a canvas image with its colour bar (viridis, or grey for the input slice). */
import { applyColormap, viridis } from 'tfjs-bnn';

/** A map to show: values row-major `height × width`, the value range of its colours and a title. */
export interface MapPanel {
  readonly title: string;
  readonly values: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly range: readonly [number, number];
  readonly colormap: 'viridis' | 'grey';
}

const greyMap = (t: number): [number, number, number] => {
  const v = Math.round(255 * Math.min(1, Math.max(0, t)));
  return [v, v, v];
};

function canvasOf(rgba: Uint8Array, width: number, height: number, className: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.className = className;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('the browser gives no 2D canvas context');
  context.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return canvas;
}

function label(value: number): string {
  return Math.abs(value) >= 100 || (Math.abs(value) < 0.01 && value !== 0) ? value.toExponential(1) : value.toFixed(3);
}

/** A `<figure>` with the map, a horizontal colour bar and the range at its ends. */
export function renderPanel(panel: MapPanel): HTMLElement {
  const colormap = panel.colormap === 'viridis' ? viridis : greyMap;
  const [low, high] = panel.range;
  const figure = document.createElement('figure');
  figure.className = 'map';
  const caption = document.createElement('figcaption');
  caption.textContent = panel.title;
  const ramp = Float32Array.from({ length: 256 }, (_, i) => i / 255);
  const bar = canvasOf(applyColormap(ramp, 0, 1, colormap), 256, 1, 'colour-bar');
  const ends = document.createElement('div');
  ends.className = 'colour-bar-labels';
  ends.append(...[low, (low + high) / 2, high].map((v) => Object.assign(document.createElement('span'), { textContent: label(v) })));
  figure.append(
    caption,
    canvasOf(applyColormap(panel.values, low, Math.max(high, low), colormap), panel.width, panel.height, 'map-image'),
    bar,
    ends,
  );
  return figure;
}

/** [min, max] of finite values (a range of width > 0 where all values are equal). */
export function valueRange(values: Float32Array): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (!Number.isFinite(low)) return [0, 1];
  return high > low ? [low, high] : [low, low + 1];
}
