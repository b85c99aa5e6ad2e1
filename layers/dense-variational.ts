/** The variational dense layer: out = activation(x·W + b) with W, b ~ q. */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../src/errors.js';
import { requireInteger } from '../src/validate.js';
import { VariationalLayer, shownShape, type VariationalLayerArgs } from './variational-layer.js';

/** Arguments of `denseVariational` (mirror `tf.layers.dense`'s, plus the variational ones). */
export interface DenseVariationalArgs extends VariationalLayerArgs {
  /** Number of output units, an integer ≥ 1. */
  units: number;
}

/**
 * Dense layer with a mean-field Gaussian posterior over its kernel [inputUnits, units] and bias
 * [units]. Input [batch, …, inputUnits] (rank ≥ 2; the op acts on the last axis, as tf.layers.dense).
 */
export class DenseVariational extends VariationalLayer {
  static className = 'DenseVariational';
  /** Output units. */
  readonly units: number;

  constructor(args: DenseVariationalArgs) {
    super('denseVariational', args);
    this.units = requireInteger('denseVariational', 'units', args?.units);
  }

  protected override get outputChannels(): number {
    return this.units;
  }

  protected override checkInputShape(where: string, inputShape: tf.Shape): void {
    const inputUnits = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputUnits === null) {
      throw new ShapeError(where, 'input', shownShape(inputShape), 'rank ≥ 2 [batch, …, inputUnits] with a known last axis');
    }
    const kernel = this.variationalParameters[0];
    if (kernel !== undefined && kernel.shape[0] !== inputUnits) {
      throw new ShapeError(where, 'input', shownShape(inputShape), `a last axis of ${kernel.shape[0]} (the layer was built for it)`);
    }
  }

  protected override kernelShape(inputShape: tf.Shape): number[] {
    return [inputShape[inputShape.length - 1] as number, this.units];
  }

  protected override kernelOp(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    if (x.rank === 2) return tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
    const flat = tf.reshape(x, [-1, x.shape[x.rank - 1]]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(flat, kernel as tf.Tensor2D), [...x.shape.slice(0, -1), this.units]);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return { units: this.units };
  }
}
tf.serialization.registerClass(DenseVariational);

/**
 * A variational dense layer (Bayes by Backprop, Blundell et al. 2015).
 *
 * @example
 * const model = tf.sequential({layers: [
 *   denseVariational({units: 400, activation: 'relu', inputShape: [784]}),
 *   denseVariational({units: 10, estimator: 'flipout'}),
 * ]});
 */
export function denseVariational(args: DenseVariationalArgs): DenseVariational {
  return new DenseVariational(args);
}
