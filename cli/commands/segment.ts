/**
 * `tfjs-bnn segment`: trains a small Bayesian U-Net (`layers/unet`) with `fit`, then writes the
 * held-out uncertainty maps (PNG panels, NIfTI), the metrics, `results.json` and `report.html`.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../inference/report/index.js';
import { writeRunReport } from '../../inference/report/write.js';
import { fit } from '../../inference/trainer/index.js';
import type { Estimator } from '../../layers/index.js';
import { bayesianUNet } from '../../layers/unet.js';
// Registers directories as fit's default checkpoint store (the Node entry does the same).
import '../../inference/trainer/checkpoint.js';
import { saveModel } from '../../layers/io.js';
import { initBackend } from '../../src/backend/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { padToMultiple } from '../../src/tensor/pad-to-multiple.js';
import { writeNifti } from '../../src/io/nifti-file.js';
import { writeUncertaintyPanel } from '../../src/io/png-file.js';
import { INTERRUPTED_EXIT_CODE, InterruptedError, throwIfInterrupted, yieldToEvents } from '../interrupt.js';
import { SEGMENT_DEFAULTS, SEGMENT_SIZE_MULTIPLE } from '../command-options.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { lossFor, parsePrior } from '../segment/choices.js';
import { loadSegmentationData, type DataChoice } from '../segment/data.js';
import { evaluateSegmentation } from '../segment/evaluate.js';
import { mutualInformationMax, panelRows, panelSlices, sliceOf, MUTUAL_INFORMATION_SCALE_NOTE } from '../segment/panel-rows.js';
import { RUN_FOLDERS, segmentFitSettings, segmentRunFolder } from '../segment/run-folder.js';
import { runVolumeSegment } from '../segment/volume-run.js';
import { resolveWeighting } from '../study/weightings.js';
import { PHANTOM_SEGMENTATION_RECIPE } from '../../inference/segmentation/recipe.js';

/** The U-Net of `segment`: the phantom recipe's, small enough for the cpu backend. */
export const SEGMENT_UNET = {
  depth: PHANTOM_SEGMENTATION_RECIPE.depth,
  baseFilters: PHANTOM_SEGMENTATION_RECIPE.baseFilters,
  upsampling: PHANTOM_SEGMENTATION_RECIPE.upsampling,
} as const;
/** Held-out slices shown as panels (those with the most lesion voxels). */
export const PANEL_SLICES = 3;
export { RUN_FOLDERS } from '../segment/run-folder.js';

function dataChoice(options: ResolvedOptions, where: string): DataChoice {
  const images = options.optionalString('images');
  const nifti = options.optionalList('nifti');
  if (images !== undefined && nifti !== undefined)
    throw new InvalidArgumentError(where, '--images', images, 'either --images or --nifti, not both');
  if (images !== undefined) return { kind: 'images', dir: images };
  if (nifti !== undefined) return { kind: 'nifti', files: nifti };
  return {
    kind: 'phantom',
    seed: options.number('seed'),
    size: options.number('phantomSize'),
    count: options.number('phantomCount'),
    lesionFraction: options.number('lesionFraction'),
  };
}

