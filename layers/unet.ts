/**
 * A Bayesian U-Net (Ronneberger et al. 2015, with variational convolutions as in Bayes by Backprop)
 * for 2D slices or 3D volumes, built with the functional `tf.model` API.
 *
 * Encoder level l (l = 0 … depth−1): two 3×3(×3) variational convs with `baseFilters·2^l` filters
 * and ReLU, then 2× max pooling. Bottleneck: two convs with `baseFilters·2^depth` filters. Decoder
 * level l (deepest first): 2× upsampling (a variational transposed conv with kernel 2 and stride 2,
 * or nearest-neighbour upsampling followed by a variational 3×3 conv), concatenation with the
 * encoder's skip output, and two convs. Head: a 1×1(×1) variational conv to `outputChannels`
 * logits, no activation.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../src/errors.js';
import { requireInteger, requireOneOf } from '../src/validate.js';
import { conv2dVariational, conv3dVariational, type ConvVariationalArgs } from './conv-variational.js';
import { conv2dTransposeVariational, conv3dTransposeVariational } from './conv-transpose-variational.js';
import { requireEstimator, DEFAULT_ESTIMATOR, type Estimator } from './estimator.js';
import type { PriorSpec } from './priors.js';
import type { PosteriorInitArgs } from './posterior-init.js';

/** Default number of pooling steps (resolution levels below the input). */
export const DEFAULT_UNET_DEPTH = 3;
/** Default number of filters at the first level (doubled at each level below). */
export const DEFAULT_UNET_BASE_FILTERS = 16;
/** How the decoder upsamples by default. */
export const DEFAULT_UNET_UPSAMPLING: UNetUpsampling = 'transpose';

/**
 * `'transpose'`: a variational transposed conv (kernel 2, stride 2). `'upsample'`: nearest-neighbour
 * ×2 then a variational conv (fewer weights; no checkerboard artefacts). Both train in 2D and 3D
 * (the 3D transposed conv's gradient, missing in tfjs 4.22, is registered by `initBackend`).
 */
export type UNetUpsampling = 'transpose' | 'upsample';

/** Arguments of `bayesianUNet`. */
export interface BayesianUNetArgs {
  /** 2 (slices) or 3 (volumes). */
  rank: 2 | 3;
  /** Input shape without the batch axis, channels last: `[H, W, C]` or `[D, H, W, C]`. Spatial sizes may be `null` (any size divisible by 2^depth). */
  inputShape: Array<number | null>;
  /** Pooling steps, ≥ 1. Default 3. Known spatial sizes must be divisible by 2^depth. */
  depth?: number;
  /** Filters of the first level, ≥ 1. Default 16. */
  baseFilters?: number;
  /** Estimator of every variational conv. Default `'reparameterization'`. */
  estimator?: Estimator;
  /** Prior of every variational conv. Default: the layers' default, N(0, 1). */
  prior?: PriorSpec;
  /** Decoder upsampling. Default `'transpose'`. */
  upsampling?: UNetUpsampling;
  /** Logit channels of the head (1 for binary sigmoid segmentation, K for softmax, 2 for a heteroscedastic binary head). Default 1. */
  outputChannels?: number;
  /** Model name; prefixes every layer name (and so every noise stream). Default `'bayesian_unet'`. */
  name?: string;
  /**
   * Posterior initialisation of every variational conv (`locInitializer`, `rawScaleInit`, `seed`);
   * with a `seed` the initial weights are replayable. Default: the layers' default (Glorot-uniform
   * loc, unseeded; rawScale −3).
   */
  posteriorInit?: PosteriorInitArgs;
}

/**
 * Nearest-neighbour ×2 upsampling over every spatial axis of a channels-last tensor of rank 4
 * (2D) or 5 (3D). tfjs has `upSampling2d` but no 3D version; one rank-generic layer serves both.
 */
export class NearestUpsampling extends tf.layers.Layer {
  static className = 'BnnNearestUpsampling';
  readonly rank: 2 | 3;

  constructor(args: { rank: 2 | 3; name?: string }) {
    super({ name: args.name });
    this.rank = Number(requireOneOf('NearestUpsampling', 'rank', String(args.rank), ['2', '3'] as const)) as 2 | 3;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return shape.map((d, axis) => (axis >= 1 && axis <= this.rank && d !== null ? d * 2 : d));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      for (let axis = 1; axis <= this.rank; axis++) {
        // Rank-3 view [before ∪ axis, 1, after]: duplicating the middle axis repeats each index of
        // `axis` twice. (tfjs has no gradient of tile beyond rank 4, so no tile here.)
        const shape = x.shape.slice();
        const before = shape.slice(0, axis + 1).reduce((a, b) => a * b, 1);
        const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        const view = tf.reshape(x, [before, 1, after]);
        shape[axis] *= 2;
        x = tf.reshape(tf.concat([view, view], 1), shape);
      }
      return x;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rank: this.rank };
  }
}
tf.serialization.registerClass(NearestUpsampling);

interface Resolved {
  readonly rank: 2 | 3;
  readonly depth: number;
  readonly baseFilters: number;
  readonly estimator: Estimator;
  readonly prior: PriorSpec | undefined;
  readonly upsampling: UNetUpsampling;
  readonly outputChannels: number;
  readonly name: string;
  readonly posteriorInit: PosteriorInitArgs | undefined;
}

