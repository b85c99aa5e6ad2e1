/** fit with a likelihood that owns variables (learned noise) and with seeded initial weights. */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fit } from '../../../inference/trainer/fit.js';
import { gaussian } from '../../../inference/likelihoods/index.js';
import * as klWeighting from '../../../inference/kl-weighting/index.js';
import { seedInitialWeights } from '../../../layers/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { near, takeScalar } from '../../helpers/leak.js';
import { freshModel, lineData, perExampleElbo, tinyBnn, weightValues } from './fixtures.js';

const silent = { progress: 'silent' as const };

function dispose(model: tf.LayersModel, optimizer: tf.Optimizer): void {
  model.dispose();
  optimizer.dispose();
}

test('fit trains a learned Gaussian noise scale towards the residual spread and checkpoints it', async (t) => {
  const x = tf.tidy(() => tf.linspace(-1, 1, 32).reshape([32, 1]) as tf.Tensor2D);
  // y = 2x − 1 plus a ±0.5 alternating offset: a line cannot explain it, so σ must settle near 0.5.
  const y = tf.tidy(
    () =>
      tf.add(
        tf.sub(tf.mul(2, x), 1),
        tf.tensor2d(
          Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 0.5 : -0.5)),
          [32, 1],
        ),
      ) as tf.Tensor2D,
  );
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-noise-'));
  const model = freshModel();
  const likelihood = gaussian({ scale: 'learned', initialScale: 2 });
  const optimizer = tf.train.adam(0.05);
  await fit(
    model,
    { x, y },
    {
      elbo: { likelihood, klWeighting: klWeighting.perExample(), reduction: 'mean' },
      optimizer,
      epochs: 60,
      batchSize: 16,
      seed: 3,
      checkpoint: { dir },
      ...silent,
    },
  );
  const sigma = takeScalar(likelihood.noiseScale());
  t.true(sigma > 0.4 && sigma < 0.8, `learned σ = ${sigma}`);
  const saved = JSON.parse((await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8')).split('\n')[1]) as { extraVariables: unknown[] };
  t.is(saved.extraVariables.length, 1);
  // Resuming restores σ into a fresh likelihood.
  const resumedLikelihood = gaussian({ scale: 'learned', initialScale: 5 });
  const resumed = tinyBnn(8);
  const resumedOptimizer = tf.train.adam(0.05);
  await fit(
    resumed,
    { x, y },
    {
      elbo: { likelihood: resumedLikelihood, klWeighting: klWeighting.perExample(), reduction: 'mean' },
      optimizer: resumedOptimizer,
      epochs: 60,
      batchSize: 16,
      checkpoint: { dir, resume: true },
      ...silent,
    },
  );
  near(t, takeScalar(resumedLikelihood.noiseScale()), sigma, 1e-6);
  dispose(model, optimizer);
  dispose(resumed, resumedOptimizer);
  likelihood.dispose?.();
  resumedLikelihood.dispose?.();
  await fs.rm(dir, { recursive: true });
  tf.dispose([x, y]);
});

test("initialWeights: 'seeded' makes two runs with the same seed identical from differently built models", async (t) => {
  const { x, y } = lineData();
  const runOnce = async (seed: number) => {
    const model = tinyBnn(8); // unseeded glorot at build: differs every time
    const optimizer = tf.train.adam(0.01);
    await fit(
      model,
      { x, y },
      { elbo: perExampleElbo(model), optimizer, epochs: 2, batchSize: 8, seed, initialWeights: 'seeded', ...silent },
    );
    const values = weightValues(model);
    dispose(model, optimizer);
    return values;
  };
  const a = await runOnce(7);
  const b = await runOnce(7);
  const c = await runOnce(8);
  a.forEach((w, i) => t.deepEqual(w, b[i], `weight ${i}`));
  t.notDeepEqual(a[0], c[0]);
  // Without it, unseeded builds differ.
  const m1 = tinyBnn(8);
  const m2 = tinyBnn(8);
  t.notDeepEqual(weightValues(m1)[0], weightValues(m2)[0]);
  m1.dispose();
  m2.dispose();
  t.throws(() => seedInitialWeights(m1, Number.NaN), { instanceOf: InvalidArgumentError });
  tf.dispose([x, y]);
});

test('seedInitialWeights reseeds tf.layers weights from their own initializers and keeps zeros biases at zero', (t) => {
  const make = () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, inputShape: [2], name: 'plain', biasInitializer: 'zeros' }),
        tf.layers.batchNormalization({ name: 'norm' }),
      ],
    });
  const first = make();
  const second = make();
  t.is(seedInitialWeights(first, 11), 6);
  seedInitialWeights(second, 11);
  const a = weightValues(first);
  const b = weightValues(second);
  a.forEach((w, i) => t.deepEqual(w, b[i]));
  t.deepEqual(Array.from(a[1]), [0, 0, 0]);
  t.deepEqual(Array.from(a[2]), [1, 1, 1]); // batch-norm gamma: ones
  first.dispose();
  second.dispose();
});
