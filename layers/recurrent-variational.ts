/**
 * The one base of the variational recurrent layers (LSTM, GRU, simple RNN): the time loop, masking,
 * `goBackwards`, `returnSequences` / `returnState`, with the weights of a call sampled once per
 * sequence and shared by every step (Fortunato, Blundell & Vinyals 2017). Each subclass declares
 * its gates and its cell step.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../src/errors.js';
import { requireInteger, requireOneOf } from '../src/validate.js';
import { ACTIVATION_NAMES, type ActivationName } from './activation.js';
import { flipoutWeights, sharedWeights, type ColumnBlock, type SequenceWeights } from './recurrent-weights.js';
import { VariationalLayer, shownShape, type ParameterDeclaration, type VariationalLayerArgs } from './variational-layer.js';

/** Arguments of every variational recurrent layer (mirror tf.layers.lstm/gru/simpleRNN's). */
export interface RecurrentVariationalArgs extends VariationalLayerArgs {
  /** Number of units (the state size), an integer ≥ 1. */
  units: number;
  /** Return the output of every step [batch, time, units] (true) or of the last one [batch, units]. Default false. */
  returnSequences?: boolean;
  /** Also return the final states (`[output, h]`, LSTM `[output, h, c]`). Default false. */
  returnState?: boolean;
  /** Process the sequence from its end; with `returnSequences` the outputs come in processing (reversed) order, as tf.layers. Default false. */
  goBackwards?: boolean;
  /** Not supported (always false): a variational layer resamples its weights every call, so a carried state would mix samples. */
  stateful?: boolean;
}

/** The estimators a recurrent layer accepts. */
export const RECURRENT_ESTIMATORS = ['reparameterization', 'flipout'] as const;

/** Activation of the state update when none is given: tanh, as tf.layers. */
export const DEFAULT_RECURRENT_LAYER_ACTIVATION: ActivationName = 'tanh';

/**
 * The pieces of one cell step: the input projection x_t·W + b of this step [batch, gates·units],
 * the states of the previous step, and the per-sequence weights (for the recurrent products).
 */
export interface CellStepInputs {
  readonly projected: tf.Tensor2D;
  readonly states: readonly tf.Tensor2D[];
  readonly weights: SequenceWeights;
}

/**
 * Abstract variational RNN over inputs [batch, time, inputDim]. Parameters: `kernel`
 * [inputDim, gates·units], `recurrent_kernel` [units, gates·units], `bias` [gates·units]; noise
 * streams `<name>/kernel`, `<name>/recurrent_kernel`, `<name>/bias`, `<name>/signs` (Flipout).
 */
export abstract class RecurrentVariational extends VariationalLayer {
  /** Number of units: the width of h (and c). */
  readonly units: number;
  /** Whether `call` returns every step's output [batch, time, units] (else the last, [batch, units]). */
  readonly returnSequences: boolean;
  /** Whether `call` also returns the final states. */
  readonly returnState: boolean;
  /** Whether the sequence is processed from its end. */
  readonly goBackwards: boolean;

  protected constructor(where: string, args: RecurrentVariationalArgs) {
    if (args?.estimator === 'local') {
      throw new InvalidArgumentError(
        where,
        'estimator',
        'local',
        "'reparameterization' or 'flipout': local reparameterization draws every pre-activation independently, but the recurrent " +
          "kernel's input h_{t−1} depends on the samples of earlier steps, so the pre-activations of one sequence are not independent " +
          'across time and their per-step marginals do not describe one weight sample',
      );
    }
    if (args?.stateful === true) {
      throw new InvalidArgumentError(
        where,
        'stateful',
        true,
        'false (a variational layer resamples its weights every call, so a state carried between calls would mix weight samples)',
      );
    }
    super(where, { ...args, activation: args?.activation ?? DEFAULT_RECURRENT_LAYER_ACTIVATION });
    this.units = requireInteger(where, 'units', args.units);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.supportsMasking = true;
  }

  /** Number of gate blocks stacked along the kernels' columns (LSTM 4, GRU 3, simple RNN 1). */
  protected abstract get gates(): number;

  /** Number of state tensors (LSTM 2: h and c; others 1). */
  abstract get numStates(): number;

  /** The column blocks of the recurrent kernel the cell multiplies states by, in `recurrent(h, i)` order. */
  protected abstract get recurrentBlocks(): readonly ColumnBlock[];

  /** One step: the output h_t and the new states (states[0] is the output, as tf.layers). */
  protected abstract cellStep(step: CellStepInputs): { output: tf.Tensor2D; states: tf.Tensor2D[] };

  /** Subclass fields of the config beyond units and the sequence flags. */
  protected abstract cellConfig(): tf.serialization.ConfigDict;

  /** One null per state: what tf.layers' Bidirectional reads to shape its masks. */
  get states(): null[] {
    return new Array<null>(this.numStates).fill(null);
  }

  protected override get outputChannels(): number {
    return this.gates * this.units;
  }

