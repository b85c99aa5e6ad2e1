/**
 * Fixtures and Node-side references of the browser tests: a saved segment U-Net, a PNG and a
 * NIfTI slice, bad files, and what Node computes for them (maps, toy losses) on its `cpu` backend.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bayesianUNet } from '../../layers/unet.js';
import { SEGMENT_UNET } from '../../cli/commands/segment.js';
import { SEGMENT_DEFAULTS } from '../../cli/command-options.js';
import { parsePrior } from '../../cli/segment/choices.js';
import { PHANTOM_SEGMENTATION_RECIPE } from '../../inference/segmentation/recipe.js';
import { saveModel, loadModel, MODEL_JSON, WEIGHTS_BIN } from '../../layers/io.js';
import { predictive, disposePredictive } from '../../inference/predictive/index.js';
import { EVALUATION_STEP } from '../../cli/study/task.js';
import { encodePngRgba } from '../../src/io/png-codec.js';
import { decodePng } from '../../src/io/png.js';
import { normalizeSlices } from '../../src/io/normalize.js';
import { writeNifti } from '../../src/io/nifti-file.js';
import { defaultGeometry } from '../../src/io/nifti-geometry.js';
import { regressionToy } from '../../src/data/regression-toy.js';
import { denseVariational } from '../../layers/dense-variational.js';
import { Elbo } from '../../inference/elbo/index.js';
import { gaussian } from '../../inference/likelihoods/index.js';
import * as klWeighting from '../../inference/kl-weighting/index.js';
import { GradientRecorder } from '../../inference/inspector/index.js';
import { fit } from '../../inference/trainer/index.js';
import { fastCpuKernelsInstalled, installFastCpuKernels, uninstallFastCpuKernels } from '../../src/backend/index.js';

/** Slice side, Monte Carlo passes and seed of the viewer comparison. */
export const SIZE = 16;
export const SAMPLES = 4;
export const SEED = 7;

/** Paths of the files the tests give the viewer. */
export interface ViewerFiles {
  readonly folder: string;
  readonly model: string;
  readonly weights: string;
  readonly wrongWeights: string;
  readonly slice: string;
  readonly volume: string;
  readonly notes: string;
  readonly foreignModel: string;
}

/** Runs `fn` on Node's `cpu` backend with tfjs-bnn's fast kernels (what `?backend=cpu` runs in the page), then restores the backend. */
export async function onNodeCpu<T>(fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  const hadFast = fastCpuKernelsInstalled();
  await tf.setBackend('cpu');
  installFastCpuKernels();
  try {
    return await fn();
  } finally {
    if (!hadFast) uninstallFastCpuKernels();
    await tf.setBackend(previous);
  }
}

/** Writes the viewer's files into `folder`. */
export async function writeViewerFiles(folder: string): Promise<ViewerFiles> {
  // The U-Net exactly as `tfjs-bnn segment` builds it (its defaults), untrained: what the viewer loads from a run folder.
  const model = bayesianUNet({
    rank: 2,
    inputShape: [SIZE, SIZE, 1],
    ...SEGMENT_UNET,
    estimator: SEGMENT_DEFAULTS.estimator,
    prior: parsePrior(SEGMENT_DEFAULTS.prior, 'test'),
    posteriorInit: { seed: 3, rawScaleInit: PHANTOM_SEGMENTATION_RECIPE.rawScaleInit },
  });
  await saveModel(model, join(folder, 'model'));
  model.dispose();
  // A bright disc on a dark ground with a gradient, like a lesion slice.
  const pixels = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => {
    const [r, c] = [Math.floor(i / SIZE), i % SIZE];
    return Math.min(255, 40 + 4 * c + ((r - 8) ** 2 + (c - 7) ** 2 < 16 ? 150 : 0));
  });
  await writeFile(
    join(folder, 'slice.png'),
    encodePngRgba(
      Uint8Array.from({ length: 4 * SIZE * SIZE }, (_, i) => (i % 4 === 3 ? 255 : pixels[i >> 2])),
      SIZE,
      SIZE,
    ),
  );
  // A gzipped NIfTI volume of 3 slices whose middle one holds the PNG's grey values (as decodePng computes them).
  const volume = new Float32Array(3 * SIZE * SIZE).map((_, i) => (i % 7) / 7);
  volume.set(
    Float32Array.from(pixels, (p) => (0.299 * p + 0.587 * p + 0.114 * p) / 255),
    SIZE * SIZE,
  );
  await writeNifti(join(folder, 'volume.nii.gz'), volume, defaultGeometry([SIZE, SIZE, 3]));
  await writeFile(join(folder, 'notes.txt'), 'these are notes, not an image\n');
  await writeFile(join(folder, 'wrong-weights.bin'), new Uint8Array(100));
  const json = JSON.parse(await readFile(join(folder, 'model', MODEL_JSON), 'utf8')) as { modelTopology: unknown };
  const renamed = JSON.stringify(json).replaceAll('"class_name":"ConvVariational"', '"class_name":"ConvVariationalV9"');
  await writeFile(join(folder, 'foreign-model.json'), renamed);
  return {
    folder,
    model: join(folder, 'model', MODEL_JSON),
    weights: join(folder, 'model', WEIGHTS_BIN),
    slice: join(folder, 'slice.png'),
    volume: join(folder, 'volume.nii.gz'),
    notes: join(folder, 'notes.txt'),
    wrongWeights: join(folder, 'wrong-weights.bin'),
    foreignModel: join(folder, 'foreign-model.json'),
  };
}

