/** One rank-generic variational transposed convolution (2D, 3D; channels last). */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../src/errors.js';
import { requireInteger, requireOneOf } from '../src/validate.js';
import { VariationalLayer, shownShape, type VariationalLayerArgs } from './variational-layer.js';
import { deconvOutputLength, normalizeTuple, requirePadding, type Padding } from './conv-geometry.js';

/** Arguments of the variational transposed convolutions (mirror tf.layers.conv2dTranspose's, channels last, no dilation). */
export interface ConvTransposeVariationalArgs extends VariationalLayerArgs {
  /** Number of output channels, an integer ≥ 1. */
  filters: number;
  /** Kernel size: one integer for every spatial axis, or one per axis. */
  kernelSize: number | number[];
  /** Strides (the upsampling factor). Default 1. */
  strides?: number | number[];
  /** 'same' (output = input · stride) or 'valid'. Default 'valid' (as tf.layers). */
  padding?: Padding;
}

/** Config of the rank-generic class. */
export interface RankedConvTransposeVariationalArgs extends ConvTransposeVariationalArgs {
  rank: 2 | 3;
}

const FACTORY = { 2: 'conv2dTransposeVariational', 3: 'conv3dTransposeVariational' } as const;

/**
 * Variational transposed convolution over `rank` spatial axes: input [batch, …spatial, inChannels],
 * kernel [...kernelSize, filters, inChannels] (tfjs' layout), bias [filters].
 */
export class ConvTransposeVariational extends VariationalLayer {
  static className = 'ConvTransposeVariational';
  readonly rank: 2 | 3;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;

  constructor(args: RankedConvTransposeVariationalArgs) {
    const rank = Number(requireOneOf('ConvTransposeVariational', 'rank', String(args?.rank), ['2', '3'] as const)) as 2 | 3;
    const where = FACTORY[rank];
    super(where, args);
    this.rank = rank;
    this.filters = requireInteger(where, 'filters', args.filters);
    this.kernelSize = normalizeTuple(where, 'kernelSize', args.kernelSize, rank);
    this.strides = normalizeTuple(where, 'strides', args.strides ?? 1, rank);
    this.padding = requirePadding(where, args.padding);
  }

  protected override get outputChannels(): number {
    return this.filters;
  }

  protected override checkInputShape(where: string, inputShape: tf.Shape): void {
    const channels = inputShape[inputShape.length - 1];
    if (inputShape.length !== this.rank + 2 || channels === null) {
      throw new ShapeError(
        where,
        'input',
        shownShape(inputShape),
        `rank ${this.rank + 2} (batch, ${this.rank} spatial axes, channels) with known channels`,
      );
    }
    const kernel = this.variationalParameters[0];
    if (kernel !== undefined && kernel.shape[this.rank + 1] !== channels) {
      throw new ShapeError(
        where,
        'input',
        shownShape(inputShape),
        `${kernel.shape[this.rank + 1]} input channels (the layer was built for them)`,
      );
    }
  }

  protected override kernelShape(inputShape: tf.Shape): number[] {
    return [...this.kernelSize, this.filters, inputShape[inputShape.length - 1] as number];
  }

  protected override kernelOp(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    const outputShape = this.computeOutputShape(x.shape) as number[];
    const s = this.strides;
    if (this.rank === 2) {
      return tf.conv2dTranspose(
        x as tf.Tensor4D,
        kernel as tf.Tensor4D,
        outputShape as [number, number, number, number],
        [s[0], s[1]],
        this.padding,
      );
    }
    return tf.conv3dTranspose(
      x as tf.Tensor5D,
      kernel as tf.Tensor5D,
      outputShape as [number, number, number, number, number],
      [s[0], s[1], s[2]],
      this.padding,
    );
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const spatial = shape
      .slice(1, -1)
      .map((length, axis) => deconvOutputLength(length, this.kernelSize[axis], this.padding, this.strides[axis]));
    return [shape[0], ...spatial, this.filters];
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return { rank: this.rank, filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding };
  }
}
tf.serialization.registerClass(ConvTransposeVariational);

/** Variational 2D transposed convolution (learned upsampling), input [batch, height, width, channels]. */
export function conv2dTransposeVariational(args: ConvTransposeVariationalArgs): ConvTransposeVariational {
  return new ConvTransposeVariational({ ...args, rank: 2 });
}

/**
 * Variational 3D transposed convolution, input [batch, depth, height, width, channels]. tfjs 4.22
 * registers no gradient for `Conv3DBackpropInputV2`; `initBackend` registers one
 * (`src/backend/conv3d-transpose-gradient.ts`), so it trains like the other layers.
 */
export function conv3dTransposeVariational(args: ConvTransposeVariationalArgs): ConvTransposeVariational {
  return new ConvTransposeVariational({ ...args, rank: 3 });
}
