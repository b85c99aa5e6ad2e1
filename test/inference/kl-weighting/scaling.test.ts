import test from 'ava';
import fc from 'fast-check';
import { klWeighting } from '../../../inference/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { near } from '../../helpers/leak.js';
import { at } from './positions.js';

test('blundell: π_i sums to 1 over an epoch and equals 2^(M−i)/(2^M−1) for small M', (t) => {
  const w = klWeighting.blundell();
  const M = 12;
  let sum = 0;
  for (let b = 0; b < M; b++) {
    const pi = w.weight(at({ batchIndex: b, numBatches: M }));
    near(t, pi, 2 ** (M - (b + 1)) / (2 ** M - 1), 1e-15, `i=${b + 1}`);
    sum += pi;
  }
  near(t, sum, 1, 1e-14);
});

test('blundell: π_1 ≈ 0.5 and every π_i finite with a sum of 1 for M = 10 000', (t) => {
  const w = klWeighting.blundell();
  const M = 10_000;
  near(t, w.weight(at({ batchIndex: 0, numBatches: M })), 0.5, 1e-15);
  let sum = 0;
  for (let b = 0; b < M; b++) {
    const pi = w.weight(at({ batchIndex: b, numBatches: M }));
    t.true(Number.isFinite(pi) && pi >= 0, `π_${b + 1} = ${pi}`);
    sum += pi;
  }
  near(t, sum, 1, 1e-14);
});

test('blundell: the weights of any epoch length sum to 1 (property)', (t) => {
  const w = klWeighting.blundell();
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (M) => {
        let sum = 0;
        for (let b = 0; b < M; b++) sum += w.weight(at({ batchIndex: b, numBatches: M }));
        return Math.abs(sum - 1) < 1e-12;
      }),
      { numRuns: 40 },
    ),
  );
});

test('perExample is 1/N (N given, else position.datasetSize); perMinibatch is 1/M', (t) => {
  t.is(klWeighting.perExample().weight(at({ datasetSize: 60_000 })), 1 / 60_000);
  t.is(klWeighting.perExample(500).weight(at({ datasetSize: 60_000 })), 1 / 500);
  t.is(klWeighting.perMinibatch().weight(at({ numBatches: 469 })), 1 / 469);
  // Summed over an epoch, 1/M gives the KL exactly once.
  const M = 7;
  let sum = 0;
  for (let b = 0; b < M; b++) sum += klWeighting.perMinibatch().weight(at({ batchIndex: b, numBatches: M }));
  near(t, sum, 1, 1e-15);
});

test('constant and temperedLikelihood are plain multipliers; temperedPosterior weights only the entropy by T', (t) => {
  t.is(klWeighting.constant(0.3).weight(at()), 0.3);
  t.is(klWeighting.constant(0).weight(at()), 0);
  const likelihood = klWeighting.temperedLikelihood(0.1);
  t.is(likelihood.weight(at()), 0.1);
  t.deepEqual(klWeighting.klTermWeights(likelihood, at()), { crossEntropy: 0.1, entropy: 0.1 });
  const posterior = klWeighting.temperedPosterior(0.1);
  t.is(posterior.weight(at()), 1);
  t.deepEqual(klWeighting.klTermWeights(posterior, at()), { crossEntropy: 1, entropy: 0.1 });
});

test('both tempering conventions at T = 1 give the plain KL weights {1, 1}', (t) => {
  for (const w of [klWeighting.temperedLikelihood(1), klWeighting.temperedPosterior(1)]) {
    t.deepEqual(klWeighting.klTermWeights(w, at()), { crossEntropy: 1, entropy: 1 }, w.name);
  }
});

test('bad arguments are typed errors naming the factory: N ≤ 0, negative T, negative β', (t) => {
  t.throws(() => klWeighting.perExample(0), {
    instanceOf: InvalidArgumentError,
    message: /klWeighting\.perExample: argument 'datasetSize' was 0; expected a finite number > 0/,
  });
  t.throws(() => klWeighting.perExample(-5), { instanceOf: InvalidArgumentError });
  t.throws(() => klWeighting.temperedLikelihood(-1), {
    instanceOf: InvalidArgumentError,
    message: /temperedLikelihood: argument 'temperature' was -1/,
  });
  t.throws(() => klWeighting.temperedPosterior(-0.5), {
    instanceOf: InvalidArgumentError,
    message: /temperedPosterior: argument 'temperature'/,
  });
  t.throws(() => klWeighting.temperedPosterior(0), { instanceOf: InvalidArgumentError });
  t.throws(() => klWeighting.constant(-0.1), { instanceOf: InvalidArgumentError, message: /constant: argument 'beta'/ });
});

test('invalid positions are rejected: datasetSize ≤ 0, batchIndex ≥ numBatches, fractional step', (t) => {
  t.throws(() => klWeighting.perExample().weight(at({ datasetSize: 0 })), {
    instanceOf: InvalidArgumentError,
    message: /perExample: argument 'position.datasetSize' was 0/,
  });
  t.throws(() => klWeighting.blundell().weight(at({ batchIndex: 10, numBatches: 10 })), {
    instanceOf: InvalidArgumentError,
    message: /batchIndex' was 10; expected an integer < position.numBatches \(10\)/,
  });
  t.throws(() => klWeighting.perMinibatch().weight(at({ step: 1.5 })), { instanceOf: InvalidArgumentError, message: /position.step/ });
});

test('every weighting states the objective it optimises in describe', (t) => {
  for (const w of [
    klWeighting.perExample(),
    klWeighting.perMinibatch(),
    klWeighting.blundell(),
    klWeighting.constant(2),
    klWeighting.temperedLikelihood(0.5),
    klWeighting.temperedPosterior(0.5),
  ]) {
    t.regex(w.describe, /(Minimises|Multiplies).*KL|H\(q\)/, w.name);
  }
});
