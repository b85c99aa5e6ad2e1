import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  gaussian,
  gaussianHeteroscedastic,
  likelihoodFromJSON,
  logGamma,
  studentT,
  bernoulli,
  categorical,
  weightedBernoulli,
} from '../../../inference/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take, takeScalar } from '../../helpers/leak.js';

const ys = [0.3, -1.2, 2.5, 0];
const mus = [0.1, -1, 1, 0.4];
const gaussianNll = (y: number, mu: number, s: number): number => 0.5 * ((y - mu) / s) ** 2 + Math.log(s) + 0.5 * Math.log(2 * Math.PI);

test('logGamma matches known values: Γ(1) = Γ(2) = 1, Γ(½) = √π, Γ(5) = 24, Γ(10.5)', (t) => {
  near(t, logGamma(1), 0, 1e-12);
  near(t, logGamma(2), 0, 1e-12);
  near(t, logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12);
  near(t, logGamma(5), Math.log(24), 1e-12);
  near(t, logGamma(10.5), 13.940625219403763, 1e-10);
});

test("gaussian({scale: 'learned'}) starts at initialScale and its NLL is the Gaussian formula at that σ", async (t) => {
  await expectNoLeak(t, () => {
    const likelihood = gaussian({ scale: 'learned', initialScale: 0.7 });
    t.is(likelihood.variables?.length, 1);
    near(t, takeScalar(likelihood.noiseScale()), 0.7, 1e-6);
    const y = tf.tensor2d(ys, [4, 1]);
    const mu = tf.tensor2d(mus, [4, 1]);
    const values = take(likelihood.perElement(y, mu));
    ys.forEach((yi, i) => near(t, values[i], gaussianNll(yi, mus[i], 0.7), 1e-5));
    tf.dispose([y, mu]);
    likelihood.dispose?.();
  });
});

test('the gradient of the learned Gaussian NLL in σ is Σ (1/σ − r²/σ³) (chain rule through softplus)', (t) => {
  const likelihood = gaussian({ scale: 'learned', initialScale: 0.5 });
  const y = tf.tensor1d(ys);
  const mu = tf.tensor1d(mus);
  const raw = (likelihood.variables ?? [])[0];
  const { grads, value } = tf.variableGrads(() => tf.sum(likelihood.perElement(y, mu)) as tf.Scalar, [raw]);
  const sigma = 0.5;
  const dSigma = ys.reduce((sum, yi, i) => sum + 1 / sigma - (yi - mus[i]) ** 2 / sigma ** 3, 0);
  const dRaw = dSigma * (1 - Math.exp(-(sigma - 1e-6))); // softplus'(raw) = sigmoid(raw) = 1 − e^(−softplus(raw))
  near(t, takeScalar(grads[raw.name]), dRaw, 1e-3);
  value.dispose();
  tf.dispose([y, mu]);
  likelihood.dispose?.();
});

test('a log σ prior adds −log N(log σ; loc, scale²) and the spec carries the current σ', (t) => {
  const likelihood = gaussian({ scale: 'learned', initialScale: 2, logScalePrior: { loc: 0, scale: 0.5 } });
  const expected = 0.5 * (Math.log(2) / 0.5) ** 2 + Math.log(0.5) + 0.5 * Math.log(2 * Math.PI);
  const prior = likelihood.priorNegativeLogProb;
  if (prior === undefined) return t.fail('no prior term');
  near(t, takeScalar(prior()), expected, 1e-5);
  const raw = (likelihood.variables ?? [])[0];
  raw.assign(tf.scalar(Math.log(Math.expm1(1.5))));
  const spec = JSON.parse(JSON.stringify(likelihood.toJSON?.())) as { name: string; config: { scale: string; initialScale: number } };
  t.is(spec.name, 'gaussian');
  t.is(spec.config.scale, 'learned');
  near(t, spec.config.initialScale, 1.5, 1e-5);
  const copy = likelihoodFromJSON(spec) as ReturnType<typeof gaussian>;
  near(t, takeScalar(copy.noiseScale()), 1.5, 1e-5);
  t.truthy(copy.priorNegativeLogProb);
  copy.dispose?.();
  likelihood.dispose?.();
});

test('studentT equals the Student-t formula and approaches the Gaussian as ν grows', async (t) => {
  await expectNoLeak(t, () => {
    const y = tf.tensor1d(ys);
    const mu = tf.tensor1d(mus);
    for (const nu of [1, 4, 30]) {
      const values = take(studentT({ degreesOfFreedom: nu, scale: 0.8 }).perElement(y, mu));
      ys.forEach((yi, i) => {
        const z = (yi - mus[i]) / 0.8;
        const expected =
          logGamma(nu / 2) -
          logGamma((nu + 1) / 2) +
          0.5 * Math.log(nu * Math.PI) +
          Math.log(0.8) +
          ((nu + 1) / 2) * Math.log1p((z * z) / nu);
        near(t, values[i], expected, 1e-5, `ν=${nu}`);
      });
    }
    // ν = 1 is the Cauchy: −log(1 / (πσ(1 + z²))).
    const cauchy = take(studentT({ degreesOfFreedom: 1, scale: 1 }).perElement(y, mu));
    ys.forEach((yi, i) => near(t, cauchy[i], Math.log(Math.PI * (1 + (yi - mus[i]) ** 2)), 1e-5));
    const big = take(studentT({ degreesOfFreedom: 1e5, scale: 0.8 }).perElement(y, mu));
    ys.forEach((yi, i) => near(t, big[i], gaussianNll(yi, mus[i], 0.8), 1e-3));
    tf.dispose([y, mu]);
  });
});

test('every built-in likelihood round-trips through JSON', (t) => {
  for (const likelihood of [
    gaussian({ scale: 0.3 }),
    gaussianHeteroscedastic(),
    studentT({ degreesOfFreedom: 3, scale: 'learned', initialScale: 0.4 }),
    bernoulli(),
    weightedBernoulli({ positiveWeight: 3 }),
    categorical(),
  ]) {
    const spec = likelihood.toJSON?.();
    const copy = likelihoodFromJSON(JSON.parse(JSON.stringify(spec)));
    t.deepEqual(copy.toJSON?.(), spec, likelihood.name);
    copy.dispose?.();
    likelihood.dispose?.();
  }
});

test('bad likelihood options and specs are typed errors naming the argument', (t) => {
  t.throws(() => gaussian({ scale: -1 }), { instanceOf: InvalidArgumentError, message: /scale/ });
  t.throws(() => gaussian({ scale: 'learned', initialScale: 0 }), { instanceOf: InvalidArgumentError, message: /initialScale/ });
  t.throws(() => gaussian({ scale: 1, logScalePrior: { loc: 0, scale: 1 } }), {
    instanceOf: InvalidArgumentError,
    message: /logScalePrior/,
  });
  t.throws(() => gaussian({ scale: 'learned', logScalePrior: { loc: 0, scale: 0 } }), {
    instanceOf: InvalidArgumentError,
    message: /logScalePrior.scale/,
  });
  t.throws(() => studentT({ degreesOfFreedom: 0 }), { instanceOf: InvalidArgumentError, message: /degreesOfFreedom/ });
  t.throws(() => likelihoodFromJSON({ name: 'nope', config: {} }), { instanceOf: InvalidArgumentError, message: /'gaussian'/ });
});
