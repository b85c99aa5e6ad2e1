/** The networks of `study uci`: MC dropout carries Gal's weight decay into the training loss. */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Elbo, categorical, klWeighting } from '../../inference/index.js';
import { McDropout } from '../../layers/index.js';
import { NoiseSource } from '../../src/random/index.js';
import { buildUciModel } from '../../cli/study/uci/models.js';
import { UCI_RECIPES } from '../../cli/study/uci/recipe.js';
import { expectNoLeak, near } from '../helpers/leak.js';

const squaredNorm = (w: tf.Tensor): number => tf.tidy(() => tf.sum(tf.square(w)).dataSync()[0]);

test('study uci MC dropout: dropout on inputs and hidden layer, and the ELBO prior term is (1 − p)·l²/(2N)·Σ‖W‖² over both kernels', async (t) => {
  const datasetSize = 40;
  const model = buildUciModel('mc-dropout', 3, 4, datasetSize);
  t.deepEqual(
    model.layers.filter((l) => l instanceof McDropout).map((l) => l.name),
    ['input_dropout', 'dropout'],
  );
  const { rate, lengthScale } = UCI_RECIPES['mc-dropout'];
  const lambda = ((1 - rate) * lengthScale ** 2) / (2 * datasetSize);
  const kernels = model.layers.filter((l) => l.name === 'hidden' || l.name === 'output').map((l) => l.getWeights()[0]);
  const expected = lambda * kernels.reduce((s, w) => s + squaredNorm(w), 0);
  const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
  const y = tf.tensor1d([0, 1, 2, 3, 1], 'int32');
  const elbo = new Elbo(model, { likelihood: categorical(), klWeighting: klWeighting.perExample() });
  const position = { epoch: 0, step: 0, batchIndex: 0, numBatches: 8, datasetSize };
  await expectNoLeak(t, () => {
    const report = elbo.report(elbo.terms(x, y, position, new NoiseSource(2)));
    t.true(expected > 0);
    near(t, report.klTerm / expected, 1, 1e-5, 'prior term / λΣ‖W‖²');
    near(t, report.loss, report.nll + report.klTerm, 1e-6);
  });
  model.dispose(); // the networks share layer (and so variable) names: one at a time, as in the study
  const deterministic = buildUciModel('deterministic', 3, 4, datasetSize);
  const plain = new Elbo(deterministic, { likelihood: categorical(), klWeighting: klWeighting.perExample() });
  t.is(plain.report(plain.terms(x, y, position, new NoiseSource(2))).klTerm, 0, 'the deterministic network has no decay');
  tf.dispose([x, y, ...kernels]);
  deterministic.dispose();
});
