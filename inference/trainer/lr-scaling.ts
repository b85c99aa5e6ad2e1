/**
 * The linear learning-rate scaling rule with gradual warm-up (Goyal et al. 2017, "Accurate, Large
 * Minibatch SGD"): with an effective batch of k·B examples per update, use k× the learning rate
 * tuned for B, reached by a linear ramp from the base rate over the first `warmupEpochs` epochs.
 */
import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { requireInteger } from '../../src/validate.js';

/** `fit`'s `lrScaling` option. */
export interface LrScaling {
  /** `'linear'`: lr = baseLr · effectiveBatch / baseBatch (Goyal 2017). */
  readonly rule: 'linear';
  /** Batch size the optimizer's learning rate was tuned for, integer ≥ 1. */
  readonly baseBatch: number;
  /** Epochs of linear warm-up from the base rate to the scaled one, ≥ 0 (Goyal: 5). Default 0. */
  readonly warmupEpochs?: number;
}

/** The rules. */
export const LR_SCALING_RULES = ['linear'] as const;

/** Validates `lrScaling`. @throws InvalidArgumentError */
export function requireLrScaling(where: string, value: unknown): Required<LrScaling> {
  const candidate = value as Partial<LrScaling> | null;
  if (typeof value !== 'object' || candidate === null || candidate.rule !== 'linear') {
    throw new InvalidArgumentError(where, 'lrScaling', value, "{rule: 'linear', baseBatch: integer ≥ 1, warmupEpochs?: number ≥ 0}");
  }
  const baseBatch = requireInteger(where, 'lrScaling.baseBatch', candidate.baseBatch, 1);
  const warmupEpochs = candidate.warmupEpochs ?? 0;
  if (typeof warmupEpochs !== 'number' || !Number.isFinite(warmupEpochs) || warmupEpochs < 0) {
    throw new InvalidArgumentError(where, 'lrScaling.warmupEpochs', warmupEpochs, 'a number ≥ 0 (epochs)');
  }
  return { rule: 'linear', baseBatch, warmupEpochs };
}

/**
 * The learning rate at a point of training.
 * @param baseLr the optimizer's rate, tuned for `rule.baseBatch`.
 * @param effectiveBatch examples per update (batch size × accumulation steps).
 * @param epochProgress epochs done, fractional (epoch + update index / updates per epoch).
 */
export function scaledLearningRate(rule: Required<LrScaling>, baseLr: number, effectiveBatch: number, epochProgress: number): number {
  const target = (baseLr * effectiveBatch) / rule.baseBatch;
  if (rule.warmupEpochs === 0 || epochProgress >= rule.warmupEpochs) return target;
  return baseLr + (target - baseLr) * (epochProgress / rule.warmupEpochs);
}

interface LearningRateHolder {
  learningRate?: unknown;
  setLearningRate?: (lr: number) => void;
}

/** The optimizer's learning rate (tfjs keeps it as a field of every built-in optimizer). @throws InvalidArgumentError when it has none. */
export function learningRateOf(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as LearningRateHolder).learningRate;
  if (typeof lr !== 'number')
    throw new InvalidArgumentError(
      'fit',
      'optimizer',
      optimizer.getClassName(),
      'an optimizer with a numeric learningRate (needed by lrScaling)',
    );
  return lr;
}

/** Sets the optimizer's learning rate (`setLearningRate` where the optimizer has it, as SGD does, else the field). */
export function setLearningRateOf(optimizer: tf.Optimizer, lr: number): void {
  const holder = optimizer as unknown as LearningRateHolder;
  if (typeof holder.setLearningRate === 'function') holder.setLearningRate(lr);
  else holder.learningRate = lr;
}
