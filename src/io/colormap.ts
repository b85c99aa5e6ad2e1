/**
 * Viridis (van der Walt & Smith 2015), the perceptually uniform default colormap of matplotlib,
 * from its published 256-entry table: we keep every 17th entry (16 control points, entries
 * 0, 17, …, 255, identical in matplotlib and d3-scale-chromatic) and interpolate linearly in RGB
 * between them; the error against the full table is below 2/255 per channel.
 */
import { InvalidArgumentError } from '../errors.js';

/** Viridis control points as 8-bit RGB, equally spaced on [0, 1]. */
export const VIRIDIS_CONTROL_POINTS: readonly (readonly [number, number, number])[] = [
  '440154',
  '481a6c',
  '472f7d',
  '414487',
  '39568c',
  '31688e',
  '2a788e',
  '23888e',
  '1f988b',
  '22a884',
  '35b779',
  '54c568',
  '7ad151',
  'a5db36',
  'd2e21b',
  'fde725',
].map((hex) => [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)] as const);

/** 8-bit RGB of viridis at `t` ∈ [0, 1] (clamped; NaN maps to 0). */
export function viridis(t: number): [number, number, number] {
  const clamped = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const position = clamped * (VIRIDIS_CONTROL_POINTS.length - 1);
  const low = Math.min(VIRIDIS_CONTROL_POINTS.length - 2, Math.floor(position));
  const fraction = position - low;
  const a = VIRIDIS_CONTROL_POINTS[low];
  const b = VIRIDIS_CONTROL_POINTS[low + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + fraction * (b[c] - a[c]))) as [number, number, number];
}

/** 8-bit grey of `t` ∈ [0, 1] (clamped). */
export function grey(t: number): [number, number, number] {
  const v = Math.round(255 * (Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t))));
  return [v, v, v];
}

/** A colormap: [0, 1] → 8-bit RGB. */
export type Colormap = (t: number) => [number, number, number];

/** Names of the built-in colormaps. */
export const COLORMAPS: Readonly<Record<'viridis' | 'grey', Colormap>> = { viridis, grey };

/** Maps `values` linearly from [min, max] to [0, 1] and through `colormap`, giving RGBA bytes (alpha 255). */
export function applyColormap(values: ArrayLike<number>, min: number, max: number, colormap: Colormap = viridis): Uint8Array {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
    throw new InvalidArgumentError('applyColormap', 'max', max, `a finite number ≥ min (${min})`);
  }
  const span = max > min ? max - min : 1;
  const rgba = new Uint8Array(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colormap((values[i] - min) / span);
    rgba.set([r, g, b, 255], 4 * i);
  }
  return rgba;
}
