import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  Elbo,
  bernoulli,
  disposeElboTerms,
  gaussian,
  klWeighting,
  softDice,
  type ElboReport,
  type ElboTerms,
} from '../../../inference/index.js';
import { NoiseSource, withNoise } from '../../../src/random/index.js';
import { InvalidArgumentError, ReductionMismatchError, ShapeError } from '../../../src/errors.js';
import { denseVariational } from '../../../layers/index.js';
import { expectNoLeak, near } from '../../helpers/leak.js';
import { batch, particleByHand, tinyModel } from './fixtures.js';

const position = { epoch: 1, step: 7, batchIndex: 2, numBatches: 5, datasetSize: 20 };

test('particles = k: loss, NLL and KL are the mean of k particles run at (step, particle p)', (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const noise = new NoiseSource(3);
  const elbo = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample(), particles: 3 });
  const report = elbo.report(elbo.terms(x, y, position, noise));
  const byHand = [0, 1, 2].map((p) => particleByHand(model, bernoulli(), x, y, noise, position.step, p));
  t.true(new Set(byHand.map((h) => h.nll.toFixed(6))).size === 3, 'the three particles differ');
  const meanNll = byHand.reduce((s, h) => s + h.nll, 0) / 3;
  const meanKl = byHand.reduce((s, h) => s + h.kl, 0) / 3;
  near(t, report.nll, meanNll, 1e-5);
  near(t, report.kl, meanKl, 1e-5);
  near(t, report.loss, meanNll + meanKl / 20, 1e-5);
  t.is(report.particles, 3);
  const single = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample() });
  near(t, single.report(single.terms(x, y, position, noise)).nll, byHand[0].nll, 1e-6, 'one particle is particle 0');
  tf.dispose([x, y]);
  model.dispose();
});

test('perExample(N) with a batch-mean likelihood and perMinibatch() with a batch-sum likelihood differ by exactly B when N = M·B', (t) => {
  const model = tinyModel();
  const { x, y } = batch(); // B = 4, M = 5, N = 20
  const noise = new NoiseSource(5);
  const perExample = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample(), reduction: 'mean' });
  const perMinibatch = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perMinibatch(), reduction: 'sum' });
  const a = perExample.report(perExample.terms(x, y, position, noise));
  const b = perMinibatch.report(perMinibatch.terms(x, y, position, noise));
  near(t, b.loss / a.loss, 4, 1e-5, 'loss ratio');
  near(t, b.nll / a.nll, 4, 1e-5, 'likelihood ratio');
  near(t, b.klTerm / a.klTerm, 4, 1e-5, 'KL term ratio');
  t.is(a.klWeight, 1 / 20);
  t.is(b.klWeight, 1 / 5);
  // And so are the gradients, variable by variable.
  const gradsOf = (elbo: Elbo) => tf.variableGrads(() => elbo.term('loss', x, y, position, noise));
  const ga = gradsOf(perExample);
  const gb = gradsOf(perMinibatch);
  for (const name of Object.keys(ga.grads)) {
    const ratio = tf.tidy(() => tf.sub(gb.grads[name], tf.mul(ga.grads[name], 4)).abs().max().dataSync()[0]);
    t.true(ratio < 1e-4, `${name}: max |g_sum − 4 g_mean| = ${ratio}`);
  }
  tf.dispose([ga.value, gb.value, ...Object.values(ga.grads), ...Object.values(gb.grads), x, y]);
  model.dispose();
});

test('report numbers equal the tensors of terms, and report disposes every term', (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const elbo = new Elbo(model, {
    likelihood: bernoulli(),
    klWeighting: klWeighting.product(klWeighting.perExample(), klWeighting.constant(0.5)),
    particles: 2,
  });
  const terms = elbo.terms(x, y, position, new NoiseSource(1));
  const read = (s: tf.Tensor) => s.dataSync()[0];
  const expected = {
    loss: read(terms.loss),
    nll: read(terms.likelihoodTerm),
    klTerm: read(terms.klTerm),
    kl: read(terms.kl),
    perLayer: terms.perLayerKL.map(read),
  };
  const report = elbo.report(terms);
  t.is(report.loss, expected.loss);
  t.is(report.nll, expected.nll);
  t.is(report.klTerm, expected.klTerm);
  t.is(report.kl, expected.kl);
  t.deepEqual(
    report.perLayer.map((l) => l.kl),
    expected.perLayer,
  );
  t.deepEqual(
    report.perLayer.map((l) => l.name),
    model.layers.map((l) => l.name),
  );
  near(t, report.kl, expected.perLayer[0] + expected.perLayer[1], 1e-6);
  near(t, report.loss, report.nll + report.klTerm, 1e-6);
  near(t, report.klTerm, (report.kl * 0.5) / 20, 1e-6);
  t.is(report.klWeight, 0.5 / 20);
  t.true([terms.loss, terms.likelihoodTerm, terms.klTerm, terms.kl, ...terms.perLayerKL].every((s) => s.isDisposed));
  tf.dispose([x, y]);
  model.dispose();
});

