import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { klNormalToFixedNormalSum } from '../../../src/kl/normal-sum.js';
import { klDivergence } from '../../../src/kl/index.js';
import { Normal } from '../../../src/distributions/normal.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take, takeScalar } from '../../helpers/leak.js';

test('KL(N(0.3, 0.5²) ‖ N(0, 1)) summed over 4 equal elements is 4 × 0.36315', (t) => {
  const loc = tf.fill([2, 2], 0.3);
  const scale = tf.fill([2, 2], 0.5);
  near(t, takeScalar(klNormalToFixedNormalSum(loc, scale, 0, 1)), 4 * 0.36315, 1e-5);
  tf.dispose([loc, scale]);
});

for (const [priorLoc, priorScale] of [
  [0, 1],
  [0.7, 0.1],
  [-2, 3],
] as const) {
  test(`value and gradients equal autodiff of the per-element closed form, prior N(${priorLoc}, ${priorScale}²)`, async (t) => {
    const loc = tf.tensor2d([
      [0.3, -1.2, 0.05],
      [2, 0, -0.4],
    ]);
    const rawScale = tf.tensor2d([
      [-3, -1, 0.5],
      [1.5, -5, 0],
    ]);
    await expectNoLeak(t, () => {
      const fused = tf.grads((m: tf.Tensor, r: tf.Tensor) => klNormalToFixedNormalSum(m, tf.softplus(r), priorLoc, priorScale));
      const reference = tf.grads((m: tf.Tensor, r: tf.Tensor) =>
        tf.sum(klDivergence(new Normal(m, tf.softplus(r)), new Normal(priorLoc, priorScale))),
      );
      const [fusedLoc, fusedRaw] = fused([loc, rawScale]).map(take);
      const [refLoc, refRaw] = reference([loc, rawScale]).map(take);
      fusedLoc.forEach((g, i) => near(t, g, refLoc[i], 1e-5, `∂/∂loc[${i}]`));
      fusedRaw.forEach((g, i) => near(t, g, refRaw[i], 1e-4, `∂/∂rawScale[${i}]`));
      const value = takeScalar(tf.tidy(() => klNormalToFixedNormalSum(loc, tf.softplus(rawScale), priorLoc, priorScale)));
      const expected = takeScalar(
        tf.tidy(() => tf.sum(klDivergence(new Normal(loc, tf.softplus(rawScale)), new Normal(priorLoc, priorScale)))),
      );
      near(t, value, expected, 1e-5, 'value');
    });
    tf.dispose([loc, rawScale]);
  });
}

test('bad prior parameters are typed errors naming the argument', (t) => {
  const x = tf.ones([2]);
  t.throws(() => klNormalToFixedNormalSum(x, x, 0, 0), {
    instanceOf: InvalidArgumentError,
    message: /klNormalToFixedNormalSum: argument 'priorScale'/,
  });
  t.throws(() => klNormalToFixedNormalSum(x, x, Number.NaN, 1), { instanceOf: InvalidArgumentError, message: /argument 'priorLoc'/ });
  x.dispose();
});
