// A small helper for weighting tests: a valid training position with overrides.
import type { TrainingPosition } from '../../../inference/index.js';

export function at(overrides: Partial<TrainingPosition> = {}): TrainingPosition {
  return { epoch: 0, step: 0, batchIndex: 0, numBatches: 10, datasetSize: 1000, ...overrides };
}