test('the gradients of the likelihood term and of the KL term, on the same noise, add up to the gradient of the loss', (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const noise = new NoiseSource(9);
  const elbo = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample(), particles: 2 });
  const grads = (which: 'loss' | 'likelihood' | 'kl') => {
    const { value, grads } = tf.variableGrads(() => elbo.term(which, x, y, position, noise));
    value.dispose();
    return grads;
  };
  const [loss, likelihood, kl] = [grads('loss'), grads('likelihood'), grads('kl')];
  for (const name of Object.keys(loss)) {
    const error = tf.tidy(() => tf.sub(loss[name], tf.add(likelihood[name], kl[name])).abs().max().dataSync()[0]);
    t.true(error < 1e-6, `${name}: ${error}`);
  }
  tf.dispose([...Object.values(loss), ...Object.values(likelihood), ...Object.values(kl), x, y]);
  model.dispose();
});

test('per-layer weights: each layer’s KL gets its own weight, reported per layer', (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const weighting = klWeighting.perLayer(klWeighting.constant(0.1), [{ match: /^out_/, weighting: klWeighting.constant(2) }]);
  const elbo = new Elbo(model, { likelihood: bernoulli(), klWeighting: weighting });
  const report = elbo.report(elbo.terms(x, y, position, new NoiseSource(2)));
  t.deepEqual(
    report.perLayer.map((l) => l.klWeight),
    [0.1, 2],
  );
  t.is(report.klWeight, 0.1, 'model-wide weight: the base');
  near(t, report.klTerm, 0.1 * report.perLayer[0].kl + 2 * report.perLayer[1].kl, 1e-5);
  tf.dispose([x, y]);
  model.dispose();
});

test("countUnit 'voxels': N becomes images × voxels, the KL weight 1/(N·V), and the loss the 'images' loss / V", (t) => {
  const model = tf.sequential({ layers: [tinyModel().layers[0]] }); // dense on the last axis of [B, 2, 2, 4]
  const x = tf.tidy(() => tf.reshape(tf.range(0, 48).div(24).sub(1), [3, 2, 2, 4]));
  const y = tf.tensor4d(
    [1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0].flatMap((v) => [v, 1 - v, v]),
    [3, 2, 2, 3],
  );
  const noise = new NoiseSource(4);
  const at = { ...position, datasetSize: 30 };
  const images = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample(), countUnit: 'images' });
  const voxels = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample(), countUnit: 'voxels' });
  const a = images.report(images.terms(x, y, at, noise));
  const b = voxels.report(voxels.terms(x, y, at, noise));
  const V = 2 * 2 * 3;
  t.is(a.datasetSize, 30);
  t.is(b.datasetSize, 30 * V);
  near(t, b.klWeight, 1 / (30 * V), 1e-15);
  near(t, a.loss / b.loss, V, 1e-5);
  tf.dispose([x, y]);
  model.dispose();
});

test('a per-image segmentation loss (soft Dice) is reduced over images', (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const noise = new NoiseSource(6);
  const mean = new Elbo(model, { likelihood: softDice(), klWeighting: klWeighting.constant(0) });
  const sum = new Elbo(model, { likelihood: softDice(), klWeighting: klWeighting.constant(0), reduction: 'sum' });
  const byHand = withNoise(noise, { step: position.step, particle: 0 }, () =>
    tf.tidy(() =>
      Array.from(
        softDice()
          .perImage(y, model.apply(x, { training: true }) as tf.Tensor)
          .dataSync(),
      ),
    ),
  );
  const a = mean.report(mean.terms(x, y, position, noise));
  const b = sum.report(sum.terms(x, y, position, noise));
  near(t, b.nll, 4 * a.nll, 1e-5);
  near(t, a.nll, byHand.reduce((acc, v) => acc + v, 0) / 4, 1e-6);
  t.true(a.nll > 0 && a.nll < 1, `mean Dice loss ${a.nll} in (0, 1)`);
  t.is(a.loss, a.nll);
  tf.dispose([x, y]);
  model.dispose();
});

