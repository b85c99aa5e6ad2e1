/**
 * The variational LSTM, GRU and simple RNN: cell steps written to match tf.layers' LSTMCell,
 * GRUCell (resetAfter false) and SimpleRNNCell exactly, on per-sequence sampled weights.
 */
import * as tf from '@tensorflow/tfjs';
import { applyActivation, type ActivationName } from './activation.js';
import type { ColumnBlock } from './recurrent-weights.js';
import {
  RecurrentVariational,
  requireRecurrentActivation,
  type CellStepInputs,
  type RecurrentVariationalArgs,
} from './recurrent-variational.js';

/** Gate squashing function when none is given: hardSigmoid, as tf.layers (Keras' piecewise-linear sigmoid). */
export const DEFAULT_RECURRENT_ACTIVATION: ActivationName = 'hardSigmoid';

/** Arguments of the gated layers (LSTM, GRU). */
export interface GatedRecurrentVariationalArgs extends RecurrentVariationalArgs {
  /** Activation of the gates. Default `'hardSigmoid'` (tf.layers' default). */
  recurrentActivation?: ActivationName;
}

/** Arguments of `lstmVariational`. */
export interface LSTMVariationalArgs extends GatedRecurrentVariationalArgs {
  /** Start the forget gate's bias loc at 1 (Jozefowicz et al. 2015). Default false, as tf.layers. */
  unitForgetBias?: boolean;
}

/**
 * Variational LSTM (gate order i, f, c, o along the kernels' columns, as tf.layers):
 * z = x_t·W + h_{t−1}·U + b; i, f, o = σ_r(z_i, z_f, z_o); c_t = f∘c_{t−1} + i∘act(z_c); h_t = o∘act(c_t).
 * States [h, c].
 */
export class LSTMVariational extends RecurrentVariational {
  static className = 'LSTMVariational';
  /** Activation of the i, f, o gates. */
  readonly recurrentActivation: ActivationName;
  /** Whether the forget-gate bias loc starts at 1. */
  readonly unitForgetBias: boolean;

  constructor(args: LSTMVariationalArgs) {
    super('lstmVariational', args);
    this.recurrentActivation = requireRecurrentActivation('lstmVariational', args.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION);
    this.unitForgetBias = args.unitForgetBias ?? false;
  }

  protected override get gates(): number {
    return 4;
  }

  override get numStates(): number {
    return 2;
  }

  protected override get recurrentBlocks(): readonly ColumnBlock[] {
    return [[0, 4 * this.units]];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    super.build(inputShape);
    if (!this.unitForgetBias || !this.useBias) return;
    const units = this.units;
    const bias = this.pointEstimateBias ?? this.variationalWeights('bias').loc;
    tf.tidy(() => {
      bias.write(tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])]));
    });
  }

  protected override cellStep({ projected, states, weights }: CellStepInputs): { output: tf.Tensor2D; states: tf.Tensor2D[] } {
    const [h, c] = states;
    const z = tf.add(projected, weights.recurrent(h, 0));
    const [zi, zf, zc, zo] = tf.split(z, 4, 1);
    const i = applyActivation(this.recurrentActivation, zi);
    const f = applyActivation(this.recurrentActivation, zf);
    const nextC = tf.add(tf.mul(f, c), tf.mul(i, applyActivation(this.activation, zc))) as tf.Tensor2D;
    const o = applyActivation(this.recurrentActivation, zo);
    const nextH = tf.mul(o, applyActivation(this.activation, nextC)) as tf.Tensor2D;
    return { output: nextH, states: [nextH, nextC] };
  }

  protected override cellConfig(): tf.serialization.ConfigDict {
    return { recurrentActivation: this.recurrentActivation, unitForgetBias: this.unitForgetBias };
  }
}
tf.serialization.registerClass(LSTMVariational);

