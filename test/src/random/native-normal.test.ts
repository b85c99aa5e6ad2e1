// TensorFlow's stateless normals on the native backend, and the Alea fallback everywhere else.
// These tests run on every backend: on `tensorflow` they check the native generator, elsewhere
// that 'auto' falls back to the Alea stream exactly.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { NoiseSource, nativeNormalAvailable, statelessNormal, statelessSeed } from '../../../src/random/index.js';
import { statelessSigns, statelessUniform } from '../../../src/random/native-normal.js';
import { withNoise } from '../../../src/random/index.js';
import { denseVariational } from '../../../layers/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

const native = nativeNormalAvailable();

test('nativeNormalAvailable is true exactly on the tensorflow backend', (t) => {
  t.is(native, tf.getBackend() === 'tensorflow');
});

test("'auto' normals: TensorFlow's generator on tensorflow (not Alea's numbers), Alea's exact numbers elsewhere", (t) => {
  const auto = take(new NoiseSource(3).draws({ step: 4, particle: 1 }, 'l/kernel').normal([64]));
  const alea = take(new NoiseSource(3, { normals: 'alea' }).draws({ step: 4, particle: 1 }, 'l/kernel').normal([64]));
  if (native) t.notDeepEqual(auto, alea);
  else t.deepEqual(auto, alea);
});

test('a position replays bit-exactly, and successive normal() calls of one stream differ', async (t) => {
  const noise = new NoiseSource('replay');
  await expectNoLeak(t, () => {
    const first = noise.draws({ step: 7, particle: 2 }, 'dense/kernel');
    const a1 = take(first.normal([3, 5]));
    const a2 = take(first.normal([3, 5]));
    const again = noise.draws({ step: 7, particle: 2 }, 'dense/kernel');
    t.deepEqual(take(again.normal([3, 5])), a1);
    t.deepEqual(take(again.normal([3, 5])), a2);
    t.notDeepEqual(a1, a2);
    t.notDeepEqual(take(noise.draws({ step: 8, particle: 2 }, 'dense/kernel').normal([3, 5])), a1);
    t.notDeepEqual(take(noise.draws({ step: 7, particle: 3 }, 'dense/kernel').normal([3, 5])), a1);
    t.notDeepEqual(take(noise.draws({ step: 7, particle: 2 }, 'dense/bias').normal([3, 5])), a1);
  });
});

test('the normals are standard normal: mean, variance and the Kolmogorov–Smirnov distance of 20 000 draws', (t) => {
  const n = 20_000;
  const values = take(new NoiseSource(17).draws({ step: 0 }, 'ks').normal([n])).sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  t.true(Math.abs(mean) < 4 / Math.sqrt(n), `mean ${mean}`);
  t.true(Math.abs(variance - 1) < 4 * Math.sqrt(2 / n), `variance ${variance}`);
  // Φ via erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7).
  const erf = (x: number) => {
    const s = Math.sign(x);
    const a = Math.abs(x);
    const k = 1 / (1 + 0.3275911 * a);
    const y = 1 - ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-a * a);
    return s * y;
  };
  let distance = 0;
  values.forEach((v, i) => {
    const cdf = 0.5 * (1 + erf(v / Math.SQRT2));
    distance = Math.max(distance, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
  });
  t.true(distance < 1.63 / Math.sqrt(n), `KS distance ${distance} (1 % critical value ${1.63 / Math.sqrt(n)})`);
});

