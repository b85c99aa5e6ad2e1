import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { Elbo, bernoulli, klWeighting, type KLWeighting } from '../../../inference/index.js';
import { priors, variationalLayers } from '../../../layers/index.js';
import { NoiseSource } from '../../../src/random/index.js';
import { near } from '../../helpers/leak.js';
import { batch, tinyModel } from './fixtures.js';

const position = { epoch: 0, step: 3, batchIndex: 1, numBatches: 5, datasetSize: 20 };
const softplus64 = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** Σ over every variational weight of the model, in float64, of f(loc, σ). */
function sumOverWeights(model: tf.LayersModel, f: (loc: number, scale: number) => number): number {
  let total = 0;
  for (const layer of variationalLayers(model)) {
    for (const parameter of layer.variationalParameters) {
      const loc = parameter.loc.dataSync();
      const rawScale = parameter.rawScale.dataSync();
      for (let i = 0; i < loc.length; i++) total += f(loc[i], softplus64(rawScale[i]));
    }
  }
  return total;
}

const entropy64 = (_: number, scale: number): number => 0.5 * Math.log(2 * Math.PI * Math.E * scale * scale);
// −E_q[log N(w; 0, 1)] for q = N(loc, σ²).
const crossEntropy64 = (loc: number, scale: number): number => 0.5 * Math.log(2 * Math.PI) + (loc * loc + scale * scale) / 2;

function evaluate(model: tf.LayersModel, weighting: KLWeighting, seed = 1) {
  const { x, y } = batch();
  const elbo = new Elbo(model, { likelihood: bernoulli(), klWeighting: weighting, particles: 2 });
  const report = elbo.report(elbo.terms(x, y, position, new NoiseSource(seed)));
  tf.dispose([x, y]);
  return report;
}

for (const [prior, label] of [
  [priors.normal(), 'Normal prior (closed-form KL)'],
  [priors.scaleMixture({ pi: 0.5, scale1: 1, scale2: Math.exp(-6) }), 'scale-mixture prior (Monte Carlo KL)'],
] as const) {
  test(`both tempering conventions at T = 1 equal the plain ELBO: ${label}`, (t) => {
    const model = tinyModel(prior);
    const plain = evaluate(model, klWeighting.perExample());
    for (const tempered of [klWeighting.temperedLikelihood(1), klWeighting.temperedPosterior(1)]) {
      const report = evaluate(model, klWeighting.product(klWeighting.perExample(), tempered));
      near(t, report.loss, plain.loss, 1e-6, tempered.name);
      near(t, report.klTerm, plain.klTerm, 1e-6, tempered.name);
    }
    model.dispose();
  });
}

test('tempered posterior at T = 0.3 with a N(0, 1) prior: the prior term is (−E_q[log p] − T·H(q)) / N in closed form', (t) => {
  const model = tinyModel();
  const T = 0.3;
  const report = evaluate(model, klWeighting.product(klWeighting.perExample(), klWeighting.temperedPosterior(T)));
  const crossEntropy = sumOverWeights(model, crossEntropy64);
  const entropy = sumOverWeights(model, entropy64);
  near(t, report.klTerm, (crossEntropy - T * entropy) / 20, 1e-5);
  near(t, report.kl, crossEntropy - entropy, 1e-4, 'the reported KL is still the plain KL = CE − H');
  t.is(report.klWeight, 1 / 20);
  near(t, report.entropyWeight, T / 20, 1e-15);
  t.deepEqual(
    report.perLayer.map((l) => l.entropyWeight),
    [T / 20, T / 20],
  );
  model.dispose();
});

test('tempered likelihood at T = 0.3 scales the whole KL: the prior term is T·KL / N', (t) => {
  const model = tinyModel();
  const report = evaluate(model, klWeighting.product(klWeighting.perExample(), klWeighting.temperedLikelihood(0.3)));
  near(t, report.klTerm, (0.3 * report.kl) / 20, 1e-6);
  near(t, report.kl, sumOverWeights(model, crossEntropy64) - sumOverWeights(model, entropy64), 1e-4);
  model.dispose();
});

test('tempered posterior with a scale-mixture prior: KL from the Monte Carlo sample plus (1 − T)·H(q), per layer', (t) => {
  const model = tinyModel(priors.scaleMixture({ pi: 0.25, scale1: 1, scale2: Math.exp(-7) }));
  const T = 0.5;
  const report = evaluate(model, klWeighting.product(klWeighting.perExample(), klWeighting.temperedPosterior(T)));
  near(t, report.klTerm, (report.kl + (1 - T) * sumOverWeights(model, entropy64)) / 20, 1e-5);
  model.dispose();
});
