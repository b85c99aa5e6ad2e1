/**
 * Draws the toy as SVG: training points, the band mean ± 2σ, the mean, and the data range shaded.
 * No chart library: a linear scale on each axis is all it needs.
 */
import type { Band } from './band.ts';
import { BAND } from './band.ts';

const SVG = 'http://www.w3.org/2000/svg';
/** Drawing size in SVG units and the y range shown. */
const PLOT = { width: 640, height: 360, margin: 36, yLow: -1.5, yHigh: 2 } as const;

const sx = (x: number): number => PLOT.margin + ((x - BAND.low) / (BAND.high - BAND.low)) * (PLOT.width - 2 * PLOT.margin);
const sy = (y: number): number => {
  const clamped = Math.min(PLOT.yHigh, Math.max(PLOT.yLow, y));
  return PLOT.height - PLOT.margin - ((clamped - PLOT.yLow) / (PLOT.yHigh - PLOT.yLow)) * (PLOT.height - 2 * PLOT.margin);
};

function element(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function axes(svg: SVGSVGElement): void {
  const bottom = PLOT.height - PLOT.margin;
  svg.append(element('line', { x1: PLOT.margin, y1: bottom, x2: PLOT.width - PLOT.margin, y2: bottom, class: 'axis' }));
  svg.append(element('line', { x1: PLOT.margin, y1: PLOT.margin, x2: PLOT.margin, y2: bottom, class: 'axis' }));
  for (const x of [-0.25, 0, 0.25, 0.5, 0.75, 1, 1.25])
    svg.append(element('text', { x: sx(x), y: bottom + 16, class: 'tick', 'text-anchor': 'middle' }, String(x)));
  for (const y of [-1, 0, 1, 2])
    svg.append(element('text', { x: PLOT.margin - 6, y: sy(y) + 4, class: 'tick', 'text-anchor': 'end' }, String(y)));
}

/** Redraws `svg` with the data points and, when given, the band. */
export function drawToy(svg: SVGSVGElement, points: { x: Float32Array; y: Float32Array }, band: Band | null): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${PLOT.width} ${PLOT.height}`);
  const [low, high] = BAND.inside;
  svg.append(
    element('rect', { x: sx(low), y: PLOT.margin, width: sx(high) - sx(low), height: PLOT.height - 2 * PLOT.margin, class: 'data-range' }),
  );
  axes(svg);
  if (band !== null) {
    const upper = Array.from(band.x, (x, i) => `${sx(x).toFixed(1)},${sy(band.mean[i] + 2 * band.std[i]).toFixed(1)}`);
    const lower = Array.from(band.x, (x, i) => `${sx(x).toFixed(1)},${sy(band.mean[i] - 2 * band.std[i]).toFixed(1)}`).reverse();
    svg.append(element('polygon', { points: [...upper, ...lower].join(' '), class: 'band' }));
    svg.append(
      element('polyline', {
        points: Array.from(band.x, (x, i) => `${sx(x).toFixed(1)},${sy(band.mean[i]).toFixed(1)}`).join(' '),
        class: 'mean',
      }),
    );
  }
  points.x.forEach((x, i) => svg.append(element('circle', { cx: sx(x).toFixed(1), cy: sy(points.y[i]).toFixed(1), r: 2, class: 'point' })));
}
