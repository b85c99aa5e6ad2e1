/**
 * The optimizer `fit` steps with: a `tf.train.adam` given to `fit` runs as `MultiTensorAdam` (the
 * same results bit for bit, a few kernels per model instead of ~14 per variable). Its state is
 * moved into the multi-tensor optimizer when `fit` starts and handed back when `fit` ends (also
 * when it throws), so the caller's optimizer continues as if it had made the steps itself. Any
 * other optimizer (SGD, RMSProp, a subclass of tfjs's Adam, a `MultiTensorAdam`) is used as given.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { MultiTensorAdam } from '../../src/optimizers/multi-tensor-adam.js';

/** The optimizer of a run and the way back to the caller's. */
export interface OptimizerInUse {
  /** The optimizer the steps, checkpoints and resumes use. */
  readonly optimizer: tf.Optimizer;
  /** Copies the caller's learning rate (the source of truth: callbacks and `lrScaling` write it) before a step. */
  syncLearningRate(): void;
  /** Hands the state back to the caller's optimizer and frees the stand-in (no-op when there is none). */
  handBack(): Promise<void>;
}

/** The fields of tfjs's AdamOptimizer this module reads and writes (private in its typings). */
interface TfjsAdamInternals {
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ variable: tf.Variable }>;
  accumulatedSecondMoment: Array<{ variable: tf.Variable }>;
  getConfig(): { learningRate: number; beta1: number; beta2: number; epsilon: number };
}

/** Whether `optimizer` is exactly tfjs's Adam (not a subclass that may change its update). */
export function isTfjsAdam(optimizer: tf.Optimizer): boolean {
  return Object.getPrototypeOf(optimizer) === tf.AdamOptimizer.prototype;
}

/**
 * The optimizer `fit` runs: a `MultiTensorAdam` carrying `optimizer`'s hyper-parameters and state
 * when `optimizer` is tfjs's Adam and `multiTensor` is on, else `optimizer` itself.
 */
export async function optimizerInUse(optimizer: tf.Optimizer, multiTensor: boolean): Promise<OptimizerInUse> {
  if (!multiTensor || !isTfjsAdam(optimizer)) return { optimizer, syncLearningRate: () => undefined, handBack: async () => undefined };
  const adam = optimizer as unknown as TfjsAdamInternals;
  const config = adam.getConfig();
  let standIn: MultiTensorAdam;
  try {
    standIn = new MultiTensorAdam(config.learningRate, config.beta1, config.beta2, config.epsilon);
  } catch (error) {
    // Hyper-parameters tfjs accepts and MultiTensorAdam refuses (β = 1, a NaN rate): run tfjs's Adam as given.
    if (error instanceof InvalidArgumentError) return { optimizer, syncLearningRate: () => undefined, handBack: async () => undefined };
    throw error;
  }
  const state = await optimizer.getWeights();
  try {
    await standIn.setWeights(state);
  } finally {
    state[0].tensor.dispose(); // the iteration counter, made afresh by getWeights
  }
  standIn.accBeta1.assign(adam.accBeta1);
  standIn.accBeta2.assign(adam.accBeta2);
  return {
    optimizer: standIn,
    syncLearningRate: () => {
      standIn.learningRate = adam.learningRate;
    },
    handBack: async () => {
      const weights = await standIn.getWeights();
      try {
        // tfjs's setWeights replaces the moment lists without freeing the old variables.
        tf.dispose([...adam.accumulatedFirstMoment, ...adam.accumulatedSecondMoment].map((m) => m.variable));
        adam.accumulatedFirstMoment = [];
        adam.accumulatedSecondMoment = [];
        await optimizer.setWeights(weights);
        // setWeights sets β powers to pow(β, t + 1); the running products can differ in the last bit.
        adam.accBeta1.assign(standIn.accBeta1);
        adam.accBeta2.assign(standIn.accBeta2);
      } finally {
        weights[0].tensor.dispose();
        standIn.dispose();
      }
    },
  };
}