export type MapName = 'meanProbability' | 'predictiveEntropy' | 'mutualInformation';
export const MAP_NAMES: readonly MapName[] = ['meanProbability', 'predictiveEntropy', 'mutualInformation'];

/** Node's maps for the saved model and PNG slice, on `cpu` with the fast kernels, as the page computes them. */
export async function nodeMaps(files: ViewerFiles): Promise<Record<MapName, Float32Array>> {
  return onNodeCpu(async () => {
    const model = await loadModel(join(files.folder, 'model'));
    const image = decodePng(await readFile(files.slice));
    const x = tf.tensor4d(normalizeSlices(image.data, 1, SIZE * SIZE), [1, SIZE, SIZE, 1]);
    try {
      const maps = predictive(model, x, { samples: SAMPLES, seed: `segment/evaluation/${SEED}`, step: EVALUATION_STEP, output: 'sigmoid' });
      const result = {
        meanProbability: maps.meanProbability.dataSync() as Float32Array,
        predictiveEntropy: maps.predictiveEntropy.dataSync() as Float32Array,
        mutualInformation: maps.mutualInformation.dataSync() as Float32Array,
      };
      disposePredictive(maps);
      return result;
    } finally {
      x.dispose();
      model.dispose();
    }
  });
}

/** The three weightings of the page's selector, as Node code writes them (web/src/toy/setup.ts). */
export const TOY_ELBOS = {
  perExample: () => ({ klWeighting: klWeighting.perExample(), reduction: 'mean' as const }),
  blundell: () => ({ klWeighting: klWeighting.blundell(), reduction: 'sum' as const }),
  tempered: () => ({
    klWeighting: klWeighting.product(klWeighting.perExample(), klWeighting.temperedLikelihood(0.1)),
    reduction: 'mean' as const,
  }),
};

/** Epoch-2 mean loss, NLL and KL of Node's `fit` on the toy with the page's settings. */
export async function nodeToyLosses(weighting: keyof typeof TOY_ELBOS): Promise<number[]> {
  return onNodeCpu(async () => {
    const { x, y } = regressionToy({ seed: 1, size: 200 });
    const model = tf.sequential({
      layers: [
        denseVariational({ units: 32, activation: 'relu', inputShape: [1], name: 'hidden', posteriorInit: { seed: 1 } }),
        denseVariational({ units: 1, name: 'output', posteriorInit: { seed: 1 } }),
      ],
    });
    const elbo = new Elbo(model, { likelihood: gaussian({ scale: Math.sqrt(0.02) }), ...TOY_ELBOS[weighting]() });
    const optimizer = tf.train.adam(0.02);
    const recorder = new GradientRecorder();
    const history = await fit(
      model,
      { x, y },
      { elbo, optimizer, epochs: 2, batchSize: 40, seed: 1, progress: 'silent', inspect: { every: 10, recorder } },
    );
    recorder.dispose();
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    const logs = history.epochs[1].logs;
    return [logs.loss, logs.nll, logs.kl];
  });
}
