/**
 * The variational embedding: a lookup table E [inputDim, outputDim] with a mean-field Gaussian
 * posterior, rows sampled per call (per batch), the KL summed over the whole table.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../src/errors.js';
import { requireInteger } from '../src/validate.js';
import { VariationalLayer, shownShape, type ParameterDeclaration, type VariationalLayerArgs } from './variational-layer.js';

/** Arguments of `embeddingVariational` (mirror tf.layers.embedding's, plus the variational ones). */
export interface EmbeddingVariationalArgs extends Omit<VariationalLayerArgs, 'useBias' | 'bayesianBias' | 'biasPrior' | 'activation'> {
  /** Vocabulary size (largest index + 1), an integer ≥ 1. */
  inputDim: number;
  /** Embedding width, an integer ≥ 1. */
  outputDim: number;
  /** Index 0 is padding: the layer emits a mask (input ≠ 0) for the recurrent layers after it. Default false. */
  maskZero?: boolean;
  /** Fixed sequence length(s) of the input, as tf.layers.embedding (needed before a flatten). */
  inputLength?: number | number[];
}

/**
 * Embedding with E ~ q(E) = N(loc, softplus(rawScale)²) element-wise; parameter `embeddings`
 * [inputDim, outputDim], noise streams `<name>/embeddings` and `<name>/signs` (Flipout). Input
 * [batch, …] of integer indices (float inputs are cast); output [batch, …, outputDim].
 *
 * Estimators (what one call samples):
 * - `'reparameterization'`: one table E = loc + scale·ε shared by the batch; only the rows the
 *   batch looks up are drawn (ε for each distinct index, in first-occurrence order), so the cost
 *   grows with the distinct indices, not the vocabulary.
 * - `'flipout'`: sequence b sees E_b = loc + Δ∘(s_b r_bᵀ), with Δ = scale·ε shared by the batch,
 *   s_b one sign per distinct index and r_b one per output unit, so a word repeated in a sequence
 *   gets the same row (Wen et al. 2018).
 * - `'local'`: every looked-up position draws its row independently from N(loc[i], scale[i]²)
 *   (the exact marginal of one-hot(i)·E per position, Kingma et al. 2015): two occurrences of a
 *   word in a sequence get different rows.
 */
export class EmbeddingVariational extends VariationalLayer {
  static className = 'EmbeddingVariational';
  /** Vocabulary size. */
  readonly inputDim: number;
  /** Embedding width. */
  readonly outputDim: number;
  /** Whether index 0 is padding (masked). */
  readonly maskZero: boolean;
  /** Fixed input length(s), if given. */
  readonly inputLength: number | number[] | undefined;

  constructor(args: EmbeddingVariationalArgs) {
    super('embeddingVariational', { ...args, useBias: false, activation: 'linear' });
    this.inputDim = requireInteger('embeddingVariational', 'inputDim', args.inputDim);
    this.outputDim = requireInteger('embeddingVariational', 'outputDim', args.outputDim);
    this.maskZero = args.maskZero ?? false;
    this.inputLength = args.inputLength;
    this.supportsMasking = this.maskZero;
    if (args.batchInputShape == null && args.inputShape == null) {
      // As tf.layers.embedding: a first layer of a sequential model needs no inputShape.
      const lengths = args.inputLength === undefined ? [null] : ([] as Array<number | null>).concat(args.inputLength);
      this.batchInputShape = [args.batchSize ?? null, ...lengths];
    }
  }

  protected override get outputChannels(): number {
    return this.outputDim;
  }

  protected override checkInputShape(where: string, inputShape: tf.Shape): void {
    if (inputShape.length < 1) throw new ShapeError(where, 'input', shownShape(inputShape), 'rank ≥ 1 [batch, …] of integer indices');
  }

  protected override kernelShape(): number[] {
    return [this.inputDim, this.outputDim];
  }

  /** The lookup one-hot(x)·E, written as a gather of rows. */
  protected override kernelOp(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    const indices = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
    return tf.reshape(tf.gather(kernel, tf.reshape(indices, [-1])), [...x.shape, this.outputDim]);
  }