/**
 * Variational GRU, tf.layers' formulation with resetAfter false (gate order z, r, h):
 * z, r = σ_r(x_t·W_{z,r} + b_{z,r} + h_{t−1}·U_{z,r}); ĥ = act(x_t·W_h + b_h + (r∘h_{t−1})·U_h);
 * h_t = z∘h_{t−1} + (1 − z)∘ĥ.
 */
export class GRUVariational extends RecurrentVariational {
  static className = 'GRUVariational';
  /** Activation of the z, r gates. */
  readonly recurrentActivation: ActivationName;

  constructor(args: GatedRecurrentVariationalArgs) {
    super('gruVariational', args);
    this.recurrentActivation = requireRecurrentActivation('gruVariational', args.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION);
  }

  protected override get gates(): number {
    return 3;
  }

  override get numStates(): number {
    return 1;
  }

  protected override get recurrentBlocks(): readonly ColumnBlock[] {
    return [
      [0, 2 * this.units],
      [2 * this.units, 3 * this.units],
    ];
  }

  protected override cellStep({ projected, states, weights }: CellStepInputs): { output: tf.Tensor2D; states: tf.Tensor2D[] } {
    const [h] = states;
    const [xz, xr, xh] = tf.split(projected, 3, 1);
    const [recurrentZ, recurrentR] = tf.split(weights.recurrent(h, 0), 2, 1);
    const z = applyActivation(this.recurrentActivation, tf.add(xz, recurrentZ));
    const r = applyActivation(this.recurrentActivation, tf.add(xr, recurrentR));
    const candidate = applyActivation(this.activation, tf.add(xh, weights.recurrent(tf.mul(r, h) as tf.Tensor2D, 1)));
    const next = tf.add(tf.mul(z, h), tf.mul(tf.add(1, tf.neg(z)), candidate)) as tf.Tensor2D;
    return { output: next, states: [next] };
  }

  protected override cellConfig(): tf.serialization.ConfigDict {
    return { recurrentActivation: this.recurrentActivation };
  }
}
tf.serialization.registerClass(GRUVariational);

/** Variational simple RNN: h_t = act(x_t·W + b + h_{t−1}·U). */
export class SimpleRNNVariational extends RecurrentVariational {
  static className = 'SimpleRNNVariational';

  constructor(args: RecurrentVariationalArgs) {
    super('simpleRNNVariational', args);
  }

  protected override get gates(): number {
    return 1;
  }

  override get numStates(): number {
    return 1;
  }

  protected override get recurrentBlocks(): readonly ColumnBlock[] {
    return [[0, this.units]];
  }

  protected override cellStep({ projected, states, weights }: CellStepInputs): { output: tf.Tensor2D; states: tf.Tensor2D[] } {
    const next = applyActivation(this.activation, tf.add(projected, weights.recurrent(states[0], 0))) as tf.Tensor2D;
    return { output: next, states: [next] };
  }

  protected override cellConfig(): tf.serialization.ConfigDict {
    return {};
  }
}
tf.serialization.registerClass(SimpleRNNVariational);

/**
 * A variational LSTM layer whose kernel, recurrent kernel and bias are sampled once per call and
 * shared by every time step (Fortunato et al. 2017). Estimators: `'reparameterization'` and
 * `'flipout'` (signs per sequence, kept over time); `'local'` is rejected.
 *
 * @example
 * const model = tf.sequential({layers: [
 *   lstmVariational({units: 32, returnSequences: true, inputShape: [64, 8]}),
 *   denseVariational({units: 1, activation: 'sigmoid'}),
 * ]});
 */
export function lstmVariational(args: LSTMVariationalArgs): LSTMVariational {
  return new LSTMVariational(args);
}

/** A variational GRU layer (tf.layers' GRU with resetAfter false), weights sampled once per sequence. */
export function gruVariational(args: GatedRecurrentVariationalArgs): GRUVariational {
  return new GRUVariational(args);
}

/** A variational simple (Elman) RNN layer, weights sampled once per sequence. */
export function simpleRNNVariational(args: RecurrentVariationalArgs): SimpleRNNVariational {
  return new SimpleRNNVariational(args);
}
