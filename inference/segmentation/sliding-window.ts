/**
 * Monte Carlo uncertainty maps of a whole volume too large for one forward pass: overlapping
 * windows, each through `predictive` (S passes streamed, so tensor memory is bounded by the window
 * and flat in S), blended with Gaussian importance into volume-sized plain arrays.
 *
 * Pass s of every window uses the same noise position `{step, particle: s}`, so with per-weight
 * sampling each pass is one weight sample for the whole volume. Blending keeps the decomposition
 * exact for the blended mixture: the first and second moments of p and the expected entropy are
 * blended (all linear in the passes), then predictive entropy H[p̄], mutual information
 * H[p̄] − E[H[p_s]] and variance E[p²] − p̄² are formed from the blended values. Where one window
 * covers a voxel the result equals `predictive` on that window.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { NoiseSource } from '../../src/random/index.js';
import { requireFloatTensor, requireInteger } from '../../src/validate.js';
import { ENTROPY_EPSILON } from '../predictive/entropy.js';
import { disposePredictive, predictive, DEFAULT_PREDICTIVE_SAMPLES, type PredictiveModel } from '../predictive/predictive.js';
import { DEFAULT_GAUSSIAN_SIGMA_SCALE, DEFAULT_WINDOW_OVERLAP, gaussianImportance, windowGrid, WindowBlender } from './window-blending.js';

/** Options of `slidingWindowPredictive`. Give `noise` or `seed`. */
export interface SlidingWindowOptions {
  /** Spatial window size (`[l]`, `[h, w]` or `[d, h, w]`), each ≤ the volume's and what the model accepts. */
  readonly patchSize: readonly number[];
  /** Overlap of neighbouring windows in [0, 1). Default 0.5. */
  readonly overlap?: number;
  /** σ of the Gaussian importance as a fraction of the window size. Default 1/8. */
  readonly sigmaScale?: number;
  /** Stochastic passes S per window. Default 20. */
  readonly samples?: number;
  /** Windows per forward pass. Default 1. */
  readonly windowsPerBatch?: number;
  /** Noise source (pass s at `{step, particle: s}`), or `seed` for a new one. */
  readonly noise?: NoiseSource;
  readonly seed?: number | string;
  /** Noise step of every pass (one never used in training). Default 0. */
  readonly step?: number;
  /** Called after every pass with (passes done, passes total = windows batches · S). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborts between passes: the promise rejects with the signal's reason (an `AbortError`). */
  readonly signal?: AbortSignal;
  /**
   * Run the passes as compiled TensorFlow graph calls (`predictive`'s `compile`: tfjs-node's
   * backend, a `tf.LayersModel`; every window batch checks one pass bit for bit, so the maps are
   * the eager maps). Ignored on other backends. Default false.
   */
  readonly compile?: boolean;
}

/** Uncertainty maps of a volume as plain arrays, each `∏ spatial` values in the volume's row-major order. */
export interface VolumeMaps {
  readonly meanProbability: Float32Array;
  /** H[p̄], nats. */
  readonly predictiveEntropy: Float32Array;
  /** E_s H[p_s], nats (aleatoric). */
  readonly expectedEntropy: Float32Array;
  /** H[p̄] − E_s H[p_s], nats (epistemic), ≥ 0. */
  readonly mutualInformation: Float32Array;
  /** E_s p_s² − p̄², ≥ 0. */
  readonly variance: Float32Array;
  /** Spatial size of the maps. */
  readonly size: readonly number[];
  /** Window corners used. */
  readonly windows: number;
  readonly samples: number;
}

