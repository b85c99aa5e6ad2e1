import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Normal, ScaleMixtureNormal, type Distribution } from '../../../src/distributions/index.js';
import { klDivergence, registerKL, hasClosedFormKL } from '../../../src/kl/index.js';
import { NoiseSource } from '../../../src/random/index.js';
import { DuplicateKLError, KLNotAvailableError } from '../../../src/errors.js';
import { expectNoLeak, near, take, takeScalar } from '../../helpers/leak.js';

test('KL(N(0.3, 0.5²) ‖ N(0, 1)) = 0.36315 (hand-computed: log 2 + 0.34/2 − ½)', (t) => {
  near(t, takeScalar(klDivergence(new Normal(0.3, 0.5), new Normal(0, 1))), Math.log(2) + 0.17 - 0.5, 1e-6);
  near(t, takeScalar(klDivergence(new Normal(0.3, 0.5), new Normal(0, 1))), 0.36315, 1e-5);
});

test('Normal‖Normal KL is per element, zero for equal distributions, and sums to the total', (t) => {
  tf.tidy(() => {
    const q = new Normal(tf.tensor1d([0, 1, -2]), tf.tensor1d([1, 0.1, 3]));
    const p = new Normal(tf.tensor1d([0, 0, 0]), tf.tensor1d([1, 1, 2]));
    const perElement = take(klDivergence(q, p));
    t.is(perElement.length, 3);
    near(t, perElement[0], 0, 1e-7);
    const closed = (mq: number, sq: number, mp: number, sp: number) => Math.log(sp / sq) + (sq ** 2 + (mq - mp) ** 2) / (2 * sp ** 2) - 0.5;
    near(t, perElement[1], closed(1, 0.1, 0, 1), 1e-5);
    near(t, perElement[2], closed(-2, 3, 0, 2), 1e-5);
  });
});

test('the Monte Carlo KL converges to the closed form within 1 % at 10⁵ samples', (t) => {
  tf.tidy(() => {
    const q = new Normal(0.3, 0.5);
    const p = new Normal(0, 1);
    const sample = q.sample(new NoiseSource(21).draws({ step: 0 }, 'mc'), [100_000]);
    // Pass through the MC path by asking for a pair that has no closed form: q against a
    // mixture whose components are equal is exactly N(0, 1).
    const mixtureEqualToP = new ScaleMixtureNormal(0.5, 1, 1);
    t.false(hasClosedFormKL(q, mixtureEqualToP));
    const estimate = takeScalar(tf.mean(klDivergence(q, mixtureEqualToP, { sample })));
    const exact = takeScalar(klDivergence(q, p));
    t.true(Math.abs(estimate - exact) / exact < 0.01, `MC ${estimate} vs closed form ${exact}`);
  });
});

test('Normal‖ScaleMixture without a sample is KLNotAvailableError naming both classes', (t) => {
  const error = t.throws(() => klDivergence(new Normal(0, 1), new ScaleMixtureNormal(0.5, 1, 0.01)), { instanceOf: KLNotAvailableError });
  t.regex(error!.message, /KL\(Normal \|\| ScaleMixtureNormal\)/);
});

test('registering a pair twice is DuplicateKLError naming both classes', (t) => {
  const error = t.throws(() => registerKL(Normal, Normal, () => tf.scalar(0)), { instanceOf: DuplicateKLError });
  t.regex(error!.message, /KL\(Normal \|\| Normal\) is already registered/);
});

test('a newly registered pair is dispatched on the exact classes', (t) => {
  class Degenerate implements Distribution {
    readonly batchShape = [];
    sample(): tf.Tensor {
      return tf.scalar(0);
    }
    logProb(x: tf.Tensor): tf.Tensor {
      return tf.zerosLike(x);
    }
    mean(): tf.Tensor {
      return tf.scalar(0);
    }
    stddev(): tf.Tensor {
      return tf.scalar(0);
    }
  }
  registerKL(Degenerate, Normal, () => tf.scalar(42));
  t.is(takeScalar(klDivergence(new Degenerate(), new Normal(0, 1))), 42);
  t.throws(() => klDivergence(new Normal(0, 1), new Degenerate()), { instanceOf: KLNotAvailableError });
});

test('klDivergence leaks nothing on either path', async (t) => {
  await expectNoLeak(t, () => {
    const sample = tf.tensor1d([0.1, -0.2]);
    tf.dispose(klDivergence(new Normal(0, 0.5), new Normal(0, 1)));
    tf.dispose(klDivergence(new Normal(0, 0.5), new ScaleMixtureNormal(0.5, 1, 0.1), { sample }));
    sample.dispose();
  });
});
