/**
 * Adam (Kingma & Ba 2015) over all variables at once: the first and second moments of every
 * variable live in one flat 1-D buffer each, and one update is ~20 kernels on those buffers plus
 * three per variable (reshape of its gradient into the concatenation, reshape of its stretch of the
 * `SplitV`, the add into the variable), where `tf.train.adam` runs ~14 per variable. It is the
 * multi-tensor ("foreach") form PyTorch's optimizers use, for the same reason: on the native backend
 * each kernel pays a fixed binding cost, so fewer, larger kernels are faster.
 *
 * The arithmetic is `tf.train.adam`'s, op for op, on float32 (element-wise ops give the same bits
 * on a flat buffer as per variable), so the weights after any number of steps are bit-identical
 * to `tf.train.adam` with the same hyper-parameters. The state has `tf.train.adam`'s layout: class
 * name `'Adam'`, `getWeights()` = [iter, every variable's m, every variable's v] named
 * `<variable>/m`, `<variable>/v`, and the running β powers in fields `accBeta1`, `accBeta2`; so
 * checkpoints move between the two optimizers in both directions.
 *
 * One difference on purpose: state is kept per variable **name**, so a variable that gets no
 * gradient in a step keeps its value and its moments (tfjs's Adam keeps state per position in the
 * gradient list, which shifts when an entry is left out). Restored state (`setWeights`) is bound by
 * position to the variables of the first update, as in tfjs. The buffers and their slot layout
 * live in `FlatMoments` (`flat-moments.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { requireNonNegative } from '../validate.js';
import { concatFlat, sameShape, splitFlat } from './flat-layout.js';
import { FlatMoments } from './flat-moments.js';

/** A tensor with a name, the element type of an optimizer's `getWeights()` (tfjs does not export the type). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** tfjs's default β₁ and β₂ of Adam. */
export const ADAM_DEFAULT_BETA1 = 0.9;
export const ADAM_DEFAULT_BETA2 = 0.999;

/** Multi-tensor Adam's state as tensors: the flat moments (Σ sizes long) and the β powers βᵗ⁺¹. */
export interface AdamState {
  readonly first: tf.Tensor1D;
  readonly second: tf.Tensor1D;
  readonly accBeta1: tf.Scalar;
  readonly accBeta2: tf.Scalar;
}

function requireBeta(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new InvalidArgumentError('MultiTensorAdam', argument, value, 'a number in [0, 1)');
  }
  return value;
}

/** Multi-tensor Adam; see the module comment. Create it with `optimizers.adam(...)` or `new MultiTensorAdam(...)`. */
export class MultiTensorAdam extends tf.Optimizer {
  /** `'Adam'`, as tfjs's Adam: checkpoints and run fingerprints do not tell the two apart (same state, same results). */
  static get className(): string {
    return 'Adam';
  }

  /** Learning rate (the trainer's `lrScaling` writes it between steps). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** β₁ᵗ⁺¹ and β₂ᵗ⁺¹, the running products (tfjs's field names: the trainer's checkpoints save them by name). */
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
  // Not tf.Variable fields: the checkpoint saves `getWeights()` and the β powers, not these.
  private readonly moments = new FlatMoments();
  private weightViews: tf.Tensor[] = [];

