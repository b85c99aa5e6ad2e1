/**
 * `tfjs-bnn segment --dims 3`: a 3D Bayesian U-Net trained on lesion-centred patches of whole
 * volumes (`PatchSampler`), evaluated by sliding-window Monte Carlo inference on held-out volumes,
 * reported at voxel and lesion level. Data are loaded and checked before the run folder is made.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../inference/report/index.js';
import { writeRunReport } from '../../inference/report/write.js';
import { fit } from '../../inference/trainer/index.js';
// Registers directories as fit's default checkpoint store (the Node entry does the same).
import { readCheckpoint } from '../../inference/trainer/checkpoint.js';
import { saveModel } from '../../layers/io.js';
import type { Estimator } from '../../layers/index.js';
import { bayesianUNet } from '../../layers/unet.js';
import { initBackend } from '../../src/backend/index.js';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { PatchSampler } from '../../src/io/patch-sampler.js';
import { MAP_FILE_NAMES, writeMapSet } from '../../src/io/write-maps.js';
import { PHANTOM_SEGMENTATION_RECIPE } from '../../inference/segmentation/recipe.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { VOLUME_SEGMENT_DEFAULTS } from '../command-options.js';
import { resolveWeighting } from '../study/weightings.js';
import { lossFor, parsePrior } from './choices.js';
import { RUN_FOLDERS, segmentFitSettings, segmentRunFolder } from './run-folder.js';
import { loadVolumeData, type VolumeChoice } from './volume-data.js';
import { evaluateVolumes, isConfidentMiss } from './volume-evaluate.js';
import { lesionTables, orthogonalRows } from './volume-report.js';

/** The 3D U-Net of `segment --dims 3`: pools twice, so patches are multiples of 4. */
const VOLUME_UNET = { depth: 2, baseFilters: 8, upsampling: 'transpose' } as const;

function parseVolumeSize(list: readonly string[], where: string): number[] {
  const size = list.map(Number);
  if (size.length !== 3 || size.some((d) => !Number.isInteger(d) || d < 16))
    throw new InvalidArgumentError(where, '--volume-size', list.join(','), 'D,H,W: three integers ≥ 16');
  return size;
}

function volumeChoice(options: ResolvedOptions, where: string): VolumeChoice {
  const subjects = options.optionalList('nifti');
  const masks = options.optionalList('mask');
  if (subjects !== undefined || masks !== undefined) {
    if (subjects === undefined || masks === undefined)
      throw new InvalidArgumentError(
        where,
        subjects === undefined ? '--nifti' : '--mask',
        'missing',
        'both --nifti SUBJECT… (channels joined by commas) and --mask MASK… (one per subject)',
      );
    return { kind: 'nifti', subjects, masks };
  }
  if (options.optionalString('images') !== undefined)
    throw new InvalidArgumentError(where, '--images', options.optionalString('images'), 'PNG slices only with --dims 2');
  return {
    kind: 'phantom',
    seed: options.number('seed'),
    count: options.number('volumes'),
    size: parseVolumeSize(options.optionalList('volumeSize') ?? [], where),
    lesionFraction: options.number('volumeLesionFraction'),
  };
}

