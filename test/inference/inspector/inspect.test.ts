import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { inspectGradients, parameterGroups } from '../../../inference/inspector/index.js';
import { NoiseSource } from '../../../src/random/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { isVariationalLayer } from '../../../layers/index.js';
import { softplus } from '../../../src/tensor/softplus.js';
import { expectNoLeak, near } from '../../helpers/leak.js';
import { PRIOR_SCALE, denseModel, gaussianElbo, position, regressionBatch } from './fixtures.js';

function setPosterior(model: tf.LayersModel, loc: number[], rawScale: number[]): void {
  const layer = model.layers[0];
  if (!isVariationalLayer(layer)) throw new Error('fixture: not variational');
  const kernel = layer.variationalParameters[0];
  kernel.loc.assign(tf.tensor(loc, kernel.shape));
  kernel.rawScale.assign(tf.tensor(rawScale, kernel.shape));
}

test('KL gradients equal the closed form: ∂KL/∂loc = loc/σp², ∂KL/∂rawScale = (scale/σp² − 1/scale)·sigmoid(rawScale)', (t) => {
  const model = denseModel(2, 3);
  const loc = [0.3, -0.2, 0.1, 0.05, -0.4, 0.25];
  const rawScale = [-1, -2, -3, -0.5, -1.5, -2.5];
  setPosterior(model, loc, rawScale);
  const batch = regressionBatch(2, 3);
  const inspection = inspectGradients(model, batch, gaussianElbo(model), position(0), new NoiseSource(1));
  const variance = PRIOR_SCALE ** 2;
  const locNorm = Math.sqrt(loc.reduce((a, m) => a + (m / variance) ** 2, 0));
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const rawNorm = Math.sqrt(rawScale.reduce((a, r) => a + ((softplus(r) / variance - 1 / softplus(r)) * sigmoid(r)) ** 2, 0));
  const row = (role: string) => inspection.parameters.find((p) => p.parameter === 'kernel' && p.role === role)!;
  near(t, row('loc').klNorm, locNorm, 1e-5);
  near(t, row('rawScale').klNorm, rawNorm, 1e-5);
  t.is(row('loc').size, 6);
  near(t, inspection.roles.loc!.klNorm, locNorm, 1e-5);
  tf.dispose([batch.x, batch.y]);
  model.dispose();
});

test('the likelihood gradient equals a central finite difference on the same noise', (t) => {
  const model = denseModel(1, 1);
  setPosterior(model, [0.4], [-1.2]);
  const elbo = gaussianElbo(model);
  const batch = regressionBatch(1, 1);
  const noise = new NoiseSource(9);
  const at = position(5);
  const inspection = inspectGradients(model, batch, elbo, at, noise);
  const likelihoodAt = (loc: number): number => {
    setPosterior(model, [loc], [-1.2]);
    return tf.tidy(() => elbo.term('likelihood', batch.x, batch.y, at, noise).dataSync()[0]);
  };
  const h = 1e-2;
  const finiteDifference = (likelihoodAt(0.4 + h) - likelihoodAt(0.4 - h)) / (2 * h);
  const reported = inspection.parameters.find((p) => p.role === 'loc')!.likelihoodNorm;
  near(t, reported, Math.abs(finiteDifference), 2e-3);
  tf.dispose([batch.x, batch.y]);
  model.dispose();
});

test('likelihood and KL gradients add up to the gradient of the full ELBO', (t) => {
  const model = denseModel(3, 2, { useBias: true, estimator: 'flipout' });
  const elbo = gaussianElbo(model, 0.7);
  const batch = regressionBatch(3, 2);
  const noise = new NoiseSource(4);
  const inspection = inspectGradients(model, batch, elbo, position(2), noise);
  const groups = parameterGroups(model);
  const { value, grads } = tf.variableGrads(
    () => elbo.term('loss', batch.x, batch.y, position(2), noise),
    groups.map((g) => g.variable),
  );
  for (const [i, group] of groups.entries()) {
    const fullNorm = tf.tidy(() => tf.norm(grads[group.variable.name]).dataSync()[0]);
    near(t, inspection.parameters[i].sumNorm, fullNorm, 1e-4, `${group.parameter}/${group.role}`);
  }
  t.is(inspection.parameters.length, 4, 'kernel and bias, loc and rawScale');
  tf.dispose([value, ...Object.values(grads), batch.x, batch.y]);
  model.dispose();
});

