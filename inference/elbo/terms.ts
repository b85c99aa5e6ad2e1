/**
 * What the ELBO returns: differentiable scalars (`ElboTerms`) and the report of plain numbers read
 * from them (`ElboReport`).
 */
import * as tf from '@tensorflow/tfjs';
import type { CountUnit, Reduction } from './options.js';

/** The KL weights of one layer at the step (plain numbers). */
export interface LayerWeights {
  /** Layer name. */
  readonly name: string;
  /** Weight of the layer's KL (of its prior cross-entropy for two-part weightings). */
  readonly klWeight: number;
  /** Weight of the layer's posterior entropy; equals `klWeight` except for tempered posteriors. */
  readonly entropyWeight: number;
}

/** The KL weights of one step as plain numbers (`Elbo.klWeightsAt`). */
export interface StepKLWeights {
  /** Each variational layer's weights, in `variationalLayers` order. */
  readonly layerWeights: readonly LayerWeights[];
  /** The model-wide KL weight (also the weight of the likelihood's own prior term). */
  readonly klWeight: number;
  /** The model-wide entropy weight. */
  readonly entropyWeight: number;
}

/**
 * The KL weights of one step as float32 scalars, for `Elbo.terms`' `fed` argument: a compiled
 * training step takes them as graph inputs, so one graph serves every step of a schedule.
 */
export interface FedKLWeights {
  /** Multiplier of each layer's KL (its cross-entropy weight). */
  readonly perLayer: readonly tf.Scalar[];
  /** crossEntropy − entropy per layer, the multiplier of its posterior entropy; null where the two weights are equal. */
  readonly entropyGap: ReadonlyArray<tf.Scalar | null>;
  /** The model-wide cross-entropy weight (multiplier of the likelihood's own prior term). */
  readonly modelWide: tf.Scalar;
}

/**
 * `weights` as the scalars `Elbo.terms` takes in place of the numbers (the same float32 values the
 * ELBO would make from them). Caller owns the tensors.
 */
export function klWeightScalars(weights: StepKLWeights): FedKLWeights {
  return {
    perLayer: weights.layerWeights.map((w) => tf.scalar(w.klWeight)),
    entropyGap: weights.layerWeights.map((w) => (w.klWeight === w.entropyWeight ? null : tf.scalar(w.klWeight - w.entropyWeight))),
    modelWide: tf.scalar(weights.klWeight),
  };
}

/** Every tensor of `fed`. */
export function fedTensors(fed: FedKLWeights): tf.Scalar[] {
  return [...fed.perLayer, ...fed.entropyGap.filter((t): t is tf.Scalar => t !== null), fed.modelWide];
}

/**
 * The differentiable terms of one ELBO evaluation, averaged over particles. Every tensor is a new
 * scalar marked `tf.keep`, so it survives an enclosing `tf.tidy` or `tf.variableGrads` closure; the
 * caller owns them all and releases them with `elbo.report(terms)` (reads and disposes) or
 * `disposeElboTerms(terms)`.
 */
export interface ElboTerms {
  /** `likelihoodTerm + klTerm`: the objective to minimise. */
  readonly loss: tf.Scalar;
  /** The reduced NLL (batch mean or sum, see `reduction`/`countUnit`), mean over particles. */
  readonly likelihoodTerm: tf.Scalar;
  /**
   * Σ_layers [klWeight·KL + (klWeight − entropyWeight)·H(q)], mean over particles, plus the
   * likelihood's prior term and the layers' tfjs weight-regularizer losses (weight decay).
   */
  readonly klTerm: tf.Scalar;
  /** Σ_layers KL, unweighted, mean over particles. */
  readonly kl: tf.Scalar;
  /** Each variational layer's unweighted KL, mean over particles, in `variationalLayers` order. */
  readonly perLayerKL: readonly tf.Scalar[];
  /** Each layer's name and weights (plain numbers), in the same order. */
  readonly layerWeights: readonly LayerWeights[];
  /** The model-wide KL weight, `klWeighting.weight(position)` in the count unit. */
  readonly klWeight: number;
  /** The model-wide entropy weight (equals `klWeight` except for tempered posteriors). */
  readonly entropyWeight: number;
  /** N as the weighting saw it: `position.datasetSize`, times the elements per image for `countUnit: 'voxels'`. */
  readonly datasetSize: number;
}