/** Runs `segment`. */
export async function runSegment(options: ResolvedOptions, context: RunContext): Promise<number> {
  if (options.string('dims') === '3' || options.optionalList('mask') !== undefined) return runVolumeSegment(options, context);
  const where = 'tfjs-bnn segment';
  const started = performance.now();
  const epochs = options.has('epochs') ? options.number('epochs') : SEGMENT_DEFAULTS.epochs;
  const seed = options.number('seed');
  // Names are resolved before any work so that a typo fails at once, in one line.
  const prior = parsePrior(options.string('prior'), where);
  const weighting = resolveWeighting(options.string('klWeighting'), epochs, where, '--kl-weighting');
  const choice = dataChoice(options, where);
  const multiple = SEGMENT_SIZE_MULTIPLE;
  const { outDir, resumeFrom } = segmentRunFolder(options, where);

  await initBackend();
  const data = await loadSegmentationData(choice);
  let model: tf.LayersModel | null = null;
  const optimizer = tf.train.adam(options.has('learningRate') ? options.number('learningRate') : SEGMENT_DEFAULTS.learningRate);
  let trainPadded: tf.Tensor[] = [];
  try {
    // Slices of any size: padded to the U-Net's multiple for training and prediction, maps cropped back.
    const trainX = padToMultiple(data.train.x, multiple);
    const trainY = padToMultiple(data.train.y, multiple);
    trainPadded = [trainX.padded, trainY.padded];
    const [paddedHeight, paddedWidth] = trainX.padding.paddedSize;
    mkdirSync(outDir, { recursive: true });
    context.output.log(`segment: ${data.description}; writing to ${outDir}`);
    const unet = bayesianUNet({
      rank: 2,
      inputShape: [paddedHeight, paddedWidth, 1],
      ...SEGMENT_UNET,
      estimator: options.string('estimator') as Estimator,
      prior,
      posteriorInit: { seed, rawScaleInit: PHANTOM_SEGMENTATION_RECIPE.rawScaleInit },
    });
    model = unet;
    const history = await fit(
      unet,
      { x: trainX.padded, y: trainY.padded },
      {
        elbo: {
          likelihood: lossFor(options.optionalString('loss') ?? SEGMENT_DEFAULTS.loss, data.positiveFraction),
          klWeighting: weighting.weighting,
          reduction: weighting.reduction,
          countUnit: 'images',
        },
        optimizer,
        epochs,
        batchSize: options.number('batchSize'),
        seed,
        ...segmentFitSettings(options, context, outDir, resumeFrom),
      },
    );
    const trainSeconds = (performance.now() - started) / 1000;
    const trainingInterrupted = history.stopReason === 'aborted';
    context.output.log(
      `segment: ${trainingInterrupted ? 'interrupted; evaluating the last weights' : 'trained'} after ${history.steps.length} steps (${trainSeconds.toFixed(1)} s); ${options.number('samples')} Monte Carlo passes on the held-out slices`,
    );

    const modelDir = join(outDir, RUN_FOLDERS.model);
    await saveModel(unet, modelDir);
    // A Ctrl-C during training gives a partial report of the last weights; one during prediction or
    // map writing stops the command (InterruptedError, exit 130), the checkpoint kept.
    const evaluationSignal = trainingInterrupted ? undefined : context.signal;
    const kept = `; the checkpoint in ${join(outDir, RUN_FOLDERS.checkpoint)} holds the trained weights (segment --resume ${outDir} re-evaluates them)`;
    const evaluation = await evaluateSegmentation(
      unet,
      data.heldOut.x,
      data.heldOut.y,
      options.number('samples'),
      seed,
      evaluationSignal,
      multiple,
    ).catch((error: unknown) => {
      if (error instanceof InterruptedError) throw new InterruptedError(error.stage, `${error.detail}${kept}`);
      throw error;
    });
    const { maps } = evaluation;
    const heldOutCount = data.heldOut.x.shape[0];
    const mapsDir = join(outDir, RUN_FOLDERS.maps);
    const panelsDir = join(outDir, RUN_FOLDERS.panels);
    mkdirSync(mapsDir, { recursive: true });
    mkdirSync(panelsDir, { recursive: true });
    const niftiPaths: Record<string, string> = {};
    for (const [name, values] of [
      ['mean-probability', maps.meanProbability],
      ['predictive-entropy', maps.predictiveEntropy],
      ['mutual-information', maps.mutualInformation],
    ] as const) {
      await yieldToEvents();
      throwIfInterrupted(evaluationSignal, 'map writing', () => `before ${name}.nii.gz${kept}`);
      niftiPaths[name] = join(mapsDir, `${name}.nii.gz`);
      await writeNifti(niftiPaths[name], values, data.heldOutGeometry);
    }
    const size = data.height * data.width;
    const slices = panelSlices(maps, heldOutCount, size, PANEL_SLICES);
    const miMax = mutualInformationMax(maps);
    const panelPaths: string[] = [];
    for (const s of slices) {
      await yieldToEvents();
      throwIfInterrupted(evaluationSignal, 'panel writing', () => `before slice ${s}${kept}`);
      const path = join(panelsDir, `uncertainty-slice-${s}.png`);
      await writeUncertaintyPanel(
        path,
        {
          image: sliceOf(maps.image, s, size),
          truth: sliceOf(maps.truth, s, size),
          prediction: sliceOf(maps.meanProbability, s, size),
          entropy: sliceOf(maps.predictiveEntropy, s, size),
          mutualInformation: sliceOf(maps.mutualInformation, s, size),
        },
        { height: data.height, width: data.width, scale: Math.max(1, Math.round(128 / data.width)), mutualInformationMax: miMax },
      );
      panelPaths.push(path);
    }
    const wallTimeSeconds = (performance.now() - started) / 1000;
    const metrics = evaluation.metrics;
    const interrupted = trainingInterrupted;
    const report: RunReport = {
      title: 'tfjs-bnn segment',
      status: interrupted ? 'interrupted' : 'complete',
      createdAt: new Date().toISOString(),
      summary: {
        ...metrics,
        epochsCompleted: history.epochs.length,
        steps: history.steps.length,
        skippedSteps: history.skippedSteps.length,
        trainSeconds,
        wallTimeSeconds,
      },
      settings: {
        ...options.toJSON(),
        unet: `depth ${SEGMENT_UNET.depth}, ${SEGMENT_UNET.baseFilters} base filters`,
        reduction: weighting.reduction,
        countUnit: 'images',
        backend: tf.getBackend(),
      },
      notes: [
        data.description,
        'Metrics are on the held-out slices: Dice of p̄ ≥ 0.5; AUROC of the predictive entropy for detecting the voxels the prediction gets wrong; ECE with 15 bins over all voxels (the background dominates it).',
        'N in the KL weighting counts images (countUnit "images"): each image\'s NLL is summed over its voxels.',
        'The foreground reliability diagram and eceForeground use only the voxels that are lesion or predicted lesion (p̄ ≥ 0.5), where calibration matters for lesions.',
        MUTUAL_INFORMATION_SCALE_NOTE,
        ...(interrupted
          ? ['Interrupted by Ctrl-C: training stopped early; the checkpoint holds the last weights and these results are partial.']
          : []),
      ],
      training: history.steps,
      reliability: evaluation.reliability,
      retention: evaluation.retention,
      foregroundReliability: evaluation.foregroundReliability,
      panels: panelRows(maps, slices, data, miMax),
    };
    const written = await writeRunReport(outDir, report);
    const result = {
      command: 'segment',
      status: report.status,
      ...metrics,
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
        panels: panelPaths,
      },
    };
    context.output.result(result, () => [
      `dice ${metrics.dice.toFixed(4)}, error-detection AUROC ${metrics.auroc.toFixed(4)}, ECE ${metrics.ece.toFixed(4)}, wall time ${wallTimeSeconds.toFixed(1)} s`,
      `report: ${written.html}`,
    ]);
    return interrupted ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    model?.dispose();
    tf.dispose(trainPadded);
    optimizer.dispose();
    data.dispose();
  }
}
