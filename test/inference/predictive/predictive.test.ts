import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  predictive,
  disposePredictive,
  bernoulliEntropy,
  categoricalEntropy,
  type PredictiveResult,
} from '../../../inference/predictive/index.js';
import { NoiseSource, withNoise, requireNoiseScope } from '../../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError, ShapeError } from '../../../src/errors.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

/** A stochastic "network": per pass one weight sample w ~ N(0.5, 1) per channel, logits = w·x + 0.1. */
function stochasticModel(channels: number): (x: tf.Tensor) => tf.Tensor {
  return (x) =>
    tf.tidy(() => {
      const w = tf.add(0.5, requireNoiseScope('stochasticModel').draws('w').normal([channels]));
      return tf.add(tf.mul(x, w), 0.1);
    });
}

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function inputs(shape: number[], seed = 1): tf.Tensor {
  return tf.tidy(() => tf.mul(3, new NoiseSource(seed).draws({ step: 0 }, 'x').normal(shape)));
}

test('predictive entropy = expected entropy + mutual information to float precision (sigmoid and softmax)', async (t) => {
  await expectNoLeak(t, () => {
    const x = inputs([3, 4, 4, 2]);
    for (const output of ['sigmoid', 'softmax'] as const) {
      const maps = predictive(stochasticModel(2), x, { samples: 12, seed: 5, output });
      const gap = tf.tidy(
        () => tf.max(tf.abs(tf.sub(maps.predictiveEntropy, tf.add(maps.expectedEntropy, maps.mutualInformation)))).dataSync()[0],
      );
      t.true(gap < 1e-6, `${output}: |H − (E[H] + MI)| = ${gap}`);
      t.true(tf.tidy(() => tf.min(maps.mutualInformation).dataSync()[0]) >= 0);
      t.true(tf.tidy(() => tf.mean(maps.mutualInformation).dataSync()[0]) > 1e-3, `${output}: disagreeing samples must give MI > 0`);
      t.deepEqual(maps.meanProbability.shape, [3, 4, 4, 2]);
      t.deepEqual(maps.predictiveEntropy.shape, output === 'sigmoid' ? [3, 4, 4, 2] : [3, 4, 4]);
      disposePredictive(maps);
    }
    x.dispose();
  });
});

test('mutual information and variance are 0 for a deterministic model (LayersModel, mean weights)', async (t) => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3], kernelInitializer: 'glorotNormal' })] });
  await expectNoLeak(t, () => {
    const x = inputs([5, 3]);
    const maps = predictive(model, x, { samples: 7, seed: 1 });
    t.true(take(tf.max(maps.mutualInformation))[0] < 1e-6);
    t.true(take(tf.max(maps.variance))[0] < 1e-12);
    const direct = tf.tidy(() => tf.sigmoid(model.predict(x) as tf.Tensor));
    t.true(maxAbsDifference(direct, maps.meanProbability) < 1e-6);
    t.true(maxAbsDifference(maps.predictiveEntropy, maps.expectedEntropy) < 1e-6);
    direct.dispose();
    disposePredictive(maps);
    x.dispose();
  });
  model.dispose();
});

/** Holds all S passes in memory and reduces them: the reference the streaming code must equal. */
function allInMemory(
  model: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  samples: number,
  seed: number,
  output: 'sigmoid' | 'softmax',
): Omit<PredictiveResult, 'samples'> {
  return tf.tidy(() => {
    const noise = new NoiseSource(seed);
    const passes = Array.from({ length: samples }, (_, s) => {
      const logits = withNoise(noise, { step: 0, particle: s }, () => model(x));
      return output === 'sigmoid' ? tf.sigmoid(logits) : tf.softmax(logits);
    });
    const stacked = tf.stack(passes);
    const { mean, variance } = tf.moments(stacked, 0);
    const entropy = (p: tf.Tensor) => (output === 'sigmoid' ? bernoulliEntropy(p) : categoricalEntropy(p));
    const predictiveEntropy = entropy(mean);
    const expectedEntropy = tf.mean(tf.stack(passes.map(entropy)), 0);
    return {
      meanProbability: mean,
      predictiveEntropy,
      expectedEntropy,
      mutualInformation: tf.relu(tf.sub(predictiveEntropy, expectedEntropy)),
      variance,
    };
  });
}

test('streaming accumulation, whole batch and chunked, equals the all-in-memory computation', async (t) => {
  await expectNoLeak(t, () => {
    const x = inputs([4, 3, 3, 2], 2);
    for (const output of ['sigmoid', 'softmax'] as const) {
      const reference = allInMemory(stochasticModel(2), x, 9, 3, output);
      for (const chunkSize of [4, 3, 1]) {
        const maps = predictive(stochasticModel(2), x, { samples: 9, seed: 3, output, chunkSize });
        for (const key of ['meanProbability', 'predictiveEntropy', 'expectedEntropy', 'mutualInformation', 'variance'] as const) {
          t.deepEqual(maps[key].shape, reference[key].shape);
          const difference = maxAbsDifference(maps[key], reference[key]);
          t.true(difference < 2e-6, `${output} chunk ${chunkSize} ${key}: ${difference}`);
        }
        disposePredictive(maps);
      }
      tf.dispose(Object.values(reference));
    }
    x.dispose();
  });
});

