/**
 * KL annealing factors: schedules in [from, to] to multiply a dataset scaling with `product`.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { requireInteger, requireNonNegative, requireOpenInterval, requirePositive } from '../../src/validate.js';
import { requireTrainingPosition, type TrainingPosition } from '../position.js';
import { type KLWeighting, type KLWeightingSpec, optionalNumber, registerKLWeighting } from './kl-weighting.js';

/** Default value of a warm-up at its start: exactly 0 (the KL is switched off at step 0). */
export const DEFAULT_WARMUP_FROM = 0;
/** Default value of a warm-up at its end and afterwards. */
export const DEFAULT_WARMUP_TO = 1;
/** Default steepness k of `sigmoidWarmup` (logistic slope over the unit warm-up interval). */
export const DEFAULT_SIGMOID_STEEPNESS = 10;
/** Default ratio R of `cyclical`: the first half of each cycle rises, the second holds (Fu et al. 2019). */
export const DEFAULT_CYCLICAL_RATIO = 0.5;

/** Options of `linearWarmup`. Give exactly one of `epochs` and `steps`. */
export interface WarmupOptions {
  /** Warm-up length in epochs; progress is fractional, (epoch + batchIndex/numBatches) / epochs. */
  readonly epochs?: number;
  /** Warm-up length in global optimiser steps; progress is step / steps. */
  readonly steps?: number;
  /** Value at the start, ≥ 0. Default `DEFAULT_WARMUP_FROM` (0). */
  readonly from?: number;
  /** Value at the end of the warm-up and afterwards, ≥ 0. Default `DEFAULT_WARMUP_TO` (1). */
  readonly to?: number;
}

/** Options of `sigmoidWarmup`. */
export interface SigmoidWarmupOptions extends WarmupOptions {
  /** Slope k of the logistic curve over the warm-up, > 0. Default `DEFAULT_SIGMOID_STEEPNESS` (10). */
  readonly steepness?: number;
}

/** Options of `cyclical` (Fu et al. 2019). */
export interface CyclicalOptions {
  /** Number of cycles C over `totalSteps`, an integer ≥ 1. */
  readonly cycles: number;
  /** Fraction R of each cycle spent rising, in (0, 1]. Default `DEFAULT_CYCLICAL_RATIO` (0.5). */
  readonly ratio?: number;
  /** Length T of the schedule in global steps, an integer ≥ cycles. After T the value holds `to`. */
  readonly totalSteps: number;
  /** Value at the start of each cycle, ≥ 0. Default 0. */
  readonly from?: number;
  /** Value held in the second part of each cycle, ≥ 0. Default 1. */
  readonly to?: number;
}

interface Span {
  readonly unit: 'epochs' | 'steps';
  readonly length: number;
  readonly from: number;
  readonly to: number;
}

function readSpan(where: string, options: WarmupOptions): Span {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(where, 'options', options, 'an options object');
  const hasEpochs = options.epochs !== undefined;
  if (hasEpochs === (options.steps !== undefined)) {
    throw new InvalidArgumentError(where, 'options', options, 'exactly one of {epochs} or {steps}');
  }
  const unit = hasEpochs ? 'epochs' : 'steps';
  const length = requirePositive(where, unit, hasEpochs ? options.epochs : options.steps);
  const from = requireNonNegative(where, 'from', options.from ?? DEFAULT_WARMUP_FROM);
  const to = requireNonNegative(where, 'to', options.to ?? DEFAULT_WARMUP_TO);
  return { unit, length, from, to };
}

/** Progress through the warm-up in [0, 1]. */
function progress(span: Span, position: TrainingPosition): number {
  const elapsed = span.unit === 'epochs' ? position.epoch + position.batchIndex / position.numBatches : position.step;
  return Math.min(1, elapsed / span.length);
}

function spanConfig(span: Span): KLWeightingSpec['config'] {
  return { [span.unit]: span.length, from: span.from, to: span.to };
}

/**
 * Linear KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): from `from` to `to` over the
 * warm-up, then `to`. Returns exactly `from` at epoch 0 / step 0 and exactly `to` at the end.
 *
 * @example
 * klWeighting.product(klWeighting.perExample(), klWeighting.linearWarmup({epochs: 10}))
 */
