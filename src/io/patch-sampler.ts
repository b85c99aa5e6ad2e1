/**
 * A seeded, replayable source of training patches from whole volumes (or slices, or sequences):
 * the lesion voxels are listed once, then every batch is drawn from its own seed, so batch k is the
 * same whatever was drawn before. Feeds `fit` through `dataset()`.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { InvalidArgumentError } from '../errors.js';
import { requireInteger, requireSeed } from '../validate.js';
import {
  checkPatchOptions,
  drawPatches,
  preparePatchSource,
  type LabelledVolumes,
  type PatchDrawSettings,
  type Patches,
  type PatchSource,
} from './patches.js';

/** Options of a `PatchSampler`. */
export interface PatchSamplerOptions {
  /** Patch size, `[l]`, `[h, w]` or `[d, h, w]`, each ≤ the volume's. */
  readonly patchSize: readonly number[];
  /** Patches per batch. */
  readonly batchSize: number;
  /** Fraction of patches centred on a lesion voxel, in [0, 1]. Default 0.5 (`DEFAULT_POSITIVE_FRACTION`). */
  readonly positiveFraction?: number;
  /** Spatial axes each flipped with probability ½ per patch. Default: every spatial axis. */
  readonly flipAxes?: readonly number[];
  /** Root seed; batch k uses the stream `${seed}|patch-batch|${k}`. */
  readonly seed: number | string;
}

/** One dataset element for `fit`: a batch of patches and their masks. */
export interface PatchBatch extends tf.TensorContainerObject {
  xs: tf.Tensor;
  ys: tf.Tensor;
}

/**
 * Draws batches of patches with a configurable share of lesion-centred ones (nnU-Net's
 * over-sampling; Isensee et al. 2021) and random flips. Holds typed arrays, no tensors.
 *
 * @example
 * const sampler = new PatchSampler({image, mask, shape: [4, 96, 128, 128, 2]}, {patchSize: [32, 32, 32], batchSize: 4, positiveFraction: 0.5, seed: 1});
 * await fit(model, sampler.dataset(16), {datasetSize: 64, batchesPerEpoch: 16, ...});
 */
export class PatchSampler {
  private readonly source: PatchSource;
  private readonly settings: PatchDrawSettings;
  private readonly seed: string;

  /** Throws `ShapeError` / `InvalidArgumentError` (empty mask with positives requested, patch larger than the volume). */
  constructor(volumes: LabelledVolumes, options: PatchSamplerOptions) {
    const where = 'PatchSampler';
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError(where, 'options', options, 'an options object');
    requireSeed(where, 'options.seed', options.seed);
    this.source = preparePatchSource(volumes, where);
    const flipAxes = options.flipAxes ?? this.source.spatial.map((_, axis) => axis);
    this.settings = checkPatchOptions(
      this.source,
      { patchSize: options.patchSize, count: options.batchSize, positiveFraction: options.positiveFraction, flipAxes },
      where,
    );
    this.seed = String(options.seed);
  }

  /** Examples in the volumes. */
  get examples(): number {
    return this.source.shape[0];
  }

  /** Lesion voxels over all volumes. */
  get lesionVoxels(): number {
    return this.source.positives.length;
  }

  /** Batch number `index` (integer ≥ 0): the same patches every time. The caller owns the tensors. */
  batch(index: number): Patches {
    requireInteger('PatchSampler.batch', 'index', index, 0);
    return drawPatches(this.source, this.settings, seedrandom.alea(`${this.seed}|patch-batch|${index}`));
  }

  /**
   * A `tf.data.Dataset` of `batchesPerEpoch` batches `{xs, ys}`; its k-th iteration (fit iterates
   * once per epoch) yields the batches of epoch e = firstEpoch + k: e·batchesPerEpoch …
   * (e+1)·batchesPerEpoch − 1. The trainer owns and disposes each batch. A run resumed at epoch e
   * passes `firstEpoch: e`, so it trains on the batches the uninterrupted run would have.
   *
   * @param batchesPerEpoch batches per iteration, integer ≥ 1.
   * @param firstEpoch the epoch of the first iteration (the checkpoint's epoch when resuming), integer ≥ 0. Default 0.
   */
  dataset(batchesPerEpoch: number, firstEpoch = 0): tf.data.Dataset<PatchBatch> {
    requireInteger('PatchSampler.dataset', 'batchesPerEpoch', batchesPerEpoch, 1);
    requireInteger('PatchSampler.dataset', 'firstEpoch', firstEpoch, 0);
    let iteration = firstEpoch;
    const draw = (index: number) => this.batch(index);
    const epochBatches = function* (first: number): Generator<PatchBatch> {
      for (let b = 0; b < batchesPerEpoch; b++) {
        const { images, masks } = draw(first + b);
        yield { xs: images, ys: masks };
      }
    };
    return tf.data.generator(() => epochBatches(iteration++ * batchesPerEpoch));
  }
}
