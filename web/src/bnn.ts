/**
 * What the browser app imports as `tfjs-bnn` (Vite aliases it here, web/vite.config.ts): the
 * package's core entry — browser-safe, no Node API — plus the trainer's per-step pieces that the
 * toy's loop (web/src/toy/train.ts) runs one epoch at a time, yielding to the page in between.
 */
export * from '../../src/index.ts';
export { TensorBatchSource } from '../../inference/trainer/data-source.ts';
export { SHUFFLE_FORK } from '../../inference/trainer/batches.ts';
export { trainingStep, trainableVariables } from '../../inference/trainer/step.ts';
export { elboObjective } from '../../inference/trainer/objective.ts';
