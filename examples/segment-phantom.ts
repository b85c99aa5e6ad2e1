/**
 * End to end on the built-in phantom with the measured recipe (`PHANTOM_SEGMENTATION_RECIPE`):
 * train a small Bayesian U-Net on 2D FLAIR-like slices with 0.5 % lesion voxels, then report
 * held-out Dice, lesion detection, calibration and how well the uncertainty maps point at the
 * model's own errors; write PNG panels and NIfTI maps.
 *
 *   TFJS_BNN_BACKEND=cpu node dist/examples/segment-phantom.js [--epochs N] [--train N] [--samples S] [--seed K] [--out DIR] [--quick]
 *
 * The recipe (docs/segmentation.md, "A recipe that works"): nnU-Net's CE + Dice loss per image,
 * N counted in images, KL weight β/N, rawScale −5 at the start, Adam 1e-2 with clipping.
 * Same seed → same figures (weights, noise, batch order and phantoms are all seeded).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../src/backend/index.js';
import { generatePhantomArrays, type PhantomArrays } from '../src/data/phantom/index.js';
import { zScoreNormalize, thresholdMask, defaultGeometry } from '../src/io/index.js';
import { writeNifti } from '../src/io/nifti-file.js';
import { writeUncertaintyPanel } from '../src/io/png-file.js';
import { bayesianUNet } from '../layers/unet.js';
import { fit, type EpochRecord } from '../inference/trainer/index.js';
import { predictive, disposePredictive } from '../inference/predictive/index.js';
import {
  voxelMetrics,
  lesionMetrics,
  expectedCalibrationError,
  errorDetectionAuroc,
  retentionCurve,
  uncertaintyErrorOverlap,
} from '../inference/metrics/index.js';
import {
  segmentationRecipe,
  segmentationObjective,
  segmentationUNetArgs,
  type SegmentationRecipe,
} from '../inference/segmentation/index.js';
import { exampleArgs } from './example-args.js';

/** Intensity above which a voxel counts as head when normalising (background Rician noise is ≈ 0.04). */
const HEAD_THRESHOLD = 0.1;
/** Noise step of the predictive passes: far from every training step, so no training noise is replayed. */
const PREDICTIVE_STEP = 1_000_000;

/** Z-scores each slice inside its head (intensity above the background noise); returns [N, H, W, 1]. */
function normalizedImages(phantom: PhantomArrays): tf.Tensor {
  const [count, height, width] = phantom.shape;
  const size = height * width;
  const out = new Float32Array(phantom.image.length);
  for (let n = 0; n < count; n++) {
    const slice = phantom.image.subarray(n * size, (n + 1) * size);
    out.set(zScoreNormalize(slice, { mask: thresholdMask(slice, HEAD_THRESHOLD) }).values, n * size);
  }
  return tf.tensor(out, phantom.shape, 'float32');
}

