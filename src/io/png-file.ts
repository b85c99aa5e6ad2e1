/**
 * PNG files (Node only): reading grey-scale images and masks, folders of slices with matching
 * mask files, and writing grey or RGBA images. Typed errors for unreadable or corrupt files and
 * for images and masks that do not match.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError, ShapeError } from '../errors.js';
import { decodePng, encodePng, type GreyImage } from './png.js';
import { renderUncertaintyPanel, type PanelMaps, type PanelOptions, type PanelScale } from './panels.js';

/** Reads a PNG file as grey values in [0, 1]. Throws `FormatError` when it cannot be read or decoded. */
export async function readPng(path: string): Promise<GreyImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FormatError(`readPng: cannot read '${path}' (${(error as Error).message}).`);
  }
  return decodePng(bytes, `'${path}'`);
}

/** Writes grey values in [0, 1] (row-major `height × width`, clamped) as an 8-bit PNG. */
export async function writeGreyPng(path: string, values: ArrayLike<number>, width: number, height: number): Promise<void> {
  const rgba = new Uint8Array(width * height * 4);
  if (values.length !== width * height)
    throw new ShapeError('writeGreyPng', 'values', [values.length], `${width * height} values for ${width}×${height}`);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, values[i])));
    rgba.set([v, v, v, 255], 4 * i);
  }
  await writeRgbaPng(path, rgba, width, height);
}

/** Writes RGBA bytes as a PNG file. Throws `FormatError` when the file cannot be written. */
export async function writeRgbaPng(path: string, rgba: Uint8Array, width: number, height: number): Promise<void> {
  const bytes = encodePng(rgba, width, height);
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw new FormatError(`writePng: cannot write '${path}' (${(error as Error).message}).`);
  }
}

/** A folder of slices stacked into a batch. */
export interface PngSlices {
  /** Grey values of every slice, row-major, slice-major: `[N, H, W, 1]` in tensor terms. */
  readonly image: Float32Array;
  /** 0/1 masks (grey ≥ 0.5 is foreground) when a mask folder was given, else `null`. */
  readonly mask: Uint8Array | null;
  /** `[N, H, W, 1]`. */
  readonly shape: [number, number, number, number];
  /** File names in slice order (natural sort: `slice2.png` before `slice10.png`). */
  readonly files: string[];
}

/**
 * Reads every `.png` in `imageDir` (natural order) into one batch; with `maskDir`, the mask of
 * each slice is the file of the same name there. Throws `FormatError` for an empty folder, a
 * missing mask file or a corrupt PNG, and `ShapeError` when slices or a slice and its mask differ
 * in size.
 */
export async function readPngSlices(imageDir: string, maskDir?: string): Promise<PngSlices> {
  if (typeof imageDir !== 'string') throw new InvalidArgumentError('readPngSlices', 'imageDir', imageDir, 'a folder path');
  let names: string[];
  try {
    names = (await readdir(imageDir)).filter((n) => n.toLowerCase().endsWith('.png'));
  } catch (error) {
    throw new FormatError(`readPngSlices: cannot list '${imageDir}' (${(error as Error).message}).`);
  }
  if (names.length === 0) throw new FormatError(`readPngSlices: '${imageDir}' holds no .png files.`);
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const first = await readPng(join(imageDir, names[0]));
  const { width, height } = first;
  const size = width * height;
  const image = new Float32Array(names.length * size);
  const mask = maskDir === undefined ? null : new Uint8Array(names.length * size);
  for (let n = 0; n < names.length; n++) {
    const slice = n === 0 ? first : await readPng(join(imageDir, names[n]));
    if (slice.width !== width || slice.height !== height) {
      throw new ShapeError('readPngSlices', names[n], [slice.height, slice.width], `[${height}, ${width}] like ${names[0]}`);
    }
    image.set(slice.data, n * size);
    if (mask !== null && maskDir !== undefined) {
      const maskSlice = await readPng(join(maskDir, names[n])).catch((error: unknown) => {
        throw error instanceof FormatError
          ? new FormatError(`readPngSlices: no readable mask for slice '${names[n]}' in '${maskDir}' (${error.message})`)
          : error;
      });
      if (maskSlice.width !== width || maskSlice.height !== height) {
        throw new ShapeError(
          'readPngSlices',
          `mask ${names[n]}`,
          [maskSlice.height, maskSlice.width],
          `[${height}, ${width}], the size of its image`,
        );
      }
      for (let i = 0; i < size; i++) mask[n * size + i] = maskSlice.data[i] >= 0.5 ? 1 : 0;
    }
  }
  return { image, mask, shape: [names.length, height, width, 1], files: names };
}

/**
 * Writes the five-panel PNG (image | truth | prediction | entropy | mutual information, each with
 * a colour bar labelled with its range) and returns the colour scales used.
 *
 * @example
 * await writeUncertaintyPanel('panel.png', {image, truth, prediction, entropy, mutualInformation}, {height: 64, width: 64});
 */
export async function writeUncertaintyPanel(path: string, maps: PanelMaps, options: PanelOptions): Promise<PanelScale[]> {
  const panel = renderUncertaintyPanel(maps, options);
  await writeRgbaPng(path, panel.rgba, panel.width, panel.height);
  return panel.scales;
}
