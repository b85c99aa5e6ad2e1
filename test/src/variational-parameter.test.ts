import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { VariationalParameter } from '../../src/variational-parameter.js';
import { Normal } from '../../src/distributions/normal.js';
import { ScaleMixtureNormal } from '../../src/distributions/scale-mixture-normal.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError, ShapeError } from '../../src/errors.js';
import { expectNoLeak, take, takeScalar } from '../helpers/leak.js';

const softplus64 = (x: number): number => Math.log1p(Math.exp(x));
const klNormal64 = (mq: number, sq: number, mp: number, sp: number): number =>
  Math.log(sp / sq) + (sq * sq + (mq - mp) ** 2) / (2 * sp * sp) - 0.5;

function parameter(locValues: number[], rawValues: number[], prior = new Normal(0, 1) as Normal | ScaleMixtureNormal) {
  const loc = tf.variable(tf.tensor1d(locValues));
  const rawScale = tf.variable(tf.tensor1d(rawValues));
  return { p: new VariationalParameter('kernel', loc, rawScale, prior), dispose: () => tf.dispose([loc, rawScale]) };
}

test('scale() is softplus(rawScale): softplus(−3) = 0.048587', (t) => {
  const { p, dispose } = parameter([0], [-3]);
  t.true(Math.abs(take(p.scale())[0] - 0.048587) < 1e-6);
  dispose();
});

test('kl() against N(0, 1) is the closed-form sum over elements, and ignores draws', (t) => {
  const { p, dispose } = parameter([0.3, -1.2], [0.2, -2]);
  const expected = klNormal64(0.3, softplus64(0.2), 0, 1) + klNormal64(-1.2, softplus64(-2), 0, 1);
  t.true(p.hasClosedFormKL);
  t.true(Math.abs(takeScalar(p.kl()) - expected) < 1e-5);
  t.is(takeScalar(p.kl(new NoiseSource(1).draws({ step: 0, particle: 0 }, 'x'))), takeScalar(p.kl()));
  dispose();
});

