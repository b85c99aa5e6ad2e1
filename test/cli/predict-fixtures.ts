/**
 * Fixtures of the `predict` tests: a tiny seeded (untrained) 3D Bayesian U-Net saved with
 * `saveModel` (2 input channels, window 16³), and three two-channel brain phantom subjects with
 * masks written as NIfTI, all under one folder.
 */
import { join } from 'node:path';
import { saveModel } from '../../layers/io.js';
import { bayesianUNet } from '../../layers/unet.js';
import { generateBrainVolumes } from '../../src/data/phantom/brain-volume.js';
import { writeBrainVolumes, type BrainVolumeFiles } from '../../src/data/phantom/write-volumes.js';

/** Voxels (D, H, W) of the fixture volumes and the model's window side. */
export const PREDICT_VOLUME_SIZE = [20, 24, 24] as const;
export const PREDICT_WINDOW = 16;

/** Paths of the fixture. */
export interface PredictFixture {
  /** A folder holding model.json + weights.bin. */
  readonly modelDir: string;
  readonly subjects: readonly BrainVolumeFiles[];
}

/** Writes the model to `dir/model` and the subjects to `dir/subjects`. */
export async function writePredictFixture(dir: string): Promise<PredictFixture> {
  const model = bayesianUNet({
    rank: 3,
    inputShape: [PREDICT_WINDOW, PREDICT_WINDOW, PREDICT_WINDOW, 2],
    depth: 2,
    baseFilters: 4,
    upsampling: 'transpose',
    estimator: 'reparameterization',
    posteriorInit: { seed: 7, rawScaleInit: -3 },
  });
  const modelDir = join(dir, 'model');
  try {
    await saveModel(model, modelDir);
  } finally {
    model.dispose();
  }
  const brains = generateBrainVolumes({ seed: 'predict', count: 3, size: PREDICT_VOLUME_SIZE, spacingMm: 6, lesionFraction: 0.004 });
  const subjects = await writeBrainVolumes(join(dir, 'subjects'), brains);
  return { modelDir, subjects };
}
