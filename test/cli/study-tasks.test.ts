import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { digitsTask } from '../../cli/study/digits.js';
import { phantomTask, PHANTOM_STUDY_SLICES } from '../../cli/study/phantom.js';
import { regressionToyTask, REGRESSION_TOY_SIGMA } from '../../cli/study/regression-toy.js';
import { sampleOutputs } from '../../cli/study/task.js';
import { NoiseSource } from '../../src/random/index.js';
import { expectNoLeak } from '../helpers/leak.js';

test('regression-toy evaluation: finite metrics, predictive std at least σ, no leaked tensor', async (t) => {
  await expectNoLeak(t, async () => {
    const run = regressionToyTask.setup(0, 'reparameterization');
    try {
      t.deepEqual(run.train.x.shape, [200, 1]);
      const metrics = await run.evaluate(4, new NoiseSource(1));
      for (const key of regressionToyTask.metrics.map((m) => m.key)) t.true(Number.isFinite(metrics[key]), key);
      // √(Var μ + σ²) ≥ σ for every input.
      t.true(metrics.stdIn >= REGRESSION_TOY_SIGMA - 1e-6);
      t.true(metrics.stdOut >= REGRESSION_TOY_SIGMA - 1e-6);
      t.is(metrics.stdRatio, metrics.stdOut / metrics.stdIn);
    } finally {
      run.dispose();
    }
  });
});

test('sampleOutputs replays the same passes for the same noise and differs across particles', async (t) => {
  await expectNoLeak(t, () => {
    const run = regressionToyTask.setup(0, 'reparameterization');
    const x = tf.tensor2d([[0.1], [0.9]]);
    try {
      const a = sampleOutputs(run.model, x, 3, new NoiseSource(5));
      const b = sampleOutputs(run.model, x, 3, new NoiseSource(5));
      t.deepEqual(a.shape, [3, 2, 1]);
      t.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
      const values = a.dataSync();
      t.not(values[0], values[2], 'particles 0 and 1 use different weight samples');
      tf.dispose([a, b]);
    } finally {
      x.dispose();
      run.dispose();
    }
  });
});

test('digits evaluation of an untrained model: accuracy near chance, entropies within [0, ln 10], no leak', async (t) => {
  await expectNoLeak(t, async () => {
    const run = digitsTask.setup(0, 'reparameterization');
    try {
      const metrics = await run.evaluate(3, new NoiseSource(2));
      t.true(metrics.accuracy >= 0 && metrics.accuracy < 0.4, `accuracy ${metrics.accuracy}`);
      t.true(metrics.ece >= 0 && metrics.ece <= 1);
      t.true(metrics.nll > 0 && Number.isFinite(metrics.nll));
      for (const key of ['entropyIn', 'entropyInverted', 'entropyNoise'])
        t.true(metrics[key] >= 0 && metrics[key] <= Math.log(10) + 1e-6, key);
    } finally {
      run.dispose();
    }
  });
});

test('phantom evaluation of an untrained U-Net: Dice, AUROC and ECE within [0, 1], entropies within [0, ln 2], no leak', async (t) => {
  await expectNoLeak(t, async () => {
    const run = phantomTask.setup(0, 'reparameterization');
    try {
      t.is(run.train.x.shape[0], PHANTOM_STUDY_SLICES.train);
      t.deepEqual(run.train.x.shape.slice(1), run.train.y.shape.slice(1));
      const metrics = await run.evaluate(2, new NoiseSource(3));
      for (const key of ['dice', 'auroc', 'ece']) t.true(metrics[key] >= 0 && metrics[key] <= 1, `${key} ${metrics[key]}`);
      t.true(metrics.nll > 0 && Number.isFinite(metrics.nll));
      for (const key of ['entropyIn', 'entropyNoisy']) t.true(metrics[key] >= 0 && metrics[key] <= Math.LN2 + 1e-6, key);
    } finally {
      run.dispose();
    }
  });
});
