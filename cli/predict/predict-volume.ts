/**
 * One volume of `predict`: sliding-window Monte Carlo maps with a saved 3D model, written as NIfTI
 * with the input's geometry, and (when a mask is given) the metrics `segment --dims 3` reports for
 * a held-out volume. The same function runs locally and in a queue worker, so both give the same
 * maps and numbers for the same seed. The result record is plain JSON with paths relative to the
 * run folder, identical whichever process made it.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ReportTable } from '../../inference/report/index.js';
import { slidingWindowPredictive, type VolumeMaps } from '../../inference/segmentation/sliding-window.js';
import { FormatError, ShapeError } from '../../src/errors.js';
import { MAP_FILE_NAMES, writeMapSet } from '../../src/io/write-maps.js';
import { EVALUATION_STEP } from '../study/task.js';
import { loadNiftiSubject, type SubjectVolume } from '../segment/volume-data.js';
import {
  evaluateVolumes,
  evaluationSeed,
  isConfidentMiss,
  EVALUATION_WINDOWS_PER_BATCH,
  type VolumeMetrics,
} from '../segment/volume-evaluate.js';
import { lesionTables } from '../segment/volume-report.js';
import type { SavedVolumeModel } from './saved-model.js';

/** Folder of the maps inside a `predict` run folder. */
const PREDICT_MAPS_FOLDER = 'maps';

/** One input volume: its channel files (in the model's channel order) and optional lesion mask. */
export interface PredictInput {
  readonly channels: readonly string[];
  readonly mask?: string;
}

/** Settings shared by every volume of a `predict` run. */
export interface PredictSettings {
  /** Monte Carlo passes S per window. */
  readonly samples: number;
  /** Root seed; the passes use the noise of `segment --dims 3 --seed seed`'s held-out evaluation. */
  readonly seed: number;
  /** Lesion-level metrics ignore components smaller than this many voxels. */
  readonly minLesionSize: number;
}

/** What `predict` records for one volume (plain JSON; paths relative to the run folder). */
export interface PredictedVolume {
  /** The first channel's file name without `.nii(.gz)`: the prefix of the map files. */
  readonly name: string;
  /** `[D, H, W]` voxels. */
  readonly size: readonly number[];
  readonly windows: number;
  /** Map name (`mean-probability`, …) → `maps/<name>-<map>.nii.gz`. */
  readonly maps: Readonly<Record<string, string>>;
  /** Voxel and lesion-level metrics against the mask, or null without one. */
  readonly metrics: VolumeMetrics | null;
  /** Missed lesions with max p̄ < 0.1 and mean MI < 0.01 (null without a mask). */
  readonly confidentMissList: ReadonlyArray<{ centroid: readonly number[]; voxels: number; maxProbability: number }> | null;
  /** The lesion tables of `segment --dims 3` for this volume (empty without a mask). */
  readonly tables: readonly ReportTable[];
}

