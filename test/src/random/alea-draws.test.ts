import test from 'ava';
import seedrandom from 'seedrandom';
import { NoiseSource } from '../../../src/random/index.js';
import { take } from '../../helpers/leak.js';

// The fills run Alea on local variables; these tests pin them to seedrandom's own Alea stream
// (`normals: 'alea'`: on the native backend the default draws come from TensorFlow's Philox).

test('uniform draws are exactly seedrandom Alea numbers of the key, continuing across calls', (t) => {
  const noise = new NoiseSource(11, { normals: 'alea' });
  const position = { step: 2, particle: 1 };
  const reference = seedrandom.alea(noise.key(position, 'layer/kernel'));
  const draws = noise.draws(position, 'layer/kernel');
  const values = [...take(draws.uniform([5, 3])), ...take(draws.uniform([7]))];
  t.deepEqual(
    values,
    Array.from({ length: 22 }, () => Math.fround(reference())),
  );
});

test('signs are −1 exactly where the seedrandom Alea number is below ½', (t) => {
  const noise = new NoiseSource('signs', { normals: 'alea' });
  const reference = seedrandom.alea(noise.key({ step: 0 }, 's'));
  const signs = take(noise.draws({ step: 0 }, 's').signs([1000]));
  t.deepEqual(
    signs,
    Array.from({ length: 1000 }, () => (reference() < 0.5 ? -1 : 1)),
  );
});

test('normal draws follow N(0, 1): Kolmogorov–Smirnov distance below the 1 % critical value', (t) => {
  const n = 20_000;
  const values = take(new NoiseSource('ks').draws({ step: 0 }, 'x').normal([n])).sort((a, b) => a - b);
  // Φ via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
  const erf = (x: number) => {
    const s = Math.sign(x);
    const a = Math.abs(x);
    const k = 1 / (1 + 0.3275911 * a);
    const poly = k * (0.254829592 + k * (-0.284496736 + k * (1.421413741 + k * (-1.453152027 + k * 1.061405429))));
    return s * (1 - poly * Math.exp(-a * a));
  };
  let distance = 0;
  values.forEach((v, i) => {
    const cdf = 0.5 * (1 + erf(v / Math.SQRT2));
    distance = Math.max(distance, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
  });
  t.true(distance < 1.63 / Math.sqrt(n), `KS distance ${distance}`);
});

test('normal draws of even sizes continue the stream: two fills of 4 equal one fill of 8', (t) => {
  const noise = new NoiseSource(5, { normals: 'alea' });
  const split = noise.draws({ step: 1 }, 'p');
  const twice = [...take(split.normal([4])), ...take(split.normal([2, 2]))];
  t.deepEqual(twice, take(noise.draws({ step: 1 }, 'p').normal([8])));
});