/** One layer's line of the report. */
export interface LayerReport extends LayerWeights {
  /** The layer's unweighted KL (mean over particles), in nats. */
  readonly kl: number;
}

/** The plain numbers of one ELBO evaluation. Values are float32 results read into numbers. */
export interface ElboReport {
  /** The objective: `nll + klTerm`. */
  readonly loss: number;
  /** The likelihood term (reduced NLL), in nats per example (`'mean'`) or per batch (`'sum'`). */
  readonly nll: number;
  /** Σ_layers KL, unweighted, in nats. */
  readonly kl: number;
  /** The weighted prior term added to `nll`. */
  readonly klTerm: number;
  /** The effective model-wide KL weight (after the count-unit conversion). */
  readonly klWeight: number;
  /** The model-wide entropy weight (≠ `klWeight` only for tempered posteriors). */
  readonly entropyWeight: number;
  /** N as the weighting saw it (images, or voxels for `countUnit: 'voxels'`). */
  readonly datasetSize: number;
  readonly countUnit: CountUnit;
  readonly reduction: Reduction;
  readonly particles: number;
  /** Per variational layer: name, unweighted KL and weights. */
  readonly perLayer: readonly LayerReport[];
}

/**
 * Every scalar of `terms` in the order `elboReportFromValues` expects: loss, likelihood term, KL
 * term, KL, then each layer's KL. The tensors stay owned by `terms`.
 */
export function reportTensors(terms: ElboTerms): tf.Scalar[] {
  return [terms.loss, terms.likelihoodTerm, terms.klTerm, terms.kl, ...terms.perLayerKL];
}

/** Every tensor of `terms`. */
function tensorsOf(terms: ElboTerms): tf.Tensor[] {
  return reportTensors(terms);
}

/** Disposes every tensor of `terms` (safe to call twice). */
export function disposeElboTerms(terms: ElboTerms): void {
  tf.dispose(tensorsOf(terms));
}

/**
 * Reads the numbers of `terms` in one transfer. Does not dispose anything.
 * `reduction`, `countUnit` and `particles` come from the ELBO that made the terms.
 */
export function readElboReport(terms: ElboTerms, settings: { reduction: Reduction; countUnit: CountUnit; particles: number }): ElboReport {
  const tensors = reportTensors(terms);
  const packed = tf.tidy(() => tf.stack(tensors));
  const values = packed.dataSync();
  packed.dispose();
  return elboReportFromValues(terms, values, settings);
}

/**
 * The report of `terms` from its scalars already read to the host, in `reportTensors` order
 * (`values` may hold more numbers after them, e.g. when the caller read other values in the same
 * transfer). Reads nothing, disposes nothing.
 */
export function elboReportFromValues(
  terms: Pick<ElboTerms, 'layerWeights' | 'klWeight' | 'entropyWeight' | 'datasetSize'>,
  values: ArrayLike<number>,
  settings: { reduction: Reduction; countUnit: CountUnit; particles: number },
): ElboReport {
  const [loss, nll, klTerm, kl] = [values[0], values[1], values[2], values[3]];
  return {
    loss,
    nll,
    kl,
    klTerm,
    klWeight: terms.klWeight,
    entropyWeight: terms.entropyWeight,
    datasetSize: terms.datasetSize,
    countUnit: settings.countUnit,
    reduction: settings.reduction,
    particles: settings.particles,
    perLayer: terms.layerWeights.map((weights, i) => ({ ...weights, kl: values[4 + i] })),
  };
}