  protected override declareParameters(): ParameterDeclaration[] {
    return [{ name: 'embeddings', shape: this.kernelShape(), role: 'kernel' }];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (this.inputLength === undefined) return [...shape, this.outputDim];
    const lengths = ([] as Array<number | null>).concat(this.inputLength);
    if (lengths.length !== shape.length - 1) {
      throw new ShapeError(
        `${this.getClassName()}.computeOutputShape`,
        'input',
        shownShape(shape),
        `rank ${lengths.length + 1} (inputLength ${JSON.stringify(this.inputLength)})`,
      );
    }
    return [shape[0], ...lengths.map((length, i) => length ?? shape[i + 1]), this.outputDim];
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // tf.layers' typing says Tensor; null is its "no mask".
    if (!this.maskZero) return null as unknown as tf.Tensor;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.notEqual(x, tf.zerosLike(x)));
  }

  /** Looks up the rows. Returns [...input shape, outputDim], owned by the caller. */
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const where = `${this.getClassName()}.call`;
      if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(where, 'inputs', [inputs.length], 'exactly one input tensor');
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      this.checkInputShape(where, x.shape);
      const [table] = this.variationalParameters;
      if (this.samplingMode === 'mean') return this.kernelOp(x, table.loc);
      const draws = this.forwardDraws();
      const flat = tf.reshape(x.dtype === 'int32' ? x : tf.cast(x, 'int32'), [-1]);
      const outputShape = [...x.shape, this.outputDim];
      if (this.estimator === 'local') {
        const mean = tf.gather(table.loc, flat);
        const scale = tf.gather(table.sharedScale(), flat);
        return tf.reshape(tf.add(mean, tf.mul(scale, draws('embeddings').normal(mean.shape))), outputShape);
      }
      const { values: rows, indices: rowOfPosition } = tf.unique(flat);
      const numRows = rows.shape[0];
      const delta = tf.mul(tf.gather(table.sharedScale(), rows), draws('embeddings').normal([numRows, this.outputDim]));
      if (this.estimator === 'reparameterization') {
        const sampled = tf.add(tf.gather(table.loc, rows), delta);
        return tf.reshape(tf.gather(sampled, rowOfPosition), outputShape);
      }
      const batch = x.shape[0];
      const perExample = flat.shape[0] / Math.max(batch, 1);
      const signs = draws('signs');
      const rowSigns = signs.signs([batch * numRows]);
      const outputSigns = signs.signs([batch, 1, this.outputDim]);
      const exampleOfPosition = tf.floorDiv(tf.range(0, flat.shape[0], 1, 'int32'), tf.scalar(perExample, 'int32'));
      const signOfPosition = tf.gather(rowSigns, tf.add(tf.mul(exampleOfPosition, tf.scalar(numRows, 'int32')), rowOfPosition));
      const perturbation = tf.mul(
        tf.reshape(tf.mul(tf.gather(delta, rowOfPosition), tf.expandDims(signOfPosition, 1)), [batch, -1, this.outputDim]),
        outputSigns,
      );
      return tf.reshape(tf.add(this.kernelOp(x, table.loc), tf.reshape(perturbation, outputShape)), outputShape);
    });
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { inputDim: this.inputDim, outputDim: this.outputDim, maskZero: this.maskZero };
    if (this.inputLength !== undefined) config.inputLength = this.inputLength;
    return config;
  }
}
tf.serialization.registerClass(EmbeddingVariational);

/**
 * A variational embedding layer (BLiTZ's `BayesianEmbedding`, with tf.layers.embedding's arguments).
 *
 * @example
 * const model = tf.sequential({layers: [
 *   embeddingVariational({inputDim: 1000, outputDim: 16, maskZero: true}),
 *   lstmVariational({units: 32}),
 * ]});
 */
export function embeddingVariational(args: EmbeddingVariationalArgs): EmbeddingVariational {
  return new EmbeddingVariational(args);
}
