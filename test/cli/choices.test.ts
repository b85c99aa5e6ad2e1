import test from 'ava';
import { lossFor, MAX_POSITIVE_WEIGHT, parsePrior } from '../../cli/segment/choices.js';
import { resolveWeighting } from '../../cli/study/weightings.js';
import { closestName, editDistance } from '../../cli/closest-name.js';
import { InvalidArgumentError } from '../../src/errors.js';

const POSITION = { epoch: 0, step: 0, batchIndex: 0, numBatches: 4, datasetSize: 200 };

test('weighting names map to the KL weighting API with the reduction each assumes', (t) => {
  const perExample = resolveWeighting('perExample', 10, 'w', '--w');
  t.is(perExample.weighting.weight(POSITION), 1 / 200);
  t.is(perExample.reduction, 'mean');
  const perMinibatch = resolveWeighting('perMinibatch', 10, 'w', '--w');
  t.is(perMinibatch.weighting.weight(POSITION), 1 / 4);
  t.is(perMinibatch.reduction, 'sum');
  const blundell = resolveWeighting('blundell', 10, 'w', '--w');
  // π_1 = 2^(M−1)/(2^M − 1) = 8/15 for M = 4.
  t.true(Math.abs(blundell.weighting.weight(POSITION) - 8 / 15) < 1e-12);
  t.is(blundell.reduction, 'sum');
  t.true(Math.abs(resolveWeighting('tempered:0.1', 10, 'w', '--w').weighting.weight(POSITION) - 0.1 / 200) < 1e-15);
  const warmup = resolveWeighting('warmup', 10, 'w', '--w').weighting;
  t.is(warmup.weight(POSITION), 0);
  t.true(Math.abs(warmup.weight({ ...POSITION, epoch: 5 }) - 1 / 200) < 1e-15, 'warm-up over ⌈10/2⌉ = 5 epochs');
  const expression = resolveWeighting('min(1, epoch / 2) / datasetSize', 10, 'w', '--w');
  t.is(expression.reduction, 'mean');
  t.true(Math.abs(expression.weighting.weight({ ...POSITION, epoch: 1 }) - 0.5 / 200) < 1e-15);
});

test('bad weighting parameters and expressions are InvalidArgumentErrors naming the option', (t) => {
  const tempered = t.throws(() => resolveWeighting('tempered:abc', 10, 'tfjs-bnn study kl', '--weightings'), {
    instanceOf: InvalidArgumentError,
  });
  t.is(
    tempered!.message,
    `tfjs-bnn study kl: argument '--weightings' was "tempered:abc"; expected 'tempered:T' with a temperature T > 0, e.g. tempered:0.1.`,
  );
  t.throws(() => resolveWeighting('warmup:-1', 10, 'w', '--w'), { instanceOf: InvalidArgumentError });
  t.throws(() => resolveWeighting('perExampel', 10, 'w', '--w'), { instanceOf: InvalidArgumentError, message: /perExampel/ });
});

test('parsePrior reads normal[:scale] and scale-mixture[:pi,scale1,scale2]', (t) => {
  t.deepEqual(parsePrior('normal', 'w'), { kind: 'normal', loc: 0, scale: 1 });
  t.deepEqual(parsePrior('normal:0.1', 'w'), { kind: 'normal', loc: 0, scale: 0.1 });
  t.deepEqual(parsePrior('scale-mixture', 'w'), { kind: 'scaleMixture', pi: 0.5, scale1: 1, scale2: Math.exp(-6) });
  t.deepEqual(parsePrior('scale-mixture:0.25,1,0.0025', 'w'), { kind: 'scaleMixture', pi: 0.25, scale1: 1, scale2: 0.0025 });
  const bad = t.throws(() => parsePrior('cauchy', 'tfjs-bnn segment'), { instanceOf: InvalidArgumentError });
  t.regex(bad!.message, /^tfjs-bnn segment: argument '--prior' was "cauchy"; expected 'normal', 'normal:SCALE'/);
  t.throws(() => parsePrior('normal:-1', 'w'), { instanceOf: InvalidArgumentError, message: /scale/ });
  t.throws(() => parsePrior('scale-mixture:0.5,1', 'w'), { instanceOf: InvalidArgumentError });
});

test('lossFor maps every --loss name; weighted-bce weighs positives by negatives/positives, capped', (t) => {
  t.is(lossFor('bce', 0.01).name, 'bernoulli');
  t.regex(lossFor('weighted-bce', 0.01).describe, /−99·y·log/);
  t.regex(lossFor('weighted-bce', 0).describe, new RegExp(`−${MAX_POSITIVE_WEIGHT}·y`));
  t.is(lossFor('focal', 0.01).name, 'focal');
  t.is(lossFor('ohem', 0.01).name, 'ohem');
  t.is(lossFor('dice', 0.01).name, 'softDice');
});

test('a misspelt weighting name lists the known names first and suggests the closest', (t) => {
  const blundel = t.throws(() => resolveWeighting('blundel', 10, 'tfjs-bnn segment', '--kl-weighting'), {
    instanceOf: InvalidArgumentError,
  });
  t.is(
    blundel!.message,
    `tfjs-bnn segment: argument '--kl-weighting' was "blundel"; expected a weighting name, one of perExample, perMinibatch, blundell, tempered:T, warmup[:E] (did you mean 'blundell'?), or a mathjs expression of epoch, step, batchIndex, numBatches, datasetSize, pi, e.`,
  );
  t.regex(t.throws(() => resolveWeighting('PerMiniBatch', 10, 'w', '--w'))!.message, /did you mean 'perMinibatch'/);
  t.regex(t.throws(() => resolveWeighting('warmpu', 10, 'w', '--w'))!.message, /did you mean 'warmup'/);
  t.notRegex(t.throws(() => resolveWeighting('xyzzy', 10, 'w', '--w'))!.message, /did you mean/);
  t.true(
    Math.abs(resolveWeighting('datasetSize', 10, 'w', '--w').weighting.weight(POSITION) - 200) < 1e-12,
    'a bare position field is still an expression',
  );
});

test('editDistance and closestName', (t) => {
  t.is(editDistance('kitten', 'sitting'), 3);
  t.is(editDistance('Blundell', 'blundell'), 0);
  t.is(closestName('focall', ['bce', 'focal', 'dice']), 'focal');
  t.is(closestName('zzz', ['bce', 'focal', 'dice']), undefined);
});
