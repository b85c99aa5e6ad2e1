import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { slidingWindowPredictive } from '../../../inference/segmentation/sliding-window.js';
import { gaussianImportance, windowGrid, windowStarts, WindowBlender } from '../../../inference/segmentation/window-blending.js';
import { predictive, disposePredictive, releaseCompiledPasses } from '../../../inference/predictive/index.js';
import { NoiseSource, requireNoiseScope } from '../../../src/random/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/errors.js';
import { bayesianUNet } from '../../../layers/unet.js';
import { expectNoLeak } from '../../helpers/leak.js';

/** Pointwise stochastic net: per pass one weight per input channel, logit = Σ_c w_c·x_c + 0.1 (one channel out). */
function pointwiseModel(channels: number): (x: tf.Tensor) => tf.Tensor {
  return (x) =>
    tf.tidy(() => {
      const w = tf.add(0.5, requireNoiseScope('pointwise').draws('w').normal([channels, 1]));
      const flat = tf.reshape(x, [-1, channels]);
      return tf.reshape(tf.add(tf.matMul(flat, w), 0.1), [...x.shape.slice(0, -1), 1]);
    });
}

function volumeOf(shape: number[], seed = 1): tf.Tensor {
  return tf.tidy(() => tf.mul(2, new NoiseSource(seed).draws({ step: 0 }, 'volume').normal(shape)));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

test('windows cover every voxel: starts step by (1 − overlap)·patch and the last window ends at the border', (t) => {
  t.deepEqual(windowStarts(10, 4, 0.5), [0, 2, 4, 6]);
  t.deepEqual(windowStarts(11, 4, 0.5), [0, 2, 4, 6, 7]);
  t.deepEqual(windowStarts(8, 8, 0.5), [0]);
  t.deepEqual(windowStarts(9, 4, 0), [0, 4, 5]);
  t.is(windowGrid([10, 11, 8], [4, 4, 8]).length, 4 * 5 * 1);
  t.throws(() => windowStarts(3, 4), { instanceOf: ShapeError });
  t.throws(() => windowStarts(8, 4, 1), { instanceOf: InvalidArgumentError });
});

test('blending weights sum to one over every covered voxel: constant and coordinate maps are reproduced exactly', (t) => {
  const size = [9, 13, 7];
  const patch = [4, 6, 5];
  const importance = gaussianImportance(patch);
  t.is(Math.max(...importance), importance[2 * 30 + 3 * 5 + 2], 'the peak is at the window centre');
  t.true(Math.min(...importance) > 0, 'border voxels keep a positive weight');
  const blender = new WindowBlender(size, patch, 2, importance);
  const corners = windowGrid(size, patch, 0.5);
  for (const corner of corners) {
    const ones = new Float32Array(4 * 6 * 5).fill(1);
    const coordinate = Float32Array.from({ length: 4 * 6 * 5 }, (_, q) => {
      const [z, y, x] = [Math.floor(q / 30), Math.floor(q / 5) % 6, q % 5];
      return ((corner[0] + z) * 13 + corner[1] + y) * 7 + corner[2] + x;
    });
    blender.add(corner, [ones, coordinate]);
  }
  const [blendedOnes, blendedCoordinate] = blender.blended();
  t.true(
    blender.weightSum.every((w) => w > 0),
    'every voxel is covered',
  );
  t.true(maxDifference(blendedOnes, new Float32Array(blendedOnes.length).fill(1)) < 1e-6, 'Σ_windows w / Σ w = 1');
  t.true(
    maxDifference(
      blendedCoordinate,
      Float32Array.from({ length: 9 * 13 * 7 }, (_, v) => v),
    ) < 1e-2,
    'each voxel gets back its own index',
  );
});

test('a pointwise net gives the whole-volume predictive maps at every voxel, whatever the windows (2 channels, 3D)', async (t) => {
  await expectNoLeak(t, async () => {
    const volume = volumeOf([1, 10, 9, 12, 2]);
    const model = pointwiseModel(2);
    const reference = predictive(model, volume, { samples: 6, seed: 3, output: 'sigmoid' });
    const maps = await slidingWindowPredictive(model, volume, {
      patchSize: [4, 5, 6],
      overlap: 0.5,
      samples: 6,
      seed: 3,
      windowsPerBatch: 3,
    });
    for (const key of ['meanProbability', 'predictiveEntropy', 'expectedEntropy', 'mutualInformation', 'variance'] as const) {
      const expected = (await reference[key].data()) as Float32Array;
      t.true(maxDifference(maps[key], expected) < 2e-5, `${key}: ${maxDifference(maps[key], expected)}`);
    }
    t.true(Math.max(...maps.mutualInformation) > 1e-3, 'the passes disagree');
    disposePredictive(reference);
    volume.dispose();
  });
});

test('one window as large as the volume equals predictive on a Bayesian U-Net (2D, two channels)', async (t) => {
  for (const [size, rank] of [[[16, 16], 2]] as const) {
    const unet = bayesianUNet({
      rank,
      inputShape: [...size, 2],
      depth: 1,
      baseFilters: 2,
      outputChannels: 1,
      posteriorInit: { seed: 1, rawScaleInit: -2 },
    });
    await expectNoLeak(t, async () => {
      const volume = volumeOf([1, ...size, 2], 4);
      const reference = predictive(unet, volume, { samples: 3, seed: 8 });
      const maps = await slidingWindowPredictive(unet, volume, { patchSize: [...size], samples: 3, seed: 8 });
      t.is(maps.windows, 1);
      for (const key of ['meanProbability', 'mutualInformation', 'variance'] as const) {
        t.true(maxDifference(maps[key], (await reference[key].data()) as Float32Array) < 1e-5, key);
      }
      disposePredictive(reference);
      volume.dispose();
    });
    unet.dispose();
  }
});

test('compile: true gives the eager maps bit for bit over several window batches (compiled on tensorflow, ignored elsewhere); a non-boolean is refused', async (t) => {
  const unet = bayesianUNet({
    rank: 2,
    inputShape: [8, 8, 1],
    depth: 1,
    baseFilters: 2,
    outputChannels: 1,
    posteriorInit: { seed: 2, rawScaleInit: -2 },
  });
  const volume = volumeOf([1, 20, 20, 1], 6);
  const options = { patchSize: [8, 8], samples: 4, seed: 3, windowsPerBatch: 2 };
  const eager = await slidingWindowPredictive(unet, volume, options);
  const compiled = await expectNoLeak(t, () => slidingWindowPredictive(unet, volume, { ...options, compile: true }));
  t.true(eager.windows > 2);
  for (const key of ['meanProbability', 'predictiveEntropy', 'expectedEntropy', 'mutualInformation', 'variance'] as const) {
    t.deepEqual(Array.from(compiled[key]), Array.from(eager[key]), key);
  }
  await t.throwsAsync(() => slidingWindowPredictive(unet, volume, { ...options, compile: 'yes' as unknown as boolean }), {
    instanceOf: InvalidArgumentError,
    message: /options\.compile/,
  });
  releaseCompiledPasses(unet);
  volume.dispose();
  unet.dispose();
});

test('tensor memory is flat in S and bounded by the window, not the volume', async (t) => {
  const model = pointwiseModel(2);
  const peak = async (shape: number[], samples: number) => {
    const volume = volumeOf(shape);
    const before = tf.memory().numBytes;
    const profile = await tf.profile(async () => {
      await slidingWindowPredictive(model, volume, { patchSize: [4, 8, 8], samples, seed: 1 });
    });
    volume.dispose();
    return profile.peakBytes - before;
  };
  const small = await peak([1, 8, 16, 16, 2], 2);
  const manySamples = await peak([1, 8, 16, 16, 2], 12);
  const largeVolume = await peak([1, 16, 32, 32, 2], 2);
  t.is(manySamples, small, `peak bytes with S = 12 (${manySamples}) equal those with S = 2 (${small})`);
  t.is(largeVolume, small, `peak bytes for an 8× larger volume (${largeVolume}) equal those of the small one`);
  t.true(small < 40 * 4 * 8 * 8 * 4, `peak ${small} bytes is a few window-sized buffers`);
});

test('progress counts every pass; an abort stops between passes with an AbortError and leaks nothing', async (t) => {
  const model = pointwiseModel(1);
  const volume = volumeOf([1, 12, 12, 1]);
  const seen: Array<[number, number]> = [];
  await slidingWindowPredictive(model, volume, {
    patchSize: [8, 8],
    samples: 3,
    seed: 1,
    onProgress: (done, total) => seen.push([done, total]),
  });
  t.deepEqual(
    seen,
    Array.from({ length: 12 }, (_, i) => [i + 1, 12]),
    '4 windows × 3 passes',
  );
  const controller = new AbortController();
  await expectNoLeak(t, async () => {
    let calls = 0;
    const outcome = await slidingWindowPredictive(model, volume, {
      patchSize: [8, 8],
      samples: 3,
      seed: 1,
      signal: controller.signal,
      onProgress: (done) => {
        calls = done;
        if (done === 5) controller.abort();
      },
    }).then(
      () => 'resolved',
      (error: unknown) => (error as { name?: string }).name,
    );
    t.is(outcome, 'AbortError');
    t.is(calls, 5, 'no pass was reported after the abort');
  });
  volume.dispose();
});

test('bad input: window larger than the volume, several examples, no seed, a multi-channel output', async (t) => {
  const volume = volumeOf([1, 6, 6, 1]);
  await t.throwsAsync(slidingWindowPredictive(pointwiseModel(1), volume, { patchSize: [8, 4], seed: 1 }), {
    instanceOf: ShapeError,
    message: /patchSize.*\[6, 6\]/,
  });
  await t.throwsAsync(slidingWindowPredictive(pointwiseModel(1), volume, { patchSize: [4, 4] }), {
    instanceOf: InvalidArgumentError,
    message: /seed/,
  });
  const two = volumeOf([2, 6, 6, 1]);
  await t.throwsAsync(slidingWindowPredictive(pointwiseModel(1), two, { patchSize: [4, 4], seed: 1 }), { instanceOf: ShapeError });
  const twoChannelsOut = (x: tf.Tensor) => tf.concat([x, x], -1);
  await t.throwsAsync(slidingWindowPredictive(twoChannelsOut, volume, { patchSize: [4, 4], seed: 1 }), {
    instanceOf: ShapeError,
    message: /model output/,
  });
  tf.dispose([volume, two]);
});
