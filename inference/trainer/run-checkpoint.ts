/**
 * Writing a run's checkpoints: the latest one (`keep: 'last' | 'both'`) and the best one
 * (`keep: 'best' | 'both'`), each a full, resumable `TrainerCheckpoint`.
 */
import type { TrainerCheckpoint } from './checkpoint-format.js';
import { improvedBest, writeBestCheckpoint } from './best-checkpoint.js';
import type { EpochRecord } from './history.js';
import type { Run } from './run.js';
import { captureTensors } from './state.js';

async function currentCheckpoint(run: Run): Promise<TrainerCheckpoint> {
  const { position } = run;
  return {
    seed: run.seed,
    epoch: position.epoch,
    batchIndex: position.batchIndex,
    step: position.step,
    consecutiveNonFinite: position.consecutiveNonFinite,
    history: position.history,
    accumulator: position.accumulator,
    ...(await captureTensors(run.model, run.optimizer.optimizer, run.likelihoodVariables)),
    fingerprint: run.fingerprint,
    best: position.best,
  };
}

/** Writes the latest checkpoint to `checkpoint.dir`, unless it is off, keeps only the best, or this step is already written. */
export async function saveCheckpoint(run: Run): Promise<void> {
  const { dir, store, keep } = run.options.checkpoint;
  if (dir === undefined || store === undefined || keep === 'best' || run.position.lastCheckpointStep === run.position.step) return;
  await store.write(dir, await currentCheckpoint(run));
  run.position.lastCheckpointStep = run.position.step;
}

/** Writes the best checkpoint when `record`'s monitored log beats every earlier epoch's (with `keep: 'best' | 'both'`). */
export async function saveIfBest(run: Run, record: EpochRecord): Promise<void> {
  const { dir, store, keep } = run.options.checkpoint;
  if (dir === undefined || store === undefined || keep === 'last') return;
  const improved = improvedBest(run.position.best, record.logs, record.epoch);
  if (improved === null) return;
  run.position.best = improved;
  await writeBestCheckpoint(store, dir, await currentCheckpoint(run));
}