  /**
   * @param learningRate step size α ≥ 0.
   * @param beta1 decay of the first moment, in [0, 1). Default 0.9.
   * @param beta2 decay of the second moment, in [0, 1). Default 0.999.
   * @param epsilon added to √v̂, > 0. Default: the backend's epsilon (1e-7 on float32 backends), as tfjs.
   */
  constructor(learningRate: number, beta1: number = ADAM_DEFAULT_BETA1, beta2: number = ADAM_DEFAULT_BETA2, epsilon?: number | null) {
    super();
    this.learningRate = requireNonNegative('MultiTensorAdam', 'learningRate', learningRate);
    this.beta1 = requireBeta('beta1', beta1);
    this.beta2 = requireBeta('beta2', beta2);
    if (epsilon !== undefined && epsilon !== null && (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0)) {
      throw new InvalidArgumentError('MultiTensorAdam', 'epsilon', epsilon, 'a number > 0, or undefined for the backend default');
    }
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.accBeta1 = tf.tidy(() => tf.scalar(this.beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(this.beta2).variable(false));
  }

  /**
   * One Adam step for every variable named in `variableGradients` (entries without a tensor are
   * left out: that variable and its moments stay as they are). The gradients stay the caller's.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = (
      Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }))
    ).filter((e) => (e.tensor as tf.Tensor | null | undefined) != null);
    tf.tidy(() => {
      const variables = entries.map((e) => this.variableOf(e.name));
      const indices = this.moments.bind(entries.map((e, i) => ({ name: e.name, shape: variables[i].shape })));
      if (entries.length > 0) this.update(entries, variables, indices);
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /**
   * The optimizer's state as tensors, for a step computed elsewhere (`nextState`): the flat
   * moments and the β powers. Null until an update has bound a moment slot to every variable of
   * `variableNames`, in that order (the layout `nextState` needs). The tensors stay the optimizer's.
   */
  stateTensors(variableNames: readonly string[]): AdamState | null {
    const buffers = this.moments.exactlyFor(variableNames);
    if (buffers === null) return null;
    return {
      ...buffers,
      accBeta1: this.accBeta1 as tf.Tensor as tf.Scalar,
      accBeta2: this.accBeta2 as tf.Tensor as tf.Scalar,
    };
  }

  /**
   * The values one `applyGradients` would give, computed without changing anything: every
   * variable's new value (in `gradients` order, which must be the slot order `stateTensors`
   * checked) and the new state. Same kernels in the same order as `applyGradients`, so the same
   * bits. `negativeLearningRate` is −α as a scalar (a graph input in a compiled step). Caller owns
   * the result; commit it with `adoptState`.
   */
  nextState(
    state: AdamState,
    variables: readonly tf.Tensor[],
    gradients: readonly tf.Tensor[],
    negativeLearningRate: tf.Scalar,
  ): { variables: tf.Tensor[]; state: AdamState } {
    return tf.tidy(() => {
      const slots = this.moments.slots;
      const gradient = concatFlat(gradients);
      const { first, second, step } = this.adamArithmetic(
        state.first,
        state.second,
        gradient,
        state.accBeta1,
        state.accBeta2,
        negativeLearningRate,
      );
      const next = splitFlat(step, slots).map((delta, k) => tf.add(delta, variables[k]));
      return {
        variables: next,
        state: {
          first: first as tf.Tensor1D,
          second: second as tf.Tensor1D,
          accBeta1: tf.mul(state.accBeta1, this.beta1) as tf.Scalar,
          accBeta2: tf.mul(state.accBeta2, this.beta2) as tf.Scalar,
        },
      };
    });
  }

  /**
   * Takes `state` from `nextState` as the optimizer's own (the tensors become the optimizer's) and
   * counts the step. The variables' new values are the caller's to assign.
   */
  adoptState(state: AdamState): void {
    this.accBeta1.assign(state.accBeta1);
    this.accBeta2.assign(state.accBeta2);
    tf.dispose([state.accBeta1, state.accBeta2]);
    this.moments.replace(state.first, state.second);
    this.incrementIterations();
  }

  private variableOf(name: string): tf.Variable {
    const variable = tf.engine().registeredVariables[name] as tf.Variable | undefined;
    if (variable === undefined)
      throw new InvalidArgumentError('MultiTensorAdam.applyGradients', 'variableGradients', name, 'the name of a live tf.Variable');
    return variable;
  }

  /** Adam's arithmetic (tfjs's op order) on the flat stretch of the updated slots. Runs inside the caller's tidy. */
  private update(entries: readonly NamedTensor[], variables: readonly tf.Variable[], indices: readonly number[]): void {
    const moments = this.moments.forSlots(indices);
    const gradient = concatFlat(entries.map((e) => e.tensor));
    const { first, second, step } = this.adamArithmetic(
      moments.first,
      moments.second,
      gradient,
      this.accBeta1,
      this.accBeta2,
      -this.learningRate,
    );
    const updated = indices.map((i) => this.moments.slots[i]);
    splitFlat(step, updated).forEach((delta, k) => variables[k].assign(tf.add(delta, variables[k])));
    moments.commit(first as tf.Tensor1D, second as tf.Tensor1D);
  }

  /** tfjs's Adam arithmetic on flat buffers: the new moments and the step to add to the weights. */
  private adamArithmetic(
    first: tf.Tensor,
    second: tf.Tensor,
    gradient: tf.Tensor,
    accBeta1: tf.Tensor,
    accBeta2: tf.Tensor,
    negativeLearningRate: number | tf.Scalar,
  ): { first: tf.Tensor; second: tf.Tensor; step: tf.Tensor } {
    const oneMinusAccBeta1 = tf.sub(1, accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, accBeta2);
    const newFirst = tf.add(tf.mul(first, this.beta1), tf.mul(gradient, 1 - this.beta1));
    const newSecond = tf.add(tf.mul(second, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
    const correctedFirst = tf.div(newFirst, oneMinusAccBeta1);
    const correctedSecond = tf.div(newSecond, oneMinusAccBeta2);
    const step = tf.mul(tf.div(correctedFirst, tf.add(tf.sqrt(correctedSecond), this.epsilon)), negativeLearningRate);
    return { first: newFirst, second: newSecond, step };
  }

  /**
   * `tf.train.adam`'s layout: [iter, m of every variable, v of every variable], named
   * `<variable>/m` and `<variable>/v`, in the order the variables were first updated. The moment
   * tensors are owned by the optimizer and stay valid until its next `applyGradients`,
   * `getWeights`, `setWeights` or `dispose`; `iter` is a fresh scalar the caller owns (as in tfjs).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.disposeWeightViews();
    const iterations = await this.saveIterations();
    const slots = this.moments.slots;
    const { firsts, seconds } = this.moments.copies();
    this.weightViews = [...firsts, ...seconds];
    return [
      iterations,
      ...firsts.map((tensor, i) => ({ name: `${slots[i].name}/m`, tensor })),
      ...seconds.map((tensor, i) => ({ name: `${slots[i].name}/v`, tensor })),
    ];
  }

  /**
   * Restores state in `getWeights()`' layout (this optimizer's or `tf.train.adam`'s). The β powers
   * become β^(iter+1) (as in tfjs; the trainer's checkpoints then restore the exact running
   * products). The moments are bound to variables by position at the next update. The given
   * tensors stay the caller's.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const moments = await this.extractIterations(weightValues);
    if (moments.length % 2 !== 0) {
      throw new InvalidArgumentError(
        'MultiTensorAdam.setWeights',
        'weightValues',
        `${moments.length} moment tensors`,
        'as many first as second moments',
      );
    }
    const count = moments.length / 2;
    const firsts = moments.slice(0, count);
    const seconds = moments.slice(count);
    firsts.forEach((f, i) => {
      if (!sameShape(f.tensor.shape, seconds[i].tensor.shape))
        throw new ShapeError(
          'MultiTensorAdam.setWeights',
          `weightValues[${count + i + 1}]`,
          seconds[i].tensor.shape,
          `[${f.tensor.shape.join(', ')}], the shape of its first moment '${f.name}'`,
        );
    });
    tf.tidy(() => {
      this.accBeta1.assign(tf.pow(this.beta1, this.iterations_ + 1));
      this.accBeta2.assign(tf.pow(this.beta2, this.iterations_ + 1));
    });
    this.disposeWeightViews();
    this.moments.restore(
      firsts,
      seconds.map((s) => s.tensor),
    );
  }

  /** {learningRate, beta1, beta2, epsilon}, as `tf.train.adam`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** Frees the moments, the β powers and any tensors `getWeights()` handed out. */
  override dispose(): void {
    this.disposeWeightViews();
    tf.dispose([this.accBeta1, this.accBeta2]);
    this.moments.disposeBuffers();
  }

  private disposeWeightViews(): void {
    tf.dispose(this.weightViews);
    this.weightViews = [];
  }
}

/**
 * Multi-tensor Adam with `tf.train.adam`'s signature and results (bit-identical weights); fewer
 * kernels per step. The caller owns the optimizer (`dispose()`).
 * @example
 * const history = await fit(model, {x, y}, {elbo, optimizer: optimizers.adam(1e-2), epochs: 10});
 */
export function adam(
  learningRate = 0.001,
  beta1 = ADAM_DEFAULT_BETA1,
  beta2 = ADAM_DEFAULT_BETA2,
  epsilon?: number | null,
): MultiTensorAdam {
  return new MultiTensorAdam(learningRate, beta1, beta2, epsilon);
}
