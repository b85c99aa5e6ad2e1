/**
 * Bench of sliding-window Monte Carlo inference (`slidingWindowPredictive`) over one whole
 * two-channel volume (default 96×128×128, the brain phantom's size) with the 3D U-Net of
 * `segment --dims 3` on 32³ windows at overlap 0.5: wall time and peak tensor memory for several
 * numbers of passes S. Peak memory: tfjs' peak of live tensor bytes (`tf.profile`) over one window
 * batch, and the live tensor bytes sampled after every pass over the whole volume, both above what
 * was live before; the blended maps are plain arrays (5 × 4 bytes per voxel), reported apart.
 * Neither tensor figure may grow with S.
 *
 *   node dist/bench/sliding-window.js [--samples 1,5,20] [--size 96,128,128] [--patch 32] [--quick]
 *
 * --quick: S = 1,3 on a 32×48×48 volume with 16³ windows.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { slidingWindowPredictive } from '../inference/segmentation/sliding-window.js';
import { generateBrainVolumes } from '../src/data/phantom/brain-volume.js';
import { bayesianUNet } from '../layers/unet.js';
import { integerFlag, listFlag } from './flags.js';

const USAGE = 'node dist/bench/sliding-window.js [--samples 1,5,20] [--size 96,128,128] [--patch 32] [--quick]';

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const known = new Set(['--samples', '--size', '--patch', '--quick']);
  for (const arg of argv)
    if (arg.startsWith('--') && !known.has(arg)) throw new Error(`bench/sliding-window: unknown flag ${arg}; usage: ${USAGE}`);
  const quick = argv.includes('--quick');
  const samplesList = listFlag(argv, '--samples', quick ? ['1', '3'] : ['1', '5', '20']).map(Number);
  const size = listFlag(argv, '--size', quick ? ['32', '48', '48'] : ['96', '128', '128']).map(Number);
  const patch = integerFlag(argv, '--patch', quick ? 16 : 32, 'bench/sliding-window');
  await initBackend();
  const brain = generateBrainVolumes({ seed: 1, size });
  const volume = tf.tensor(brain.image, [1, ...size, 2]);
  const model = bayesianUNet({
    rank: 3,
    inputShape: [patch, patch, patch, 2],
    depth: 2,
    baseFilters: 8,
    upsampling: 'transpose',
    posteriorInit: { seed: 1, rawScaleInit: -5 },
  });
  console.log(`backend ${tf.getBackend()}; volume ${size.join('×')}×2, windows ${patch}³, overlap 0.5`);
  console.log(
    'S\twindows\tseconds\tms/window-pass\tpeak tensor MiB (one window batch)\tmax live tensor MiB (whole volume)\tmap arrays MiB',
  );
  for (const samples of samplesList) {
    // tf.profile keeps every kernel record, too many for a whole volume at large S: it measures the
    // peak of one window batch; over the whole volume, live tensor bytes are sampled after every pass.
    const before = tf.memory().numBytes;
    const firstWindows = tf.slice(volume, [0, 0, 0, 0, 0], [1, patch, patch, Math.min(size[2], patch + patch / 2), 2]);
    const profile = await tf.profile(async () => {
      await slidingWindowPredictive(model, firstWindows, { patchSize: [patch, patch, patch], samples, seed: 1, windowsPerBatch: 2 });
    });
    firstWindows.dispose();
    let maxLive = 0;
    const start = performance.now();
    const maps = await slidingWindowPredictive(model, volume, {
      patchSize: [patch, patch, patch],
      samples,
      seed: 1,
      windowsPerBatch: 2,
      onProgress: () => {
        maxLive = Math.max(maxLive, tf.memory().numBytes - before);
      },
    });
    const seconds = (performance.now() - start) / 1000;
    const mapMiB = (5 * 4 * size.reduce((a, b) => a * b, 1)) / 2 ** 20;
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `${samples}\t${maps.windows}\t${seconds.toFixed(1)}\t${((1000 * seconds) / (maps.windows * samples)).toFixed(1)}\t${mib(profile.peakBytes - before)}\t${mib(maxLive)}\t${mapMiB.toFixed(1)}`,
    );
  }
  volume.dispose();
  model.dispose();
}

await main(process.argv.slice(2));
