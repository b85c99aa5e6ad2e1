/** One rank-generic variational convolution (1D, 2D, 3D; channels last). */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../src/errors.js';
import { requireInteger, requireOneOf } from '../src/validate.js';
import { VariationalLayer, shownShape, type VariationalLayerArgs } from './variational-layer.js';
import { convOutputLength, normalizeTuple, requirePadding, type ConvRank, type Padding } from './conv-geometry.js';

/** Arguments of the variational convolutions (mirror tf.layers.conv1d/2d/3d's, channels last). */
export interface ConvVariationalArgs extends VariationalLayerArgs {
  /** Number of output channels, an integer ≥ 1. */
  filters: number;
  /** Kernel size: one integer for every spatial axis, or one per axis. */
  kernelSize: number | number[];
  /** Strides. Default 1. */
  strides?: number | number[];
  /** 'same' or 'valid'. Default 'valid' (as tf.layers). */
  padding?: Padding;
  /** Dilation rate. Default 1. Strides and dilation cannot both exceed 1 (a tfjs restriction). */
  dilationRate?: number | number[];
}

/** Config of the rank-generic class: the arguments plus the number of spatial axes. */
export interface RankedConvVariationalArgs extends ConvVariationalArgs {
  rank: ConvRank;
}

const FACTORY: Record<ConvRank, string> = { 1: 'conv1dVariational', 2: 'conv2dVariational', 3: 'conv3dVariational' };

/**
 * Variational convolution over `rank` spatial axes: input [batch, …spatial, inChannels], kernel
 * [...kernelSize, inChannels, filters], bias [filters]. Built by `conv1dVariational`,
 * `conv2dVariational` and `conv3dVariational`.
 */
export class ConvVariational extends VariationalLayer {
  static className = 'ConvVariational';
  readonly rank: ConvRank;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dilationRate: number[];

  constructor(args: RankedConvVariationalArgs) {
    const rank = requireOneOf('ConvVariational', 'rank', String(args?.rank), ['1', '2', '3'] as const);
    const where = FACTORY[Number(rank) as ConvRank];
    super(where, args);
    this.rank = Number(rank) as ConvRank;
    this.filters = requireInteger(where, 'filters', args.filters);
    this.kernelSize = normalizeTuple(where, 'kernelSize', args.kernelSize, this.rank);
    this.strides = normalizeTuple(where, 'strides', args.strides ?? 1, this.rank);
    this.padding = requirePadding(where, args.padding);
    this.dilationRate = normalizeTuple(where, 'dilationRate', args.dilationRate ?? 1, this.rank);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new InvalidArgumentError(where, 'dilationRate', args.dilationRate, 'all 1 when some stride is > 1 (tfjs cannot combine both)');
    }
  }

  protected override get outputChannels(): number {
    return this.filters;
  }

  protected override checkInputShape(where: string, inputShape: tf.Shape): void {
    const channels = inputShape[inputShape.length - 1];
    if (inputShape.length !== this.rank + 2 || channels === null) {
      const layout = ['batch', ...['depth', 'height', 'width'].slice(3 - this.rank), 'channels'].join(', ');
      throw new ShapeError(where, 'input', shownShape(inputShape), `rank ${this.rank + 2} [${layout}] with known channels`);
    }
    const kernel = this.variationalParameters[0];
    if (kernel !== undefined && kernel.shape[this.rank] !== channels) {
      throw new ShapeError(
        where,
        'input',
        shownShape(inputShape),
        `${kernel.shape[this.rank]} input channels (the layer was built for them)`,
      );
    }
  }

  protected override kernelShape(inputShape: tf.Shape): number[] {
    return [...this.kernelSize, inputShape[inputShape.length - 1] as number, this.filters];
  }

  protected override kernelOp(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    const [s, d] = [this.strides, this.dilationRate];
    switch (this.rank) {
      case 1:
        return tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, s[0], this.padding, 'NWC', d[0]);
      case 2:
        return tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, [s[0], s[1]], this.padding, 'NHWC', [d[0], d[1]]);
      case 3:
        return tf.conv3d(x as tf.Tensor5D, kernel as tf.Tensor5D, [s[0], s[1], s[2]], this.padding, 'NDHWC', [d[0], d[1], d[2]]);
    }
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const spatial = shape
      .slice(1, -1)
      .map((length, axis) => convOutputLength(length, this.kernelSize[axis], this.padding, this.strides[axis], this.dilationRate[axis]));
    return [shape[0], ...spatial, this.filters];
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return {
      rank: this.rank,
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
    };
  }
}
tf.serialization.registerClass(ConvVariational);

/** Variational 1D convolution, input [batch, width, channels]. */
export function conv1dVariational(args: ConvVariationalArgs): ConvVariational {
  return new ConvVariational({ ...args, rank: 1 });
}

/**
 * Variational 2D convolution, input [batch, height, width, channels].
 *
 * @example
 * conv2dVariational({filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', estimator: 'flipout'})
 */
export function conv2dVariational(args: ConvVariationalArgs): ConvVariational {
  return new ConvVariational({ ...args, rank: 2 });
}

/** Variational 3D convolution, input [batch, depth, height, width, channels]. */
export function conv3dVariational(args: ConvVariationalArgs): ConvVariational {
  return new ConvVariational({ ...args, rank: 3 });
}