  protected override checkInputShape(where: string, inputShape: tf.Shape): void {
    const inputDim = inputShape[2];
    if (inputShape.length !== 3 || inputDim === null) {
      throw new ShapeError(where, 'input', shownShape(inputShape), 'rank 3 [batch, time, inputDim] with a known inputDim');
    }
    const kernel = this.variationalParameters[0];
    if (kernel !== undefined && kernel.shape[0] !== inputDim) {
      throw new ShapeError(where, 'input', shownShape(inputShape), `a last axis of ${kernel.shape[0]} (the layer was built for it)`);
    }
  }

  protected override kernelShape(inputShape: tf.Shape): number[] {
    return [inputShape[2] as number, this.outputChannels];
  }

  /** The input projection x·W of the kernel (what `call` applies to all steps at once). */
  protected override kernelOp(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.dot(x, kernel);
  }

  protected override declareParameters(inputShape: tf.Shape): ParameterDeclaration[] {
    const declared: ParameterDeclaration[] = [
      { name: 'kernel', shape: this.kernelShape(inputShape), role: 'kernel' },
      { name: 'recurrent_kernel', shape: [this.units, this.outputChannels], role: 'kernel' },
    ];
    if (this.useBias) declared.push({ name: 'bias', shape: [this.outputChannels], role: 'bias' });
    return declared;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const output = this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
    if (!this.returnState) return output;
    return [output, ...this.states.map(() => [shape[0], this.units])];
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const single = Array.isArray(mask) ? mask[0] : mask;
    const outputMask = this.returnSequences && single !== undefined ? single : null;
    // tf.layers' typing says Tensor, but null masks are what its RNN returns for "no mask".
    return (this.returnState ? [outputMask, ...this.states] : outputMask) as tf.Tensor | tf.Tensor[];
  }

  private weightsOfCall(batch: number): SequenceWeights {
    const [kernel, recurrentKernel, bias] = this.variationalParameters;
    const parameters = { kernel, recurrentKernel, bias: bias ?? null, pointBias: this.pointEstimateBias?.read() ?? null };
    if (this.samplingMode === 'mean') return sharedWeights(parameters, this.recurrentBlocks, null);
    const draws = this.forwardDraws();
    return this.estimator === 'flipout'
      ? flipoutWeights(parameters, this.recurrentBlocks, batch, draws)
      : sharedWeights(parameters, this.recurrentBlocks, draws);
  }

  /**
   * Runs the sequence. `kwargs.mask` ([batch, time], from a masking layer or an embedding with
   * `maskZero`) keeps the previous output and states at masked steps, as tf.layers. Returns the
   * output, or `[output, ...states]` with `returnState`; new tensors owned by the caller.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const where = `${this.getClassName()}.call`;
      if (Array.isArray(inputs) && inputs.length !== 1)
        throw new ShapeError(where, 'inputs', [inputs.length], 'exactly one input tensor (initial states are not supported)');
      if (kwargs?.initialState != null)
        throw new InvalidArgumentError(where, 'initialState', 'a tensor', 'none (the variational recurrent layers start from zero states)');
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      this.checkInputShape(where, x.shape);
      const [batch, time] = x.shape;
      const weights = this.weightsOfCall(batch);
      let projected = weights.inputProjection(x);
      const rawMask = (Array.isArray(kwargs?.mask) ? kwargs.mask[0] : kwargs?.mask) as tf.Tensor | null | undefined;
      let mask = rawMask == null ? null : tf.cast(tf.cast(rawMask, 'bool'), 'float32');
      if (mask !== null && mask.rank === 2) mask = tf.expandDims(mask, -1);
      if (this.goBackwards) {
        projected = tf.reverse(projected, 1);
        if (mask !== null) mask = tf.reverse(mask, 1);
      }
      const stepInputs = tf.unstack(projected, 1) as tf.Tensor2D[];
      const stepMasks = mask === null ? null : (tf.unstack(mask, 1) as tf.Tensor2D[]);
      let states = this.states.map(() => tf.zeros([batch, this.units]) as tf.Tensor2D);
      let output: tf.Tensor2D = states[0];
      const outputs: tf.Tensor2D[] = [];
      for (let t = 0; t < time; t++) {
        const previous = states;
        const next = tf.tidy(() => {
          const step = this.cellStep({ projected: stepInputs[t], states: previous, weights });
          if (stepMasks === null) return [step.output, ...step.states];
          const keep = stepMasks[t];
          const hold = tf.sub(tf.onesLike(keep), keep);
          const blend = (fresh: tf.Tensor2D, old: tf.Tensor2D) => tf.add(tf.mul(fresh, keep), tf.mul(old, hold)) as tf.Tensor2D;
          return [blend(step.output, previous[0]), ...step.states.map((state, i) => blend(state, previous[i]))];
        });
        output = next[0];
        states = next.slice(1);
        if (this.returnSequences) outputs.push(output);
      }
      const result = this.returnSequences ? tf.stack(outputs, 1) : output;
      return this.returnState ? [result, ...states] : result;
    });
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return {
      units: this.units,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      ...this.cellConfig(),
    };
  }
}

/** Validates a recurrent activation name (the gates' squashing function) at a public boundary. */
export function requireRecurrentActivation(where: string, value: unknown): ActivationName {
  return requireOneOf(where, 'recurrentActivation', value, ACTIVATION_NAMES);
}