function bernoulliEntropyValue(p: number): number {
  const q = Math.min(1 - ENTROPY_EPSILON, Math.max(ENTROPY_EPSILON, p));
  return -(q * Math.log(q) + (1 - q) * Math.log(1 - q));
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Sliding-window predictive maps of one volume `[1, ...spatial, C]` (float32; not disposed) for a
 * model with one sigmoid logit channel. Returns plain arrays (no tensors to free). Throws
 * `ShapeError` for a window larger than the volume or a model output that is not one channel of
 * the window's grid.
 *
 * @example
 * const maps = await slidingWindowPredictive(model, volume, {patchSize: [32, 32, 32], samples: 20, seed: 1, signal});
 * await writeNifti('mi.nii.gz', maps.mutualInformation, geometry);
 */
export async function slidingWindowPredictive(
  model: PredictiveModel,
  volume: tf.Tensor,
  options: SlidingWindowOptions,
): Promise<VolumeMaps> {
  const where = 'slidingWindowPredictive';
  requireFloatTensor(where, 'volume', volume);
  if (volume.rank < 3 || volume.rank > 5 || volume.shape[0] !== 1)
    throw new ShapeError(where, 'volume', volume.shape, '[1, ...spatial, C] with 1 to 3 spatial axes');
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(where, 'options', options, 'an options object with patchSize and seed or noise');
  const size = volume.shape.slice(1, -1);
  const channels = volume.shape[volume.rank - 1];
  const patchSize = options.patchSize;
  const corners = windowGrid(size, patchSize, options.overlap ?? DEFAULT_WINDOW_OVERLAP);
  const samples = requireInteger(where, 'options.samples', options.samples ?? DEFAULT_PREDICTIVE_SAMPLES);
  const perBatch = requireInteger(where, 'options.windowsPerBatch', options.windowsPerBatch ?? 1);
  const step = requireInteger(where, 'options.step', options.step ?? 0, 0);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw new InvalidArgumentError(where, 'options.signal', options.signal, 'an AbortSignal');
  const compile = options.compile ?? false;
  if (typeof compile !== 'boolean') throw new InvalidArgumentError(where, 'options.compile', compile, 'true or false');
  let noise: NoiseSource;
  if (options.noise instanceof NoiseSource) noise = options.noise;
  else if (options.noise !== undefined) throw new InvalidArgumentError(where, 'options.noise', options.noise, 'a NoiseSource');
  else if (options.seed !== undefined) noise = new NoiseSource(options.seed);
  else
    throw new InvalidArgumentError(
      where,
      'options',
      'neither noise nor seed',
      'options.noise or options.seed, so the passes are replayable',
    );

  const blender = new WindowBlender(size, patchSize, 3, gaussianImportance(patchSize, options.sigmaScale ?? DEFAULT_GAUSSIAN_SIGMA_SCALE));
  const patchVoxels = patchSize.reduce((a, b) => a * b, 1);
  const batches = Math.ceil(corners.length / perBatch);
  const total = batches * samples;
  let done = 0;
  const signal = options.signal;
  for (let b = 0; b < batches; b++) {
    signal?.throwIfAborted();
    const batchCorners = corners.slice(b * perBatch, (b + 1) * perBatch);
    const windows = tf.tidy(() =>
      tf.concat(
        batchCorners.map((corner) => tf.slice(volume, [0, ...corner, 0], [1, ...patchSize, channels])),
        0,
      ),
    );
    let maps;
    try {
      maps = predictive(model, windows, {
        samples,
        noise,
        step,
        output: 'sigmoid',
        compile,
        onProgress: () => {
          // Throwing here ends predictive between passes; it frees its accumulators on the way out.
          signal?.throwIfAborted();
          options.onProgress?.(++done, total);
        },
      });
    } finally {
      windows.dispose();
    }
    let values: Float32Array[];
    try {
      const expected = [batchCorners.length, ...patchSize, 1];
      if (maps.meanProbability.shape.length !== expected.length || maps.meanProbability.shape.some((d, i) => d !== expected[i])) {
        throw new ShapeError(
          where,
          'model output',
          maps.meanProbability.shape,
          `[${expected.join(', ')}] (one logit channel on the window's grid)`,
        );
      }
      const secondMoment = tf.tidy(() => tf.add(maps.variance, tf.square(maps.meanProbability)));
      try {
        values = [
          (await maps.meanProbability.data()) as Float32Array,
          (await secondMoment.data()) as Float32Array,
          (await maps.expectedEntropy.data()) as Float32Array,
        ];
      } finally {
        secondMoment.dispose();
      }
    } finally {
      disposePredictive(maps);
    }
    batchCorners.forEach((corner, w) =>
      blender.add(
        corner,
        values.map((v) => v.subarray(w * patchVoxels, (w + 1) * patchVoxels)),
      ),
    );
    await yieldToEventLoop();
  }
  const [meanProbability, secondMoment, expectedEntropy] = blender.blended();
  const voxels = meanProbability.length;
  const predictiveEntropy = new Float32Array(voxels);
  const mutualInformation = new Float32Array(voxels);
  const variance = new Float32Array(voxels);
  for (let v = 0; v < voxels; v++) {
    const p = meanProbability[v];
    predictiveEntropy[v] = bernoulliEntropyValue(p);
    mutualInformation[v] = Math.max(0, predictiveEntropy[v] - expectedEntropy[v]);
    variance[v] = Math.max(0, secondMoment[v] - p * p);
  }
  return { meanProbability, predictiveEntropy, expectedEntropy, mutualInformation, variance, size, windows: corners.length, samples };
}
