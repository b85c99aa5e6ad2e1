import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Elbo, bernoulli, klWeighting } from '../../../inference/index.js';
import { NoiseSource } from '../../../src/random/index.js';
import { expectNoLeak, near } from '../../helpers/leak.js';
import { batch } from './fixtures.js';

const position = { epoch: 0, step: 3, batchIndex: 0, numBatches: 5, datasetSize: 20 };
let models = 0;

/** 4 → 1 logistic regression with kernel [0.5, −1, 2, 0.25], bias 0.1, and an L2 regularizer λ (none when λ = 0). */
function logistic(lambda: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 1,
        inputShape: [4],
        name: `decay_${models++}`,
        ...(lambda > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: lambda }) } : {}),
      }),
    ],
  });
  model.layers[0].setWeights([tf.tensor2d([[0.5], [-1], [2], [0.25]]), tf.tensor1d([0.1])]);
  return model;
}

test('an L2 kernelRegularizer enters the ELBO prior term as λ‖W‖² (closed form) and its gradient as 2λW', async (t) => {
  const lambda = 0.01;
  const decayed = logistic(lambda);
  const plain = logistic(0);
  const { x, y } = batch();
  const noise = new NoiseSource(1);
  const options = { likelihood: bernoulli(), klWeighting: klWeighting.perExample() };
  const a = new Elbo(decayed, options);
  const b = new Elbo(plain, options);
  await expectNoLeak(t, () => {
    const withDecay = a.report(a.terms(x, y, position, noise));
    const without = b.report(b.terms(x, y, position, noise));
    const squaredNorm = 0.25 + 1 + 4 + 0.0625; // bias not decayed
    near(t, withDecay.nll, without.nll, 1e-7, 'same likelihood');
    near(t, withDecay.klTerm, lambda * squaredNorm, 1e-6, 'prior term = λ‖W‖²');
    t.is(without.klTerm, 0);
    near(t, withDecay.loss, without.loss + lambda * squaredNorm, 1e-6, 'loss');
    t.is(withDecay.kl, 0, 'no variational layer: the unweighted KL stays 0');
    const gradA = tf.variableGrads(
      () => a.term('loss', x, y, position, noise),
      [decayed.layers[0].trainableWeights[0].read() as tf.Variable],
    );
    const gradB = tf.variableGrads(
      () => b.term('loss', x, y, position, noise),
      [plain.layers[0].trainableWeights[0].read() as tf.Variable],
    );
    const difference = tf.tidy(() => tf.sub(Object.values(gradA.grads)[0], Object.values(gradB.grads)[0]).dataSync());
    const expected = [0.5, -1, 2, 0.25].map((w) => 2 * lambda * w);
    for (let i = 0; i < 4; i++) near(t, difference[i], expected[i], 1e-6, `∂/∂w${i}`);
    tf.dispose([gradA.value, gradB.value, ...Object.values(gradA.grads), ...Object.values(gradB.grads)]);
  });
  tf.dispose([x, y]);
  decayed.dispose();
  plain.dispose();
});
