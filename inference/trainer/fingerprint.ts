/**
 * The fingerprint of a run: every setting a bit-identical resumption depends on (the batches drawn,
 * the noise streams, the objective, the update rule). A checkpoint stores it; a resuming run
 * computes its own and refuses to continue when any field differs (`ResumeMismatchError`, listing
 * each difference), unless forced.
 */
import * as tf from '@tensorflow/tfjs';
import { ResumeMismatchError, type ResumeDifference } from '../../src/errors.js';
import { variationalLayers } from '../../layers/model-walk.js';
import type { Elbo } from '../elbo/index.js';

/** Plain data; two runs with equal fingerprints draw the same batches and noise at every step. */
export interface RunFingerprint {
  readonly seed: number | string;
  /** Examples per batch for in-memory data (null for a dataset input, which batches itself). */
  readonly batchSize: number | null;
  readonly datasetSize: number;
  readonly numBatches: number;
  readonly shuffle: boolean;
  readonly dropRemainder: boolean;
  /** `KLWeighting.toJSON()`, or its `describe` sentence when it cannot be serialised. */
  readonly klWeighting: unknown;
  /** The likelihood's `describe` sentence (names it and its parameters). */
  readonly likelihood: string;
  readonly particles: number;
  readonly reduction: string;
  readonly countUnit: string;
  /** Every model weight, in order: noise streams are keyed by layer name, weights restored by position. */
  readonly weights: ReadonlyArray<{ readonly name: string; readonly shape: ReadonlyArray<number | null> }>;
  /** Every variational layer's name and gradient estimator. */
  readonly estimators: ReadonlyArray<{ readonly layer: string; readonly estimator: string }>;
  /** The optimizer's class and configuration (learning rate, β's, ε, …). */
  readonly optimizer: { readonly className: string; readonly config: unknown };
  readonly clipGlobalNorm: number | null;
  readonly clipValue: number | null;
}

/** What the fingerprint is computed from. */
export interface FingerprintInputs {
  readonly seed: number | string;
  readonly batchSize: number | null;
  readonly datasetSize: number;
  readonly numBatches: number;
  readonly shuffle: boolean;
  readonly dropRemainder: boolean;
  readonly clipGlobalNorm: number | undefined;
  readonly clipValue: number | undefined;
}

function weightingSpec(elbo: Elbo): unknown {
  try {
    return JSON.parse(JSON.stringify(elbo.settings.klWeighting.toJSON())) as unknown;
  } catch {
    return elbo.settings.klWeighting.describe;
  }
}

function optimizerConfig(optimizer: tf.Optimizer): unknown {
  try {
    return JSON.parse(JSON.stringify(optimizer.getConfig())) as unknown;
  } catch {
    return null;
  }
}

/** The fingerprint of a run of `model` trained on `elbo` with `optimizer`. Reads no tensor values. */
export function runFingerprint(model: tf.LayersModel, elbo: Elbo, optimizer: tf.Optimizer, inputs: FingerprintInputs): RunFingerprint {
  const settings = elbo.settings;
  return {
    seed: inputs.seed,
    batchSize: inputs.batchSize,
    datasetSize: inputs.datasetSize,
    numBatches: inputs.numBatches,
    shuffle: inputs.shuffle,
    dropRemainder: inputs.dropRemainder,
    klWeighting: weightingSpec(elbo),
    likelihood: settings.likelihood.describe,
    particles: settings.particles,
    reduction: settings.reduction,
    countUnit: settings.countUnit,
    weights: model.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] })),
    estimators: variationalLayers(model).map((layer) => ({ layer: layer.name, estimator: layer.estimator })),
    optimizer: { className: optimizer.getClassName(), config: optimizerConfig(optimizer) },
    clipGlobalNorm: inputs.clipGlobalNorm ?? null,
    clipValue: inputs.clipValue ?? null,
  };
}

/** Deep differences of two JSON values, as dotted paths (`weights[3].shape`, `optimizer.config.learningRate`). */
export function fingerprintDifferences(saved: unknown, current: unknown, path = ''): ResumeDifference[] {
  if (Object.is(saved, current)) return [];
  const bothArrays = Array.isArray(saved) && Array.isArray(current);
  const bothObjects =
    !bothArrays &&
    typeof saved === 'object' &&
    saved !== null &&
    typeof current === 'object' &&
    current !== null &&
    !Array.isArray(saved) &&
    !Array.isArray(current);
  if (bothArrays) {
    if (saved.length !== current.length)
      return [{ field: `${path}.length`.replace(/^\./, ''), checkpoint: saved.length, current: current.length }];
    return saved.flatMap((item, i) => fingerprintDifferences(item, current[i], `${path}[${i}]`));
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(current)])];
    return keys.flatMap((key) =>
      fingerprintDifferences(
        (saved as Record<string, unknown>)[key],
        (current as Record<string, unknown>)[key],
        path === '' ? key : `${path}.${key}`,
      ),
    );
  }
  return [{ field: path === '' ? '(fingerprint)' : path, checkpoint: saved, current }];
}

/**
 * Throws `ResumeMismatchError` listing every difference between the checkpoint's fingerprint and
 * the current run's. A checkpoint without a fingerprint (written before fingerprints existed)
 * passes: only its weight shapes are checked when restoring.
 */
export function requireSameFingerprint(saved: RunFingerprint | undefined, current: RunFingerprint, source: string): void {
  if (saved === undefined) return;
  const differences = fingerprintDifferences(saved, current);
  if (differences.length > 0) throw new ResumeMismatchError('fit (resume)', source, differences);
}
