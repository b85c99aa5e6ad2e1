import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { NoiseSource, withNoise, requireNoiseScope, activeNoiseScope } from '../../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError } from '../../../src/errors.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

test('the same position replays bit-identical normal, uniform and sign draws', (t) => {
  const noise = new NoiseSource(7);
  for (const kind of ['normal', 'uniform', 'signs'] as const) {
    const a = take(noise.draws({ step: 3, particle: 1 }, 'dense/kernel')[kind]([5, 4]));
    const b = take(noise.draws({ step: 3, particle: 1 }, 'dense/kernel')[kind]([5, 4]));
    t.deepEqual(a, b, kind);
  }
});

test('consecutive steps, particles, paths and seeds give different draws', (t) => {
  const base = take(new NoiseSource(7).draws({ step: 3 }, 'a').normal([64]));
  const others = [
    take(new NoiseSource(7).draws({ step: 4 }, 'a').normal([64])),
    take(new NoiseSource(7).draws({ step: 3, particle: 1 }, 'a').normal([64])),
    take(new NoiseSource(7).draws({ step: 3 }, 'b').normal([64])),
    take(new NoiseSource(8).draws({ step: 3 }, 'a').normal([64])),
  ];
  for (const other of others) t.true(other.some((v, i) => v !== base[i]));
});

test('normal draws have mean 0 and variance 1; signs are ±1 with mean 0; uniform in [0,1)', (t) => {
  const draws = new NoiseSource('moments').draws({ step: 0 }, 'x');
  const n = 200_000;
  const normal = take(draws.normal([n]));
  const mean = normal.reduce((a, b) => a + b, 0) / n;
  const variance = normal.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance; 5 SE bounds.
  t.true(Math.abs(mean) < 0.011, `mean ${mean}`);
  t.true(Math.abs(variance - 1) < 0.016, `variance ${variance}`);
  const signs = take(draws.signs([n]));
  t.true(signs.every((s) => s === 1 || s === -1));
  t.true(Math.abs(signs.reduce((a, b) => a + b, 0) / n) < 0.011);
  const uniform = take(draws.uniform([n]));
  t.true(uniform.every((u) => u >= 0 && u < 1));
  t.true(Math.abs(uniform.reduce((a, b) => a + b, 0) / n - 0.5) < 0.0035);
});

test('draws of odd size and of size zero have the requested shape', (t) => {
  const draws = new NoiseSource(1).draws({ step: 0 }, 'x');
  const odd = draws.normal([3, 3]);
  t.deepEqual(odd.shape, [3, 3]);
  t.true(take(odd).every(Number.isFinite));
  const empty = draws.normal([0, 4]);
  t.deepEqual(empty.shape, [0, 4]);
  empty.dispose();
});

test('withNoise opens a scope; repeated calls of one path in a scope get independent streams', (t) => {
  const noise = new NoiseSource(3);
  const [first, second, replay] = withNoise(noise, { step: 1 }, () => {
    const scope = requireNoiseScope('test');
    return [take(scope.draws('layer').normal([8])), take(scope.draws('layer').normal([8])), null];
  });
  t.is(replay, null);
  t.notDeepEqual(first, second);
  const again = withNoise(noise, { step: 1 }, () => take(requireNoiseScope('test').draws('layer').normal([8])));
  t.deepEqual(again, first);
  t.is(activeNoiseScope(), null);
});

test('a stochastic call without a noise scope is a NoiseSourceError naming the caller', (t) => {
  const error = t.throws(() => requireNoiseScope('DenseVariational.call'), { instanceOf: NoiseSourceError });
  t.regex(error!.message, /DenseVariational\.call: a stochastic forward pass ran without a noise source/);
});

test('bad seeds, positions and async functions are rejected with named errors', (t) => {
  t.throws(() => new NoiseSource(Number.NaN), { instanceOf: InvalidArgumentError, message: /NoiseSource: argument 'seed' was NaN/ });
  t.throws(() => new NoiseSource(''), { instanceOf: InvalidArgumentError });
  t.throws(() => new NoiseSource(1).draws({ step: -1 }, 'x'), { instanceOf: InvalidArgumentError, message: /position\.step/ });
  t.throws(() => new NoiseSource(1).draws({ step: 0, particle: 0.5 }, 'x'), {
    instanceOf: InvalidArgumentError,
    message: /position\.particle/,
  });
  t.throws(() => new NoiseSource(1).draws({ step: 0 }, 'x').normal([2, -1]), { instanceOf: InvalidArgumentError, message: /shape/ });
  t.throws(() => withNoise(new NoiseSource(1), { step: 0 }, async () => 1), { instanceOf: InvalidArgumentError, message: /synchronous/ });
  t.is(activeNoiseScope(), null, 'a failed scope is closed');
});

test('drawing leaves no tensors behind once the draws are disposed', async (t) => {
  await expectNoLeak(t, () => {
    const draws = new NoiseSource(5).draws({ step: 0 }, 'x');
    for (let i = 0; i < 20; i++) tf.dispose([draws.normal([10]), draws.uniform([10]), draws.signs([10])]);
  });
});