/** The name a volume's maps are written under. */
export function volumeName(channelFiles: readonly string[]): string {
  return channelFiles[0].replace(/^.*\//, '').replace(/\.nii(\.gz)?$/, '');
}

/**
 * Checks an input against the model before it is read: as many channel files as the model has
 * input channels, and the files exist.
 * @throws ShapeError / FormatError naming the input.
 */
export function checkPredictInput(input: PredictInput, saved: SavedVolumeModel, where: string): void {
  if (input.channels.length !== saved.channels)
    throw new ShapeError(
      where,
      `input ${input.channels.join(',')}`,
      [input.channels.length],
      `${saved.channels} channel file(s) joined by commas, as the model in ${saved.dir} takes [batch, d, h, w, ${saved.channels}]`,
    );
  for (const file of input.mask === undefined ? input.channels : [...input.channels, input.mask])
    if (!existsSync(file)) throw new FormatError(`${where}: NIfTI file ${file} does not exist.`);
}

function requireWindowFits(subject: SubjectVolume, saved: SavedVolumeModel, file: string, where: string): void {
  if (saved.patchSize.some((p, axis) => p > subject.size[axis]))
    throw new ShapeError(
      where,
      file,
      [...subject.size],
      `a volume at least as large as the model's input grid [${saved.patchSize.join(', ')}] (D, H, W) on every axis`,
    );
}

/** Writes the five maps into `mapsDir` through a private temporary folder, so concurrent writers of the same volume never see half a file. */
async function writeMaps(mapsDir: string, name: string, maps: VolumeMaps, subject: SubjectVolume): Promise<Record<string, string>> {
  mkdirSync(mapsDir, { recursive: true });
  const temp = join(mapsDir, `.part-${name}-${randomBytes(4).toString('hex')}`);
  mkdirSync(temp);
  try {
    const named = Object.fromEntries(Object.entries(MAP_FILE_NAMES).map(([key, file]) => [file, maps[key as keyof typeof MAP_FILE_NAMES]]));
    const written = await writeMapSet(temp, named, subject.geometry, `${name}-`);
    const relative: Record<string, string> = {};
    for (const [map, path] of Object.entries(written)) {
      const file = path.replace(/^.*\//, '');
      renameSync(path, join(mapsDir, file));
      relative[map] = `${PREDICT_MAPS_FOLDER}/${file}`;
    }
    return relative;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Reads one input, runs the sliding-window predictive (and the metrics when it has a mask) and
 * writes its maps to `runDir/maps/`. Leaves no tensors behind; the caller keeps `saved`.
 * @throws ShapeError / FormatError / InvalidArgumentError naming the file (channels, grid, NaN, window).
 */
export async function predictVolume(
  saved: SavedVolumeModel,
  input: PredictInput,
  settings: PredictSettings,
  runDir: string,
  options: { readonly where: string; readonly signal?: AbortSignal; readonly onProgress?: (done: number, total: number) => void },
): Promise<PredictedVolume> {
  const { where } = options;
  checkPredictInput(input, saved, where);
  const subject = await loadNiftiSubject(input.channels, input.mask, where);
  requireWindowFits(subject, saved, input.channels[0], where);
  const name = volumeName(input.channels);
  let maps: VolumeMaps;
  let metrics: VolumeMetrics | null = null;
  let confidentMissList: PredictedVolume['confidentMissList'] = null;
  let tables: ReportTable[] = [];
  if (input.mask !== undefined) {
    const evaluation = await evaluateVolumes(saved.model, [subject], saved.channels, {
      patchSize: saved.patchSize,
      samples: settings.samples,
      seed: settings.seed,
      minLesionSize: settings.minLesionSize,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    maps = evaluation.maps[0];
    metrics = evaluation.metrics;
    confidentMissList = evaluation.lesions.missed
      .filter(isConfidentMiss)
      .map((m) => ({ centroid: m.centroid, voxels: m.voxels, maxProbability: m.probability.max }));
    tables = lesionTables(evaluation, [{ ...subject, name }]).map((table) => ({ ...table, title: `${name}: ${table.title}` }));
  } else {
    const volume = tf.tensor(subject.image, [1, ...subject.size, saved.channels], 'float32');
    try {
      maps = await slidingWindowPredictive(saved.model, volume, {
        patchSize: saved.patchSize,
        samples: settings.samples,
        seed: evaluationSeed(settings.seed),
        step: EVALUATION_STEP,
        windowsPerBatch: EVALUATION_WINDOWS_PER_BATCH,
        // Compiled passes on tfjs-node (the eager maps bit for bit); ignored on other backends.
        compile: true,
        signal: options.signal,
        onProgress: options.onProgress,
      });
    } finally {
      volume.dispose();
    }
  }
  const written = await writeMaps(join(runDir, PREDICT_MAPS_FOLDER), name, maps, subject);
  return { name, size: [...subject.size], windows: maps.windows, maps: written, metrics, confidentMissList, tables };
}
