/**
 * The trainer's view of the ELBO: a differentiable loss and a report of plain numbers for a batch
 * at a training position.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { Elbo, disposeElboTerms, elboReportFromValues, reportTensors, type ElboOptions, type ElboReport } from '../elbo/index.js';
import type { NoiseSource } from '../../src/random/noise-source.js';
import type { TrainingPosition } from '../position.js';
import type { BatchSource } from './data-source.js';

/** The plain numbers the trainer records for a step. */
export interface StepReport {
  readonly loss: number;
  readonly nll: number;
  readonly kl: number;
  readonly klWeight: number;
  readonly perLayer: Readonly<Record<string, number>>;
}

/**
 * A step's report not read yet: the scalars to read (still on the device) and how to turn their
 * values into the report. The trainer reads them in the same transfer as the gradient check, so a
 * step costs one device→host read.
 */
export interface PendingReport {
  /** Scalars to read, owned by the pending report (the first is the loss). */
  readonly scalars: readonly tf.Scalar[];
  /** The report from the values of `scalars`, in order (extra values after them are ignored). */
  read(values: ArrayLike<number>): StepReport;
  /** Disposes every scalar (safe to call twice). */
  dispose(): void;
}

/** What the trainer needs of an objective (an `Elbo` adapted by `resolveObjective`). */
export interface TrainingObjective {
  /** The ELBO behind the objective (the gradient inspector takes its terms separately). */
  readonly elbo: Elbo;
  /** The differentiable loss (caller owns it) and its report, for a batch at `position` with `noise`. */
  lossAndReport(x: tf.Tensor, y: tf.Tensor, position: TrainingPosition, noise: NoiseSource): { loss: tf.Scalar; report: StepReport };
  /**
   * The differentiable loss and its report left on the device (no read). `loss` is also
   * `pending.scalars[0]`: disposing the pending report disposes it. Optional: without it the trainer
   * uses `lossAndReport` (one more read per step).
   */
  lossAndPendingReport?(
    x: tf.Tensor,
    y: tf.Tensor,
    position: TrainingPosition,
    noise: NoiseSource,
  ): { loss: tf.Scalar; pending: PendingReport };
}

/** The trainer's report of an ELBO report. */
export function stepReport(report: ElboReport): StepReport {
  const perLayer: Record<string, number> = {};
  for (const layer of report.perLayer) perLayer[layer.name] = layer.kl;
  return { loss: report.loss, nll: report.nll, kl: report.kl, klWeight: report.klWeight, perLayer };
}

/** What `fit` accepts as `elbo`: an `Elbo` built for the model, or its options (`new Elbo(model, options)` is built). */
export type ElboInput = Elbo | ElboOptions;

/** The trainer's objective for an `Elbo`: its loss, and its report with the per-layer KL by layer name. */
export function elboObjective(elbo: Elbo): TrainingObjective {
  return {
    elbo,
    lossAndReport(x, y, position, noise) {
      const { loss, report } = elbo.lossAndReport(x, y, position, noise);
      return { loss, report: stepReport(report) };
    },
    lossAndPendingReport(x, y, position, noise) {
      const terms = elbo.terms(x, y, position, noise);
      const pending: PendingReport = {
        scalars: reportTensors(terms),
        read: (values) => stepReport(elboReportFromValues(terms, values, elbo.settings)),
        dispose: () => disposeElboTerms(terms),
      };
      return { loss: terms.loss, pending };
    },
  };
}

/** Turns `fit`'s `elbo` option into the objective; an `Elbo` must have been built for `model`. */
export function resolveObjective(model: tf.LayersModel, elbo: ElboInput): TrainingObjective {
  if (elbo instanceof Elbo) {
    if (elbo.model !== model)
      throw new InvalidArgumentError('fit', 'elbo', 'an Elbo built for another model', 'an Elbo built for the model being trained');
    return elboObjective(elbo);
  }
  if (typeof elbo !== 'object' || elbo === null) {
    throw new InvalidArgumentError('fit', 'elbo', elbo, 'an Elbo, or ElboOptions {likelihood, klWeighting, particles?, reduction?}');
  }
  return elboObjective(new Elbo(model, elbo));
}

/**
 * The objective's report averaged over all batches of `source` (weighted by batch size), without
 * gradients: `{loss, nll, kl}`. Noise position `{step, particle}` of `noise` for every batch.
 */
export async function evaluateObjective(
  objective: TrainingObjective,
  source: BatchSource,
  at: { readonly epoch: number; readonly step: number },
  noise: NoiseSource,
  evalBatchSize: number,
): Promise<Record<string, number>> {
  const sums = { loss: 0, nll: 0, kl: 0 };
  let examples = 0;
  let batchIndex = 0;
  const numBatches = Math.ceil(source.datasetSize / evalBatchSize);
  for await (const batch of source.evaluationBatches(evalBatchSize)) {
    try {
      const position = { epoch: at.epoch, step: at.step, batchIndex, numBatches, datasetSize: source.datasetSize };
      const { loss, report } = objective.lossAndReport(batch.x, batch.y, position, noise);
      loss.dispose();
      const size = batch.x.shape[0];
      sums.loss += report.loss * size;
      sums.nll += report.nll * size;
      sums.kl += report.kl * size;
      examples += size;
      batchIndex += 1;
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
  return { loss: sums.loss / examples, nll: sums.nll / examples, kl: sums.kl / examples };
}