test('inspection leaves weights, batch-norm statistics and later training identical', (t) => {
  const build = () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 4, inputShape: [3], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    model.add(tf.layers.batchNormalization());
    model.add(denseModelLayer());
    return model;
  };
  const denseModelLayer = () => denseModel(4, 2).layers[0];
  const train = (inspect: boolean): number[] => {
    const model = build();
    // Same initial values in both runs.
    for (const [i, weight] of model.weights.entries()) weight.write(tf.fill(weight.shape as number[], 0.1 * (i + 1) - 0.35));
    const elbo = gaussianElbo(model);
    const batch = regressionBatch(3, 2);
    const noise = new NoiseSource(12);
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 4; step++) {
      if (inspect) {
        const inspection = inspectGradients(model, batch, elbo, position(step), noise);
        t.true(inspection.model.likelihoodNorm > 0);
      }
      const cost = optimizer.minimize(() => elbo.term('loss', batch.x, batch.y, position(step), noise), true);
      cost?.dispose();
    }
    const values = model.weights.flatMap((w) => Array.from(w.read().dataSync()));
    tf.dispose([batch.x, batch.y]);
    optimizer.dispose();
    model.dispose();
    return values;
  };
  t.deepEqual(train(true), train(false));
});

test('variables without a gradient from a term are listed: plain layers get none from the KL', (t) => {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3], name: 'plain' }));
  model.add(denseModel(2, 2).layers[0]);
  const batch = regressionBatch(3, 2);
  const inspection = inspectGradients(model, batch, gaussianElbo(model), position(0), new NoiseSource(2));
  const missing = inspection.missingGradients.map((m) => `${m.layer}/${m.parameter}/${m.term}`).sort();
  t.deepEqual(missing, ['plain/bias/kl', 'plain/kernel/kl']);
  const plain = inspection.layers.find((l) => l.layer === 'plain')!;
  t.is(plain.klNorm, 0);
  t.is(plain.ratio, 0);
  tf.dispose([batch.x, batch.y]);
  model.dispose();
});

test('bad arguments are rejected naming inspectGradients and the argument', (t) => {
  const model = denseModel(1, 1);
  const elbo = gaussianElbo(model);
  const x = tf.zeros([2, 1]);
  t.throws(() => inspectGradients(model, { x } as never, elbo, position(0), new NoiseSource(1)), {
    instanceOf: InvalidArgumentError,
    message: /inspectGradients: argument 'batch'/,
  });
  t.throws(() => inspectGradients(model, { x, y: x }, {} as never, position(0), new NoiseSource(1)), { message: /argument 'elbo'/ });
  t.throws(() => inspectGradients(model, { x, y: x }, elbo, position(0), 7 as never), { message: /argument 'noise'/ });
  t.throws(() => inspectGradients(model, { x, y: x }, elbo, { step: 0 } as never, new NoiseSource(1)), {
    instanceOf: InvalidArgumentError,
  });
  x.dispose();
  model.dispose();
});

test('inspectGradients leaves no tensors behind', async (t) => {
  const model = denseModel(2, 2, { useBias: true });
  const elbo = gaussianElbo(model);
  const batch = regressionBatch(2, 2);
  inspectGradients(model, batch, elbo, position(0), new NoiseSource(1)); // warm-up allocations
  await expectNoLeak(t, () => {
    for (let step = 1; step < 6; step++) inspectGradients(model, batch, elbo, position(step), new NoiseSource(1));
  });
  tf.dispose([batch.x, batch.y]);
  model.dispose();
});