/** CPU seconds (user + system) of this process since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function recipeFromFlags(flags: Readonly<Record<string, string>>): SegmentationRecipe {
  const quick = flags.quick === 'true';
  const base = segmentationRecipe(quick ? { imageSize: 32, trainSlices: 16, testSlices: 8, epochs: 2, predictiveSamples: 4 } : {});
  const orBase = (name: string, fallback: number): number => (flags[name] === '' ? fallback : Number(flags[name]));
  return segmentationRecipe({
    ...base,
    epochs: orBase('epochs', base.epochs),
    trainSlices: orBase('train', base.trainSlices),
    predictiveSamples: orBase('samples', base.predictiveSamples),
    seed: orBase('seed', base.seed),
  });
}

async function main(): Promise<void> {
  const flags = exampleArgs('segment-phantom', 'The phantom segmentation recipe end to end: training, MC maps, metrics and panels.', [
    { name: 'epochs', description: "training epochs (empty: the recipe's)", defaultValue: '' },
    { name: 'train', description: "training slices (empty: the recipe's)", defaultValue: '' },
    { name: 'samples', description: "Monte Carlo samples (empty: the recipe's)", defaultValue: '' },
    { name: 'seed', description: "seed (empty: the recipe's)", defaultValue: '' },
    { name: 'out', description: 'output folder', defaultValue: join('runs', 'segment-phantom') },
    { name: 'quick', description: 'a small, fast run', defaultValue: 'false', isSwitch: true },
  ]);
  const recipe = recipeFromFlags(flags);
  const outDir = flags.out;
  const info = await initBackend();
  const { imageSize: size, trainSlices, testSlices } = recipe;
  console.log(
    `backend ${info.name}; ${trainSlices} training slices ${size}×${size}, ${recipe.epochs} epochs, batch ${recipe.batchSize}, S = ${recipe.predictiveSamples}, seed ${recipe.seed}`,
  );

  const phantomOptions = { size: [size, size], lesionFraction: recipe.lesionFraction };
  const train = generatePhantomArrays({ ...phantomOptions, seed: `train-${recipe.seed}`, count: trainSlices });
  const test = generatePhantomArrays({ ...phantomOptions, seed: `test-${recipe.seed}`, count: testSlices });
  console.log(
    `lesions: train ${train.lesionVoxels} voxels (${(100 * train.lesionFraction).toFixed(2)} %), test ${test.lesionVoxels} voxels in ${test.lesionCount} lesions`,
  );
  const x = normalizedImages(train);
  const y = tf.tensor(Float32Array.from(train.mask), train.shape, 'float32');
  const xTest = normalizedImages(test);
  const yTest = tf.tensor(Float32Array.from(test.mask), test.shape, 'float32');

  const model = bayesianUNet(segmentationUNetArgs(recipe));
  const objective = segmentationObjective(recipe);
  console.log(
    `loss: ${objective.likelihood.describe}\nKL: ${objective.klWeighting.describe} β = ${recipe.klTemperature}, N = ${trainSlices} images`,
  );
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const history = await fit(
    model,
    { x, y },
    {
      elbo: objective,
      optimizer: tf.train.adam(recipe.learningRate),
      epochs: recipe.epochs,
      batchSize: recipe.batchSize,
      seed: recipe.seed,
      clip: { globalNorm: recipe.clipGlobalNorm },
      progress: 'silent',
      callbacks: {
        onEpochEnd(record: EpochRecord) {
          const { loss, nll, kl, klWeight } = record.logs;
          const wall = (performance.now() - wallStart) / 1000;
          console.log(
            `epoch ${record.epoch + 1}/${recipe.epochs}  loss ${loss.toFixed(1)} = CE+Dice ${nll.toFixed(1)} + β·KL/N ${(klWeight * kl).toFixed(2)} ` +
              `(KL ${kl.toExponential(3)} nats, weight ${klWeight.toExponential(3)})  wall ${wall.toFixed(1)} s  cpu ${cpuSeconds(cpuStart).toFixed(1)} s`,
          );
        },
      },
    },
  );
  const trainWallSeconds = (performance.now() - wallStart) / 1000;
  const trainCpuSeconds = cpuSeconds(cpuStart);
  // How far the posterior widened from σ = softplus(rawScaleInit): the mean σ over every weight.
  const rawScales = model.weights.filter((w) => w.name.includes('raw_scale'));
  const scaleSum = rawScales.reduce((sum, w) => sum + tf.tidy(() => tf.sum(tf.softplus(w.read())).dataSync()[0]), 0);
  const meanPosteriorScale = scaleSum / rawScales.reduce((count, w) => count + w.read().size, 0);

  const predictStart = performance.now();
  const maps = predictive(model, xTest, {
    samples: recipe.predictiveSamples,
    seed: `predict-${recipe.seed}`,
    step: PREDICTIVE_STEP,
    chunkSize: 8,
  });
  const predictSeconds = (performance.now() - predictStart) / 1000;
  const voxel = voxelMetrics(maps.meanProbability, yTest);
  const lesion = lesionMetrics(maps.meanProbability, yTest);
  const report = {
    recipe,
    steps: history.steps.length,
    trainWallSeconds: Number(trainWallSeconds.toFixed(1)),
    trainCpuSeconds: Number(trainCpuSeconds.toFixed(1)),
    predictSeconds: Number(predictSeconds.toFixed(1)),
    finalKl: history.epochs[history.epochs.length - 1]?.logs.kl,
    meanPosteriorScale,
    dice: voxel.dice,
    voxelTpr: voxel.tpr,
    voxelFdr: voxel.fdr,
    lesionTpr: lesion.tpr,
    lesionFdr: lesion.fdr,
    trueLesions: lesion.trueLesions,
    ece: expectedCalibrationError(maps.meanProbability, yTest),
    aurocMutualInformation: errorDetectionAuroc(maps.mutualInformation, maps.meanProbability, yTest),
    aurocPredictiveEntropy: errorDetectionAuroc(maps.predictiveEntropy, maps.meanProbability, yTest),
    uncertaintyErrorOverlap: uncertaintyErrorOverlap(maps.predictiveEntropy, maps.meanProbability, yTest).overlap,
    retentionArea: retentionCurve(maps.predictiveEntropy, maps.meanProbability, yTest).area,
  };
  console.log(JSON.stringify({ ...report, recipe: undefined }, null, 2));

  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const sliceSize = size * size;
  const [image, prob, entropy, mi] = [xTest, maps.meanProbability, maps.predictiveEntropy, maps.mutualInformation].map(
    (t) => t.dataSync() as Float32Array,
  );
  const panels = Math.min(4, testSlices);
  for (let n = 0; n < panels; n++) {
    const part = (values: ArrayLike<number>) => Float32Array.from({ length: sliceSize }, (_, i) => values[n * sliceSize + i]);
    await writeUncertaintyPanel(
      join(outDir, `panel-${n}.png`),
      {
        image: part(image),
        truth: part(test.mask),
        prediction: part(prob),
        entropy: part(entropy),
        mutualInformation: part(mi),
      },
      { height: size, width: size, scale: 3 },
    );
  }
  // The held-out slices as one volume (nz = testSlices), 1 mm voxels.
  const geometry = defaultGeometry([size, size, testSlices]);
  for (const [name, tensor] of [
    ['image', xTest],
    ['truth', yTest],
    ['mean-probability', maps.meanProbability],
    ['predictive-entropy', maps.predictiveEntropy],
    ['mutual-information', maps.mutualInformation],
  ] as const) {
    await writeNifti(join(outDir, `${name}.nii.gz`), tensor, geometry);
  }
  console.log(`wrote report.json, panel-0..${panels - 1}.png and *.nii.gz to ${outDir}`);
  disposePredictive(maps);
  tf.dispose([x, y, xTest, yTest]);
  model.dispose();
}

await main();
