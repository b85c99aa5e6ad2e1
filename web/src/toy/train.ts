/**
 * The toy's training loop: `fit`'s own per-step pieces (seeded batch order from `TensorBatchSource`,
 * `trainingStep` on the ELBO, the gradient recorder before the step), so a seed trains to the same
 * weights as `fit(model, {x, y}, {elbo, optimizer, batchSize: 40, seed, inspect})` in Node on the
 * same backend. It yields to the browser after every epoch so the page stays responsive.
 */
import * as tf from '@tensorflow/tfjs';
import { GradientRecorder, NoiseSource, SHUFFLE_FORK, TensorBatchSource, elboObjective, trainableVariables, trainingStep } from 'tfjs-bnn';
import { TOY, type ToyRun } from './setup.ts';

/** What the page shows after an epoch. Plain numbers. */
export interface ToyProgress {
  readonly epoch: number;
  readonly step: number;
  /** Means over the epoch's applied steps. */
  readonly loss: number;
  readonly nll: number;
  readonly kl: number;
  /** Latest gradient inspection: ‖∇ weighted KL‖ / ‖∇ likelihood‖ per layer. */
  readonly layers: ReadonlyArray<{
    readonly layer: string;
    readonly likelihoodNorm: number;
    readonly klNorm: number;
    readonly ratio: number;
  }>;
}

/** Options of `trainToy`. */
export interface TrainToyOptions {
  readonly seed: number;
  readonly epochs: number;
  /** Steps between gradient inspections. */
  readonly inspectEvery: number;
  /** Called after every epoch; awaited. */
  readonly onEpoch: (progress: ToyProgress) => Promise<void>;
  /** Stops after the current step. */
  readonly signal: AbortSignal;
}

const yieldToBrowser = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Trains `run` for `options.epochs` epochs (or until aborted); returns the number of steps done. */
export async function trainToy(run: ToyRun, options: TrainToyOptions): Promise<number> {
  const noise = new NoiseSource(options.seed);
  const source = new TensorBatchSource({ x: run.x, y: run.y }, TOY.batchSize, false, noise.fork(SHUFFLE_FORK));
  const objective = elboObjective(run.elbo);
  const variables = trainableVariables(run.model);
  const recorder = new GradientRecorder();
  let step = 0;
  let layers: ToyProgress['layers'] = [];
  try {
    for (let epoch = 0; epoch < options.epochs && !options.signal.aborted; epoch++) {
      const sums = { loss: 0, nll: 0, kl: 0, count: 0 };
      let batchIndex = 0;
      for await (const batch of source.epochBatches(epoch, 0)) {
        const position = { epoch, step, batchIndex, numBatches: source.numBatches, datasetSize: source.datasetSize };
        try {
          if (step % options.inspectEvery === 0) {
            const inspection = recorder.observe(run.model, batch, run.elbo, position, noise);
            layers = inspection.layers.map(({ layer, likelihoodNorm, klNorm, ratio }) => ({ layer, likelihoodNorm, klNorm, ratio }));
          }
          const outcome = trainingStep(objective, run.optimizer, variables, batch, position, noise, {
            globalNorm: undefined,
            value: undefined,
          });
          if (outcome.kind === 'applied') {
            sums.loss += outcome.record.loss;
            sums.nll += outcome.record.nll;
            sums.kl += outcome.record.kl;
            sums.count += 1;
          }
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        step += 1;
        batchIndex += 1;
        if (options.signal.aborted) break;
      }
      const n = Math.max(1, sums.count);
      await options.onEpoch({ epoch, step, loss: sums.loss / n, nll: sums.nll / n, kl: sums.kl / n, layers });
      await yieldToBrowser();
    }
  } finally {
    recorder.dispose();
  }
  return step;
}