test('statelessSeed is a pure function of (key, draw) giving two 32-bit integers', (t) => {
  const [a, b] = statelessSeed('1|0|0|x', 0);
  t.deepEqual(statelessSeed('1|0|0|x', 0), [a, b]);
  t.notDeepEqual(statelessSeed('1|0|0|x', 1), [a, b]);
  t.notDeepEqual(statelessSeed('1|0|0|y', 0), [a, b]);
  for (const v of [a, b]) t.true(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
});

test('statelessNormal: the same seed gives the same tensor; off the native backend it is a clear error', (t) => {
  if (!native) {
    t.throws(() => statelessNormal([2], [1, 2]), { message: /statelessNormal: needs the 'tensorflow' backend/ });
    return;
  }
  const a = take(statelessNormal([4, 3], [11, -5]));
  t.deepEqual(take(statelessNormal([4, 3], [11, -5])), a);
  t.notDeepEqual(take(statelessNormal([4, 3], [11, -4])), a);
  t.is(a.length, 12);
  t.deepEqual(take(statelessNormal([0], [1, 1])), []);
});

test("'auto' uniforms and signs: TensorFlow's generator on tensorflow, Alea's exact numbers elsewhere; a position replays", (t) => {
  const draw = (normals: 'auto' | 'alea') => {
    const draws = new NoiseSource(5, { normals }).draws({ step: 2 }, 'flip');
    return { uniform: take(draws.uniform([256])), signs: take(draws.signs([256])) };
  };
  const auto = draw('auto');
  const alea = draw('alea');
  if (native) {
    t.notDeepEqual(auto.uniform, alea.uniform);
    t.notDeepEqual(auto.signs, alea.signs);
  } else t.deepEqual(auto, alea);
  t.deepEqual(draw('auto'), auto);
  // Native: normal draws in between do not move the uniform stream (separate counters and seeds);
  // Alea draws every kind from one stream, so there they do.
  const interleaved = new NoiseSource(5).draws({ step: 2 }, 'flip');
  take(interleaved.normal([10]));
  const afterNormals = take(interleaved.uniform([256]));
  if (native) t.deepEqual(afterNormals, auto.uniform);
  else t.notDeepEqual(afterNormals, auto.uniform);
});

test('native uniforms are U[0, 1) (Kolmogorov–Smirnov) and native signs are ±1, −1 exactly where the same seed gives a uniform below ½', (t) => {
  if (!native) {
    t.throws(() => statelessUniform([2], [1, 2]), { message: /statelessUniform: needs the 'tensorflow' backend/ });
    return;
  }
  const n = 20_000;
  const uniforms = take(statelessUniform([n], [7, 9]));
  t.true(uniforms.every((u) => u >= 0 && u < 1));
  const sorted = [...uniforms].sort((a, b) => a - b);
  let distance = 0;
  sorted.forEach((u, i) => (distance = Math.max(distance, Math.abs(u - i / n), Math.abs(u - (i + 1) / n))));
  t.true(distance < 1.63 / Math.sqrt(n), `KS distance ${distance}`);
  const signs = take(statelessSigns([n], [7, 9]));
  t.deepEqual(
    signs,
    uniforms.map((u) => (u < 0.5 ? -1 : 1)),
  );
  // Binomial(n, ½): the count of −1 within 4 standard deviations of n/2.
  const negatives = signs.filter((s) => s === -1).length;
  t.true(Math.abs(negatives - n / 2) < 4 * Math.sqrt(n / 4), `${negatives} of ${n} signs are −1`);
});

test('a variational layer replays its sampled output bit-exactly at the same noise position', async (t) => {
  const layer = denseVariational({ units: 5, inputShape: [4], estimator: 'reparameterization' });
  const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
  const noise = new NoiseSource(9);
  const out = (step: number) => take(withNoise(noise, { step }, () => layer.apply(x, { training: true }) as tf.Tensor));
  const first = out(3);
  await expectNoLeak(t, () => {
    t.deepEqual(out(3), first);
    t.notDeepEqual(out(4), first);
  });
  x.dispose();
  layer.dispose();
});

test('bad NoiseSource options are typed errors naming the argument; forks inherit normals', (t) => {
  t.throws(() => new NoiseSource(1, { normals: 'philox' as 'auto' }), {
    instanceOf: InvalidArgumentError,
    message: /NoiseSource: argument 'options.normals' was "philox"/,
  });
  t.throws(() => new NoiseSource(1, null as unknown as object), { instanceOf: InvalidArgumentError });
  t.is(new NoiseSource(1, { normals: 'alea' }).fork('shuffle').normals, 'alea');
  t.is(new NoiseSource(1).fork('shuffle').normals, 'auto');
});