test('lossAndReport inside optimizer.computeGradients gives the loss to differentiate and the report, leaking nothing', async (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const elbo = new Elbo(model, { likelihood: bernoulli(), klWeighting: klWeighting.perExample(), particles: 2 });
  const optimizer = tf.train.sgd(0.1);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // Warm-up step: the optimizer and tfjs caches allocate once.
  tf.dispose(optimizer.computeGradients(() => elbo.lossAndReport(x, y, position, new NoiseSource(0)).loss, variables).grads);
  const report = await expectNoLeak(t, () => {
    let seen: ElboReport | undefined;
    const { value, grads } = optimizer.computeGradients(() => {
      const result = elbo.lossAndReport(x, y, position, new NoiseSource(0));
      seen = result.report;
      return result.loss;
    }, variables);
    t.is(Object.keys(grads).length, variables.length);
    near(t, value.dataSync()[0], seen!.loss, 1e-7);
    tf.dispose([value, ...Object.values(grads)]);
    return seen!;
  });
  near(t, report.loss, report.nll + report.klTerm, 1e-6);
  await expectNoLeak(
    t,
    () => {
      elbo.report(elbo.terms(x, y, position, new NoiseSource(0)));
      disposeElboTerms(elbo.terms(x, y, position, new NoiseSource(0)));
      elbo.term('kl', x, y, position, new NoiseSource(0)).dispose();
      let terms: ElboTerms | undefined;
      const { grads } = tf.variableGrads(() => (terms = elbo.terms(x, y, position, new NoiseSource(0))).loss);
      tf.dispose(grads);
      elbo.report(terms!); // disposes the value of variableGrads too: it is terms.loss
    },
    'terms/report/term/variableGrads',
  );
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
});

test('bad options and inputs are typed errors naming Elbo and the argument', (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const likelihood = bernoulli();
  const weighting = klWeighting.perExample();
  t.throws(() => new Elbo(model, { likelihood, klWeighting: weighting, particles: 0 }), {
    instanceOf: InvalidArgumentError,
    message: /Elbo: argument 'particles' was 0; expected an integer ≥ 1/,
  });
  t.throws(() => new Elbo(model, { likelihood, klWeighting: weighting, reduction: 'avg' as never }), {
    instanceOf: InvalidArgumentError,
    message: /'reduction' was "avg"; expected one of 'mean', 'sum'/,
  });
  t.throws(() => new Elbo(model, { likelihood: softDice(), klWeighting: weighting, countUnit: 'voxels' }), {
    instanceOf: InvalidArgumentError,
    message: /'countUnit' was "voxels"; expected 'images' for the per-image loss 'softDice'/,
  });
  t.throws(() => new Elbo(model, { likelihood: {} as never, klWeighting: weighting }), {
    instanceOf: InvalidArgumentError,
    message: /'likelihood'/,
  });
  t.throws(() => new Elbo(model, { likelihood, klWeighting: 0.1 as never }), {
    instanceOf: InvalidArgumentError,
    message: /'klWeighting' was 0.1/,
  });
  t.throws(() => new Elbo({} as never, { likelihood, klWeighting: weighting }), { instanceOf: InvalidArgumentError, message: /'model'/ });
  const elbo = new Elbo(model, { likelihood, klWeighting: weighting });
  const noise = new NoiseSource(0);
  const shortY = tf.zeros([3, 1]);
  const wideY = tf.zeros([4, 2]);
  t.throws(() => elbo.terms(x, shortY, position, noise), {
    instanceOf: ShapeError,
    message: /Elbo\.terms: 'y' has shape \[3, 1\]; expected the batch size of 'x' \(4\)/,
  });
  t.throws(() => elbo.terms(x, wideY, position, noise), {
    instanceOf: ShapeError,
    message: /bernoulli\.perElement: 'yTrue' has shape \[4, 2\]; expected the shape of 'modelOutput', \[4, 1\]/,
  });
  t.throws(() => elbo.terms(x, y, { ...position, datasetSize: 0 }, noise), {
    instanceOf: InvalidArgumentError,
    message: /position\.datasetSize' was 0/,
  });
  t.throws(() => elbo.terms(x, y, position, 7 as never), {
    instanceOf: InvalidArgumentError,
    message: /'noise' was 7; expected a NoiseSource/,
  });
  t.throws(() => elbo.term('nll' as never, x, y, position, noise), {
    instanceOf: InvalidArgumentError,
    message: /Elbo\.term: argument 'which' was "nll"/,
  });
  tf.dispose([x, y, shortY, wideY]);
  model.dispose();
});

