/**
 * Bench of `predictive`: wall time and peak tensor memory of S Monte Carlo passes of a small
 * Bayesian U-Net (depth 2, 8 base filters) on a [1, 128, 128, 1] slice and a [1, 64, 64, 64, 1]
 * volume, and a batch of 4 slices processed whole or one example at a time. Peak memory is
 * tfjs' own peak of live tensor bytes during the call (`tf.profile`), so it includes the largest
 * activations of a pass; it is reported above the bytes live before the call.
 *
 *   node dist/bench/predictive.js [--samples S] [--quick] [--estimator reparameterization|flipout|local]
 *
 * --quick: S = 3 on a [1, 64, 64, 1] slice and a [1, 32, 32, 32, 1] volume.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend } from '../src/backend/index.js';
import { predictive, disposePredictive } from '../inference/predictive/index.js';
import { bayesianUNet } from '../layers/unet.js';
import { ESTIMATORS, type Estimator } from '../layers/index.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';

interface Row {
  readonly case: string;
  readonly samples: number;
  readonly seconds: number;
  readonly msPerPass: number;
  readonly peakMiB: number;
  readonly outputMiB: number;
}

async function run(label: string, rank: 2 | 3, shape: number[], samples: number, estimator: Estimator, chunkSize: number): Promise<Row> {
  const model = bayesianUNet({
    rank,
    inputShape: [...shape.slice(1)],
    depth: 2,
    baseFilters: 8,
    estimator,
    upsampling: rank === 3 ? 'upsample' : 'transpose',
  });
  const x = tf.randomNormal(shape);
  // One warm-up pass (kernel set-up, JIT) outside the timing.
  disposePredictive(predictive(model, x, { samples: 1, seed: 0, chunkSize }));
  const base = tf.memory().numBytes;
  let outputBytes = 0;
  const start = performance.now();
  const profile = await tf.profile(() => {
    const maps = predictive(model, x, { samples, seed: 1, chunkSize });
    tf.tidy(() => tf.sum(maps.mutualInformation).dataSync());
    outputBytes =
      ['meanProbability', 'predictiveEntropy', 'expectedEntropy', 'mutualInformation', 'variance'].length * maps.meanProbability.size * 4;
    disposePredictive(maps);
  });
  const seconds = (performance.now() - start) / 1000;
  x.dispose();
  model.dispose();
  return {
    case: label,
    samples,
    seconds,
    msPerPass: (seconds * 1000) / samples,
    peakMiB: (profile.peakBytes - base) / 2 ** 20,
    outputMiB: outputBytes / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const argv = checkedArgv(
    process.argv.slice(2),
    'bench/predictive',
    'Usage: node dist/bench/predictive.js [--samples S] [--quick] [--estimator reparameterization|flipout|local]',
    { values: ['--samples', '--estimator'], switches: ['--quick'] },
  );
  const quick = argv.includes('--quick');
  const samples = integerFlag(argv, '--samples', quick ? 3 : 20, 'bench/predictive');
  const estimator = stringFlag(argv, '--estimator', 'reparameterization') as Estimator;
  if (!ESTIMATORS.includes(estimator)) throw new Error(`bench/predictive: --estimator must be one of ${ESTIMATORS.join(', ')}`);
  const info = await initBackend();
  console.log(`backend: ${backendInfo()?.name ?? info.name}; estimator: ${estimator}; S = ${samples}`);
  const slice = quick ? 64 : 128;
  const cube = quick ? 32 : 64;
  const rows: Row[] = [
    await run(`2D [1, ${slice}, ${slice}, 1]`, 2, [1, slice, slice, 1], samples, estimator, 1),
    await run(`2D [4, ${slice}, ${slice}, 1], whole batch`, 2, [4, slice, slice, 1], samples, estimator, 4),
    await run(`2D [4, ${slice}, ${slice}, 1], chunk 1`, 2, [4, slice, slice, 1], samples, estimator, 1),
    await run(`3D [1, ${cube}, ${cube}, ${cube}, 1]`, 3, [1, cube, cube, cube, 1], samples, estimator, 1),
  ];
  console.table(
    rows.map((r) => ({
      ...r,
      seconds: r.seconds.toFixed(2),
      msPerPass: r.msPerPass.toFixed(0),
      peakMiB: r.peakMiB.toFixed(1),
      outputMiB: r.outputMiB.toFixed(1),
    })),
  );
  // A second S shows that memory does not grow with the number of passes.
  const more = await run(`2D [1, ${slice}, ${slice}, 1]`, 2, [1, slice, slice, 1], samples * 2, estimator, 1);
  console.log(`2D peak MiB at S = ${samples}: ${rows[0].peakMiB.toFixed(2)}; at S = ${samples * 2}: ${more.peakMiB.toFixed(2)}`);
}

await main();