/** Runs `segment --dims 3` (or `segment --nifti … --mask …`). */
export async function runVolumeSegment(options: ResolvedOptions, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn segment';
  const started = performance.now();
  const epochs = options.has('epochs') ? options.number('epochs') : VOLUME_SEGMENT_DEFAULTS.epochs;
  const seed = options.number('seed');
  const prior = parsePrior(options.string('prior'), where);
  const weighting = resolveWeighting(options.string('klWeighting'), epochs, where, '--kl-weighting');
  const side = options.number('patchSize');
  const multiple = 2 ** VOLUME_UNET.depth;
  if (side % multiple !== 0)
    throw new InvalidArgumentError(
      where,
      '--patch-size',
      side,
      `a multiple of ${multiple} (the 3D U-Net pools ${VOLUME_UNET.depth} times)`,
    );
  const patchSize = [side, side, side];
  const choice = volumeChoice(options, where);
  const data = await loadVolumeData(choice, patchSize);
  const trainGrid = data.train[0].size;
  for (const volume of data.train) {
    if (volume.size.some((d, i) => d !== trainGrid[i]))
      throw new ShapeError(
        where,
        volume.name,
        [...volume.size],
        `the grid of the first training volume ${data.train[0].name}, [${trainGrid.join(', ')}] (resample training volumes onto one grid)`,
      );
  }
  const { outDir, resumeFrom } = segmentRunFolder(options, where);

  await initBackend();
  const voxels = trainGrid[0] * trainGrid[1] * trainGrid[2];
  const image = new Float32Array(data.train.length * voxels * data.channels);
  const mask = new Uint8Array(data.train.length * voxels);
  data.train.forEach((volume, k) => {
    image.set(volume.image, k * voxels * data.channels);
    mask.set(volume.mask, k * voxels);
  });
  const batchSize = options.number('batchSize');
  const sampler = new PatchSampler(
    { image, mask, shape: [data.train.length, ...trainGrid, data.channels] },
    { patchSize, batchSize, positiveFraction: options.number('positiveFraction'), seed },
  );
  const batchesPerEpoch = Math.max(1, Math.ceil(options.number('patchesPerEpoch') / batchSize));
  // A resumed run continues the batch sequence where the checkpoint's epoch left it.
  const checkpoint = resumeFrom === undefined ? null : await readCheckpoint(resumeFrom);
  const probe = sampler.batch(0);
  const patchPositiveFraction = tf.tidy(() => tf.mean(probe.masks).dataSync()[0]);
  tf.dispose([probe.images, probe.masks]);

  mkdirSync(outDir, { recursive: true });
  context.output.log(
    `segment --dims 3: ${data.description}; patches of ${side}³ (${(100 * options.number('positiveFraction')).toFixed(0)} % lesion-centred), writing to ${outDir}`,
  );
  const model = bayesianUNet({
    rank: 3,
    inputShape: [side, side, side, data.channels],
    ...VOLUME_UNET,
    estimator: options.string('estimator') as Estimator,
    prior,
    posteriorInit: { seed, rawScaleInit: PHANTOM_SEGMENTATION_RECIPE.rawScaleInit },
  });
  const optimizer = tf.train.adam(options.has('learningRate') ? options.number('learningRate') : VOLUME_SEGMENT_DEFAULTS.learningRate);
  try {
    const history = await fit(model, sampler.dataset(batchesPerEpoch, checkpoint?.epoch ?? 0), {
      elbo: {
        likelihood: lossFor(options.optionalString('loss') ?? VOLUME_SEGMENT_DEFAULTS.loss, patchPositiveFraction),
        klWeighting: weighting.weighting,
        reduction: weighting.reduction,
        countUnit: 'images',
      },
      optimizer,
      epochs,
      // N of KL/N: the patch-sized blocks the training volumes hold (their distinct content), not the
      // number of patches drawn, which is arbitrary and would make the KL weight depend on it.
      datasetSize: Math.max(1, Math.round((data.train.length * voxels) / side ** 3)),
      batchesPerEpoch,
      seed,
      ...segmentFitSettings(options, context, outDir, resumeFrom),
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const interrupted = history.stopReason === 'aborted';
    context.output.log(
      `segment: ${interrupted ? 'interrupted; evaluating the last weights' : 'trained'} after ${history.steps.length} steps (${trainSeconds.toFixed(1)} s); sliding-window inference with ${options.number('samples')} passes on ${data.heldOut.length} held-out volume(s)`,
    );
    const modelDir = join(outDir, RUN_FOLDERS.model);
    await saveModel(model, modelDir);
    const evaluation = await evaluateVolumes(model, data.heldOut, data.channels, {
      patchSize,
      samples: options.number('samples'),
      seed,
      minLesionSize: options.number('minLesionSize'),
      onVolume: (index, total) => context.output.log(`segment: held-out volume ${index + 1}/${total}`),
    });
    const mapsDir = join(outDir, 'maps');
    mkdirSync(mapsDir, { recursive: true });
    const niftiPaths: Record<string, Record<string, string>> = {};
    for (const [index, volume] of data.heldOut.entries()) {
      const maps = evaluation.maps[index];
      const named = Object.fromEntries(
        Object.entries(MAP_FILE_NAMES).map(([key, file]) => [file, maps[key as keyof typeof MAP_FILE_NAMES]]),
      );
      niftiPaths[volume.name] = await writeMapSet(mapsDir, named, volume.geometry, `${volume.name}-`);
    }
    const miMax = Math.max(1e-6, ...evaluation.maps.map((m) => m.mutualInformation.reduce((a, b) => Math.max(a, b), 0)));
    const panels = data.heldOut.flatMap((volume, index) => {
      const largest = evaluation.lesions.missed
        .concat(evaluation.lesions.detections.filter((d) => d.truthLabels.length > 0))
        .filter((l) => l.example === index)
        .sort((a, b) => b.voxels - a.voxels)[0];
      return orthogonalRows(volume, evaluation.maps[index], data.channels, largest, [0, miMax]);
    });
    const wallTimeSeconds = (performance.now() - started) / 1000;
    const { metrics } = evaluation;
    const report: RunReport = {
      title: 'tfjs-bnn segment --dims 3',
      status: interrupted ? 'interrupted' : 'complete',
      createdAt: new Date().toISOString(),
      summary: { ...metrics, epochsCompleted: history.epochs.length, steps: history.steps.length, trainSeconds, wallTimeSeconds },
      settings: {
        ...options.toJSON(),
        unet: `3D, depth ${VOLUME_UNET.depth}, ${VOLUME_UNET.baseFilters} base filters, ${data.channels} channel(s)`,
        backend: tf.getBackend(),
      },
      notes: [
        data.description,
        'Voxel metrics over all held-out volumes (Dice of p̄ ≥ 0.5; AUROC of the predictive entropy for the voxels p̄ gets wrong). Lesions are 26-connected components; a detection is a component of p̄ ≥ 0.5; components under --min-lesion-size voxels are ignored, detected and true alike.',
        `fdrAtTpr…: the lowest lesion-level FDR among operating points with lesion TPR ≥ 0.8 when detections are filtered by their mean MI, and by their mean p̄ (NaN: TPR 0.8 is never reached).`,
        "Maps were blended from overlapping windows with Gaussian weights (σ = window/8); NIfTI maps carry each input volume's geometry.",
        ...(interrupted ? ['Interrupted by Ctrl-C: training stopped early; these results are partial.'] : []),
      ],
      training: history.steps,
      panels,
      tables: lesionTables(evaluation, data.heldOut),
    };
    const written = await writeRunReport(outDir, report);
    const result = {
      command: 'segment',
      dims: 3,
      status: report.status,
      ...metrics,
      confidentMissList: evaluation.lesions.missed.filter(isConfidentMiss).map((m) => ({
        volume: data.heldOut[m.example]?.name,
        centroid: m.centroid,
        voxels: m.voxels,
        maxProbability: m.probability.max,
        meanMutualInformation: m.uncertainty.mutualInformation.mean,
      })),
      wallTimeSeconds,
      trainSeconds,
      epochsCompleted: history.epochs.length,
      steps: history.steps.length,
      backend: tf.getBackend(),
      paths: {
        out: outDir,
        report: written.html,
        results: written.results,
        checkpoint: join(outDir, RUN_FOLDERS.checkpoint),
        model: modelDir,
        nifti: niftiPaths,
      },
    };
    context.output.result(result, () => [
      `dice ${metrics.dice.toFixed(4)}, lesion TPR ${metrics.lesionTpr.toFixed(3)} at FDR ${metrics.lesionFdr.toFixed(3)}, error-detection AUROC ${metrics.auroc.toFixed(4)}, ${metrics.confidentMisses} confident miss(es), wall time ${wallTimeSeconds.toFixed(1)} s`,
      `report: ${written.html}`,
    ]);
    return interrupted ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