test('the reduction defaults to the weighting’s, and a contradicting one is a ReductionMismatchError unless allowed', (t) => {
  const model = tf.sequential({ layers: [denseVariational({ units: 1, inputShape: [2], name: 'reduction_check' })] });
  const likelihood = bernoulli();
  t.is(new Elbo(model, { likelihood, klWeighting: klWeighting.blundell() }).settings.reduction, 'sum');
  t.is(new Elbo(model, { likelihood, klWeighting: klWeighting.perMinibatch() }).settings.reduction, 'sum');
  t.is(new Elbo(model, { likelihood, klWeighting: klWeighting.perExample() }).settings.reduction, 'mean');
  t.is(
    new Elbo(model, { likelihood, klWeighting: klWeighting.product(klWeighting.blundell(), klWeighting.linearWarmup({ epochs: 2 })) })
      .settings.reduction,
    'sum',
  );
  t.is(new Elbo(model, { likelihood, klWeighting: klWeighting.constant(1) }).settings.reduction, 'mean');
  t.is(new Elbo(model, { likelihood, klWeighting: klWeighting.constant(1), reduction: 'sum' }).settings.reduction, 'sum');
  t.throws(() => new Elbo(model, { likelihood, klWeighting: klWeighting.perExample(), reduction: 'sum' }), {
    instanceOf: ReductionMismatchError,
    message: /B× \(batch size\) too little/,
  });
  t.throws(() => new Elbo(model, { likelihood, klWeighting: klWeighting.blundell(), reduction: 'mean' }), {
    instanceOf: ReductionMismatchError,
    message: /too much/,
  });
  const mixed = klWeighting.perLayer(klWeighting.perExample(), [{ match: /^out/, weighting: klWeighting.blundell() }]);
  t.is(mixed.reduction, 'mixed');
  t.throws(() => new Elbo(model, { likelihood, klWeighting: mixed }), {
    instanceOf: ReductionMismatchError,
    message: /different reductions/,
  });
  t.is(
    new Elbo(model, { likelihood, klWeighting: klWeighting.perExample(), reduction: 'sum', allowReductionMismatch: true }).settings
      .reduction,
    'sum',
  );
  t.throws(() => klWeighting.product(klWeighting.perExample(), klWeighting.blundell()), {
    instanceOf: InvalidArgumentError,
    message: /at most one dataset scaling/,
  });
  model.dispose();
});

test('a likelihood prior (learned σ with a log σ prior) enters the prior term with the model-wide KL weight', (t) => {
  const model = tinyModel();
  const { x, y } = batch();
  const noise = new NoiseSource(3);
  const position = { epoch: 0, step: 0, batchIndex: 0, numBatches: 1, datasetSize: 50 };
  const plain = gaussian({ scale: 'learned', initialScale: 2 });
  const withPrior = gaussian({ scale: 'learned', initialScale: 2, logScalePrior: { loc: 0, scale: 0.5 } });
  const reportOf = (likelihood: ReturnType<typeof gaussian>) => {
    const elbo = new Elbo(model, { likelihood, klWeighting: klWeighting.perExample() });
    return elbo.report(elbo.terms(x, y, position, noise));
  };
  const a = reportOf(plain);
  const b = reportOf(withPrior);
  const priorNll = 0.5 * (Math.log(2) / 0.5) ** 2 + Math.log(0.5) + 0.5 * Math.log(2 * Math.PI);
  near(t, b.nll, a.nll, 1e-5);
  near(t, b.klTerm - a.klTerm, priorNll / 50, 1e-5);
  plain.dispose?.();
  withPrior.dispose?.();
  model.dispose();
  tf.dispose([x, y]);
});
