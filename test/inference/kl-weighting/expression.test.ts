import test from 'ava';
import { klWeighting } from '../../../inference/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { MAX_EXPRESSION_LENGTH } from '../../../inference/kl-weighting/expression.js';
import { near } from '../../helpers/leak.js';
import { at } from './positions.js';

test("expression('min(1, epoch / 10) / datasetSize') is a per-example warm-up", (t) => {
  const w = klWeighting.expression('min(1, epoch / 10) / datasetSize');
  t.is(w.weight(at({ epoch: 0, datasetSize: 200 })), 0);
  near(t, w.weight(at({ epoch: 3, datasetSize: 200 })), 0.3 / 200, 1e-15);
  near(t, w.weight(at({ epoch: 30, datasetSize: 200 })), 1 / 200, 1e-15);
});

test('expression sees every position field and allowed functions, constants and conditionals', (t) => {
  near(
    t,
    klWeighting.expression('2^(numBatches - batchIndex - 1) / (2^numBatches - 1)').weight(at({ batchIndex: 0, numBatches: 4 })),
    8 / 15,
    1e-15,
  );
  near(t, klWeighting.expression('step < 5 ? 0 : exp(-step / 100)').weight(at({ step: 100 })), Math.exp(-1), 1e-15);
  t.is(klWeighting.expression('step < 5 ? 0 : 1').weight(at({ step: 4 })), 0);
  near(t, klWeighting.expression('(1 - cos(pi * min(1, step / 10))) / 2').weight(at({ step: 5 })), 0.5, 1e-15);
});

test('expression rejects unknown symbols at construction, listing the allowed ones', (t) => {
  const error = t.throws(() => klWeighting.expression('epochs / 10'), { instanceOf: InvalidArgumentError });
  t.regex(error.message, /klWeighting\.expression: argument 'source' was "epochs \/ 10"/);
  t.regex(error.message, /unknown symbol 'epochs'/);
  t.regex(error.message, /allowed symbols: epoch, step, batchIndex, numBatches, datasetSize, pi, e/);
});

test('expression rejects unsafe functions, assignments, property access and syntax errors', (t) => {
  for (const source of [
    'import({}, {})',
    'evaluate("1")',
    'createUnit("x")',
    'a = 1',
    'f(x) = x',
    'epoch.constructor',
    '[1, 2]',
    'epoch +',
    '"text"',
    '5 cm',
  ]) {
    t.throws(() => klWeighting.expression(source), { instanceOf: InvalidArgumentError }, source);
  }
  t.throws(() => klWeighting.expression(''), { instanceOf: InvalidArgumentError, message: /non-empty formula/ });
});

test('expression values that are negative or non-finite are refused when evaluated', (t) => {
  t.throws(() => klWeighting.expression('epoch - 1').weight(at({ epoch: 0 })), {
    instanceOf: InvalidArgumentError,
    message: /weight' was -1/,
  });
  t.throws(() => klWeighting.expression('1 / batchIndex').weight(at({ batchIndex: 0 })), {
    instanceOf: InvalidArgumentError,
    message: /Infinity/,
  });
});

test('expression caps length and nesting with a typed error instead of overflowing the parser stack', (t) => {
  const hostile: Array<[string, RegExp]> = [
    ['1+'.repeat(20000) + '1', /was "1\+1\+.*… \(40001 characters\)"; expected a formula of at most 1000 characters/],
    ['('.repeat(20000) + '1' + ')'.repeat(20000), /at most 1000 characters/],
    ['('.repeat(33) + 'step' + ')'.repeat(33), /nested at most 32 brackets deep \(found 33\)/],
    ['-'.repeat(40) + 'step', /parsed tree is at most 32 levels deep \(found 41/],
    [Array.from({ length: 40 }, () => '2').join('^'), /parsed tree is at most 32 levels deep/],
  ];
  for (const [source, message] of hostile) {
    t.throws(() => klWeighting.expression(source), { instanceOf: InvalidArgumentError, message }, source.slice(0, 20));
  }
  t.is(MAX_EXPRESSION_LENGTH, 1000);
  near(t, klWeighting.expression('('.repeat(25) + 'step / 10' + ')'.repeat(25)).weight(at({ step: 5 })), 0.5, 1e-15);
});