function resolve(args: BayesianUNetArgs): Resolved {
  const where = 'bayesianUNet';
  if (args === null || typeof args !== 'object') throw new InvalidArgumentError(where, 'args', args, 'an arguments object');
  const rank = Number(requireOneOf(where, 'rank', String(args.rank), ['2', '3'] as const)) as 2 | 3;
  const depth = requireInteger(where, 'depth', args.depth ?? DEFAULT_UNET_DEPTH);
  const inputShape = args.inputShape;
  const multiple = 2 ** depth;
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== rank + 1 ||
    !Number.isInteger(inputShape[rank]) ||
    (inputShape[rank] as number) < 1 ||
    inputShape.slice(0, rank).some((d) => d !== null && (!Number.isInteger(d) || d < multiple || d % multiple !== 0))
  ) {
    throw new InvalidArgumentError(
      where,
      'inputShape',
      inputShape,
      `${rank + 1} entries (${rank === 2 ? '[H, W, C]' : '[D, H, W, C]'}), spatial sizes null or multiples of 2^depth = ${multiple}, channels an integer ≥ 1`,
    );
  }
  const name = args.name ?? 'bayesian_unet';
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(where, 'name', name, 'a non-empty string');
  return {
    rank,
    depth,
    baseFilters: requireInteger(where, 'baseFilters', args.baseFilters ?? DEFAULT_UNET_BASE_FILTERS),
    estimator: requireEstimator(where, args.estimator ?? DEFAULT_ESTIMATOR),
    prior: args.prior,
    upsampling: requireOneOf(where, 'upsampling', args.upsampling ?? DEFAULT_UNET_UPSAMPLING, ['transpose', 'upsample'] as const),
    outputChannels: requireInteger(where, 'outputChannels', args.outputChannels ?? 1),
    name,
    posteriorInit: args.posteriorInit,
  };
}

/**
 * Builds a Bayesian U-Net. Input `[N, H, W, C]` (rank 2) or `[N, D, H, W, C]` (rank 3); output
 * logits of the same spatial size with `outputChannels` channels. The model's variational layers
 * sample by default: run forward passes inside `withNoise(noise, {step, particle}, () => ...)`, or
 * call `setSamplingMode(model, 'mean')` for deterministic posterior-mean prediction. The caller
 * owns the model (`model.dispose()`).
 *
 * @example
 * const model = bayesianUNet({rank: 2, inputShape: [64, 64, 1], depth: 2, baseFilters: 8});
 * const logits = withNoise(new NoiseSource(1), {step: 0}, () => model.predict(x) as tf.Tensor);
 */
export function bayesianUNet(args: BayesianUNetArgs): tf.LayersModel {
  const settings = resolve(args);
  const { rank, name } = settings;
  const conv = (filters: number, kernelSize: number, layerName: string, activation: 'relu' | 'linear' = 'relu') => {
    const convArgs: ConvVariationalArgs = {
      filters,
      kernelSize,
      padding: 'same',
      activation,
      estimator: settings.estimator,
      name: `${name}_${layerName}`,
    };
    if (settings.prior !== undefined) convArgs.prior = settings.prior;
    if (settings.posteriorInit !== undefined) convArgs.posteriorInit = settings.posteriorInit;
    return rank === 2 ? conv2dVariational(convArgs) : conv3dVariational(convArgs);
  };
  const block = (x: tf.SymbolicTensor, filters: number, label: string): tf.SymbolicTensor => {
    const first = conv(filters, 3, `${label}_conv1`).apply(x) as tf.SymbolicTensor;
    return conv(filters, 3, `${label}_conv2`).apply(first) as tf.SymbolicTensor;
  };
  const pool = (label: string) =>
    rank === 2
      ? tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${name}_${label}` })
      : tf.layers.maxPooling3d({ poolSize: 2, strides: 2, name: `${name}_${label}` });

  const input = tf.input({ shape: args.inputShape, name: `${name}_input` });
  const skips: tf.SymbolicTensor[] = [];
  let x: tf.SymbolicTensor = input;
  for (let level = 0; level < settings.depth; level++) {
    x = block(x, settings.baseFilters * 2 ** level, `enc${level}`);
    skips.push(x);
    x = pool(`pool${level}`).apply(x) as tf.SymbolicTensor;
  }
  x = block(x, settings.baseFilters * 2 ** settings.depth, 'bottleneck');
  for (let level = settings.depth - 1; level >= 0; level--) {
    const filters = settings.baseFilters * 2 ** level;
    if (settings.upsampling === 'transpose') {
      const upArgs = {
        filters,
        kernelSize: 2,
        strides: 2,
        padding: 'same' as const,
        activation: 'relu' as const,
        estimator: settings.estimator,
        name: `${name}_up${level}`,
        ...(settings.prior !== undefined ? { prior: settings.prior } : {}),
        ...(settings.posteriorInit !== undefined ? { posteriorInit: settings.posteriorInit } : {}),
      };
      x = (rank === 2 ? conv2dTransposeVariational(upArgs) : conv3dTransposeVariational(upArgs)).apply(x) as tf.SymbolicTensor;
    } else {
      x = new NearestUpsampling({ rank, name: `${name}_upsample${level}` }).apply(x) as tf.SymbolicTensor;
      x = conv(filters, 3, `up${level}`).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.concatenate({ axis: -1, name: `${name}_skip${level}` }).apply([x, skips[level]]) as tf.SymbolicTensor;
    x = block(x, filters, `dec${level}`);
  }
  const logits = conv(settings.outputChannels, 1, 'logits', 'linear').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name });
}
