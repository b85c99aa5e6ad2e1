/**
 * The model `predict` runs: a folder written by `saveModel` (`model.json` + `weights.bin`), given
 * directly or as the run folder of `segment --dims 3` that holds it in `model/`. Only 3D models
 * (input `[batch, d, h, w, channels]`) are accepted: their input grid is the sliding window.
 */
import type * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_JSON, loadModel } from '../../layers/io.js';
import { FormatError, ShapeError } from '../../src/errors.js';
import { RUN_FOLDERS } from '../segment/run-folder.js';

/** A loaded 3D model with what `predict` reads off its input. The caller owns `model` (dispose it). */
export interface SavedVolumeModel {
  readonly model: tf.LayersModel;
  /** The folder holding model.json. */
  readonly dir: string;
  /** The sliding window `[d, h, w]`: the model's input grid. */
  readonly patchSize: readonly [number, number, number];
  /** Input channels the model expects (channel files per subject). */
  readonly channels: number;
}

/**
 * The folder holding `model.json`: `path` itself, or `path/model/`.
 * @throws FormatError naming both places looked at when neither holds a model.
 */
export function modelFolder(path: string, where: string): string {
  if (existsSync(join(path, MODEL_JSON))) return path;
  const inRun = join(path, RUN_FOLDERS.model);
  if (existsSync(join(inRun, MODEL_JSON))) return inRun;
  throw new FormatError(
    `${where}: --model ${path} holds no saved model (looked for ${join(path, MODEL_JSON)} and ${join(inRun, MODEL_JSON)}; segment --dims 3 saves one in <run folder>/${RUN_FOLDERS.model}).`,
  );
}

/**
 * Loads the model at `path` (a model folder or a run folder) and checks that it is a 3D model.
 * @throws FormatError (no model, unreadable) / ShapeError (not a 3D input with a fixed grid).
 */
export async function loadVolumeModel(path: string, where: string): Promise<SavedVolumeModel> {
  const dir = modelFolder(path, where);
  const model = await loadModel(dir);
  const shape = model.inputs[0]?.shape ?? [];
  const [, d, h, w, channels] = shape;
  if (
    model.inputs.length !== 1 ||
    shape.length !== 5 ||
    [d, h, w, channels].some((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1)
  ) {
    model.dispose();
    throw new ShapeError(
      where,
      `the input of the model in ${dir}`,
      shape.map((n) => n ?? -1),
      'one input [batch, d, h, w, channels] with a fixed grid (a 3D model, as segment --dims 3 saves; 2D models are not supported by predict)',
    );
  }
  return { model, dir, patchSize: [d as number, h as number, w as number], channels: channels as number };
}