export function linearWarmup(options: WarmupOptions): KLWeighting {
  const span = readSpan('klWeighting.linearWarmup', options);
  return {
    name: 'linearWarmup',
    describe: `Multiplies the KL by a factor rising linearly from ${span.from} to ${span.to} over ${span.length} ${span.unit}.`,
    weight(position: TrainingPosition): number {
      const t = progress(span, requireTrainingPosition('klWeighting.linearWarmup', position));
      return span.from + (span.to - span.from) * t;
    },
    toJSON: (): KLWeightingSpec => ({ name: 'linearWarmup', config: spanConfig(span) }),
  };
}

/**
 * Sigmoid KL warm-up: the logistic σ(k (t − ½)) over progress t ∈ [0, 1], rescaled so that it is
 * exactly `from` at t = 0 and exactly `to` at t = 1 (a raw logistic never reaches its ends).
 */
export function sigmoidWarmup(options: SigmoidWarmupOptions): KLWeighting {
  const where = 'klWeighting.sigmoidWarmup';
  const span = readSpan(where, options);
  const steepness = requirePositive(where, 'steepness', options.steepness ?? DEFAULT_SIGMOID_STEEPNESS);
  const logistic = (t: number): number => 1 / (1 + Math.exp(-steepness * (t - 0.5)));
  const low = logistic(0);
  const high = logistic(1);
  return {
    name: 'sigmoidWarmup',
    describe: `Multiplies the KL by a logistic factor (slope ${steepness}) from ${span.from} to ${span.to} over ${span.length} ${span.unit}.`,
    weight(position: TrainingPosition): number {
      const t = progress(span, requireTrainingPosition(where, position));
      const shape = t >= 1 ? 1 : (logistic(t) - low) / (high - low);
      return span.from + (span.to - span.from) * shape;
    },
    toJSON: (): KLWeightingSpec => ({ name: 'sigmoidWarmup', config: { ...spanConfig(span), steepness } }),
  };
}

/**
 * Cyclical annealing (Fu et al. 2019, NAACL): `totalSteps` are split into C equal cycles; within each,
 * the factor rises linearly from `from` to `to` over the first fraction R, then holds `to`. It is
 * exactly `from` at the first step of every cycle; after `totalSteps` it holds `to`.
 * Uses the global `position.step`.
 */
export function cyclical(options: CyclicalOptions): KLWeighting {
  const where = 'klWeighting.cyclical';
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(where, 'options', options, 'an options object');
  const cycles = requireInteger(where, 'cycles', options.cycles, 1);
  const totalSteps = requireInteger(where, 'totalSteps', options.totalSteps, cycles);
  const ratio = options.ratio ?? DEFAULT_CYCLICAL_RATIO;
  if (ratio !== 1) requireOpenInterval(where, 'ratio', ratio, 0, 1);
  const from = requireNonNegative(where, 'from', options.from ?? DEFAULT_WARMUP_FROM);
  const to = requireNonNegative(where, 'to', options.to ?? DEFAULT_WARMUP_TO);
  const period = totalSteps / cycles;
  return {
    name: 'cyclical',
    describe: `Multiplies the KL by a factor that, in each of ${cycles} cycles of ${period} steps, rises from ${from} to ${to} over the first ${ratio} of the cycle and then holds (Fu et al. 2019).`,
    weight(position: TrainingPosition): number {
      const { step } = requireTrainingPosition(where, position);
      if (step >= totalSteps) return to;
      const tau = (step - Math.floor(step / period) * period) / period;
      return from + (to - from) * Math.min(1, tau / ratio);
    },
    toJSON: (): KLWeightingSpec => ({ name: 'cyclical', config: { cycles, ratio, totalSteps, from, to } }),
  };
}

function warmupFromConfig(config: KLWeightingSpec['config']): SigmoidWarmupOptions {
  return {
    epochs: optionalNumber(config, 'epochs'),
    steps: optionalNumber(config, 'steps'),
    from: optionalNumber(config, 'from'),
    to: optionalNumber(config, 'to'),
    steepness: optionalNumber(config, 'steepness'),
  };
}

registerKLWeighting('linearWarmup', (config) => linearWarmup(warmupFromConfig(config)));
registerKLWeighting('sigmoidWarmup', (config) => sigmoidWarmup(warmupFromConfig(config)));
registerKLWeighting('cyclical', (config) =>
  cyclical({
    cycles: config.cycles as number,
    totalSteps: config.totalSteps as number,
    ratio: optionalNumber(config, 'ratio'),
    from: optionalNumber(config, 'from'),
    to: optionalNumber(config, 'to'),
  }),
);