test('peak memory of S = 50 passes stays within 1.2× of S = 5 on a small 3D volume', async (t) => {
  const x = inputs([2, 8, 8, 8, 1], 4);
  const peakBytes = (samples: number): number => {
    const start = tf.memory().numBytes;
    let peak = 0;
    const model = (input: tf.Tensor) => {
      const y = stochasticModel(1)(input);
      peak = Math.max(peak, tf.memory().numBytes - start);
      return y;
    };
    const maps = predictive(model, x, {
      samples,
      seed: 9,
      chunkSize: 1,
      onProgress: () => (peak = Math.max(peak, tf.memory().numBytes - start)),
    });
    disposePredictive(maps);
    return peak;
  };
  const small = peakBytes(5);
  const large = peakBytes(50);
  t.true(large <= 1.2 * small, `peak bytes S=50: ${large}, S=5: ${small}`);
  x.dispose();
});

test('onProgress counts every pass of every chunk', async (t) => {
  const x = inputs([3, 2], 1);
  const calls: Array<[number, number]> = [];
  disposePredictive(
    predictive(stochasticModel(2), x, { samples: 4, seed: 1, chunkSize: 2, onProgress: (done, total) => calls.push([done, total]) }),
  );
  t.is(calls.length, 8);
  t.deepEqual(calls[7], [8, 8]);
  x.dispose();
});

test('the same seed replays the same maps; another seed changes them', async (t) => {
  const x = inputs([2, 3], 6);
  const a = predictive(stochasticModel(3), x, { samples: 5, noise: new NoiseSource(1) });
  const b = predictive(stochasticModel(3), x, { samples: 5, seed: 1 });
  const c = predictive(stochasticModel(3), x, { samples: 5, seed: 2 });
  t.is(maxAbsDifference(a.meanProbability, b.meanProbability), 0);
  t.true(maxAbsDifference(a.meanProbability, c.meanProbability) > 1e-3);
  [a, b, c].forEach(disposePredictive);
  x.dispose();
});

test('binary entropy is ln 2 at p = ½, 0 (not NaN) at p = 0 and 1', (t) => {
  const values = take(bernoulliEntropy(tf.tensor1d([0.5, 0, 1])));
  t.true(Math.abs(values[0] - Math.LN2) < 1e-6);
  t.true(values[1] >= 0 && values[1] < 1e-5);
  t.true(values[2] >= 0 && values[2] < 1e-5);
  const uniform = take(
    categoricalEntropy(
      tf.tensor2d([
        [0.25, 0.25, 0.25, 0.25],
        [1, 0, 0, 0],
      ]),
    ),
  );
  t.true(Math.abs(uniform[0] - Math.log(4)) < 1e-6);
  t.true(Math.abs(uniform[1]) < 1e-5);
});

test('predictive validates its arguments with typed errors', async (t) => {
  await expectNoLeak(t, () => {
    const x = inputs([2, 3]);
    t.throws(() => predictive(stochasticModel(3), x), {
      instanceOf: InvalidArgumentError,
      message: /predictive: argument 'options' was "neither noise nor seed"/,
    });
    t.throws(() => predictive(stochasticModel(3), x, { seed: 1, samples: 0 }), {
      instanceOf: InvalidArgumentError,
      message: /options.samples/,
    });
    t.throws(() => predictive(stochasticModel(3), x, { seed: 1, output: 'tanh' as 'sigmoid' }), {
      instanceOf: InvalidArgumentError,
      message: /'sigmoid', 'softmax'/,
    });
    t.throws(() => predictive(stochasticModel(3), x, { seed: 1, output: 'softmax', aleatoric: {} }), {
      instanceOf: InvalidArgumentError,
      message: /options.aleatoric/,
    });
    t.throws(() => predictive({} as tf.LayersModel, x, { seed: 1 }), {
      instanceOf: InvalidArgumentError,
      message: /predictive: argument 'model'/,
    });
    const vector = tf.tensor1d([1, 2]);
    t.throws(() => predictive(stochasticModel(1), vector, { seed: 1 }), { instanceOf: ShapeError });
    vector.dispose();
    x.dispose();
  });
  // A stochastic layer outside withNoise fails loudly; predictive always opens the scope.
  const x = inputs([2, 3]);
  t.throws(() => stochasticModel(3)(x), { instanceOf: NoiseSourceError });
  x.dispose();
});