test('kl() against a scale mixture is log q(w) − log p(w) on w = loc + scale·ε with ε from the given draws', (t) => {
  const prior = new ScaleMixtureNormal(0.5, 1, 0.01);
  const { p, dispose } = parameter([0.4, -0.1, 0.05], [-1, -2, -3], prior);
  t.false(p.hasClosedFormKL);
  const noise = new NoiseSource(3);
  const position = { step: 2, particle: 0 };
  const eps = take(noise.draws(position, 'k').normal([3]));
  const logNormal = (w: number, m: number, s: number) => -0.5 * ((w - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
  let expected = 0;
  [0.4, -0.1, 0.05].forEach((m, i) => {
    const s = softplus64([-1, -2, -3][i]);
    const w = m + s * eps[i];
    expected += logNormal(w, m, s) - Math.log(0.5 * Math.exp(logNormal(w, 0, 1)) + 0.5 * Math.exp(logNormal(w, 0, 0.01)));
  });
  const kl = takeScalar(p.kl(noise.draws(position, 'k')));
  t.true(Math.abs(kl - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `${kl} vs ${expected}`);
  const error = t.throws(() => p.kl(), { instanceOf: NoiseSourceError });
  t.regex(error!.message, /VariationalParameter\.kl: KL\(Normal ‖ ScaleMixtureNormal\) of 'kernel' has no closed form/);
  dispose();
});

test('sample(draws) is loc + softplus(rawScale)·ε and its gradient reaches both variables', (t) => {
  const { p, dispose } = parameter([1, 2], [0, -1]);
  const draws = () => new NoiseSource(7).draws({ step: 0, particle: 0 }, 'w');
  const eps = take(draws().normal([2]));
  const w = take(p.sample(draws()));
  w.forEach((value, i) => t.true(Math.abs(value - ([1, 2][i] + softplus64([0, -1][i]) * eps[i])) < 1e-5));
  const { grads, value } = tf.variableGrads(() => tf.sum(p.sample(draws())) as tf.Scalar, [p.loc, p.rawScale]);
  t.deepEqual(take(grads[p.loc.name]), [1, 1]);
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  take(grads[p.rawScale.name]).forEach((g, i) => t.true(Math.abs(g - sigmoid([0, -1][i]) * eps[i]) < 1e-5));
  tf.dispose([value, ...Object.values(grads)]);
  dispose();
});

test('kl() and sample() leak no tensor', async (t) => {
  const { p, dispose } = parameter([0.1], [-3], new ScaleMixtureNormal(0.25, 1, 0.001));
  await expectNoLeak(t, () => {
    tf.dispose([
      p.kl(new NoiseSource(1).draws({ step: 0, particle: 0 }, 'a')),
      p.sample(new NoiseSource(1).draws({ step: 0, particle: 0 }, 'b')),
    ]);
  });
  dispose();
});

test('bad arguments are typed errors naming the argument', (t) => {
  const loc = tf.variable(tf.zeros([2]));
  const raw = tf.variable(tf.zeros([3]));
  t.throws(() => new VariationalParameter('w', tf.zeros([2]) as unknown as tf.Variable, raw, new Normal(0, 1)), {
    instanceOf: InvalidArgumentError,
    message: /'loc'/,
  });
  t.throws(() => new VariationalParameter('w', loc, raw, new Normal(0, 1)), { instanceOf: ShapeError });
  tf.dispose([loc, raw]);
});

test('sharedScale: one Softplus per parameter and noise scope for the sample and the KL, released when the scope closes', async (t) => {
  const { p, dispose } = parameter([0.1, -0.2, 0.3], [-3, -1, 0.5]);
  const noise = new NoiseSource(5);
  await expectNoLeak(t, async () => {
    const profile = await tf.profile(() =>
      withNoise(noise, { step: 0 }, () => tf.tidy(() => tf.add(tf.sum(p.sample(noise.draws({ step: 0 }, 'k'))), p.kl()))),
    );
    t.is(profile.kernels.filter((k) => k.name === 'Softplus').length, 1);
    (profile.result as tf.Tensor).dispose();
    // Outside a scope every call makes its own tensor (freed by the caller's tidy).
    const outside = await tf.profile(() => tf.tidy(() => tf.add(p.sharedScale(), p.sharedScale())));
    t.is(outside.kernels.filter((k) => k.name === 'Softplus').length, 2);
    (outside.result as tf.Tensor).dispose();
  });
  dispose();
});

test('sharedScale: gradients of sample + KL equal those with a Softplus per use (1e-6), and each gradient recording in one scope gets its own', (t) => {
  const { p, dispose } = parameter([0.1, -0.2, 0.3], [-3, -1, 0.5]);
  const noise = new NoiseSource(6);
  const eps = take(noise.draws({ step: 1 }, 'k').normal([3]));
  // Reference: w = loc + softplus(ρ)·ε and the closed-form KL, each with its own softplus.
  const reference = tf.variableGrads(() =>
    tf.tidy(() => {
      const w = tf.add(p.loc, tf.mul(tf.softplus(p.rawScale), tf.tensor1d(eps)));
      const kl = tf.sum(
        tf.sub(
          tf.add(tf.neg(tf.log(tf.softplus(p.rawScale))), tf.div(tf.add(tf.square(tf.softplus(p.rawScale)), tf.square(p.loc)), 2)),
          0.5,
        ),
      );
      return tf.add(tf.sum(tf.square(w)), kl) as tf.Scalar;
    }),
  );
  const loss = () => tf.tidy(() => tf.add(tf.sum(tf.square(p.sample(noise.draws({ step: 1 }, 'k')))), p.kl()) as tf.Scalar);
  withNoise(noise, { step: 1 }, () => {
    // Two gradient recordings in one scope: the second must not reuse the first one's scale.
    for (let round = 0; round < 2; round++) {
      const shared = tf.variableGrads(loss, [p.loc, p.rawScale]);
      for (const name of [p.loc.name, p.rawScale.name]) {
        take(shared.grads[name]).forEach((g, i) =>
          t.true(Math.abs(g - take(reference.grads[name].clone())[i]) < 1e-6, `round ${round} ${name}[${i}]`),
        );
      }
      shared.value.dispose();
    }
  });
  tf.dispose([reference.value, ...Object.values(reference.grads)]);
  dispose();
});
