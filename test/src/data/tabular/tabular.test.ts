import test from 'ava';
import { parseTabularCsv, readShippedTabular, SHIPPED_TABULAR, SHIPPED_TABULAR_SETS, splitTabular } from '../../../../src/node.js';
import { FormatError, InvalidArgumentError } from '../../../../src/errors.js';
import { near } from '../../../helpers/leak.js';

test('every shipped set loads with its documented size, task and class balance', (t) => {
  for (const name of SHIPPED_TABULAR_SETS) {
    const data = readShippedTabular(name);
    const spec = SHIPPED_TABULAR[name];
    t.is(data.rows, spec.rows, name);
    t.is(data.featureNames.length, spec.features, name);
    t.is(data.task, spec.task, name);
  }
  const counts = (name: 'breast-cancer' | 'wine' | 'iris') => {
    const data = readShippedTabular(name);
    const c = new Array(data.classNames.length).fill(0);
    data.targets.forEach((k) => c[k]++);
    return c;
  };
  t.deepEqual(counts('breast-cancer'), [212, 357]);
  t.deepEqual(counts('wine'), [59, 71, 48]);
  t.deepEqual(counts('iris'), [50, 50, 50]);
  const diabetes = readShippedTabular('diabetes');
  // First row of the raw diabetes data (Efron et al. 2004): age 59, sex 2, bmi 32.1, …, target 151.
  t.deepEqual(Array.from(diabetes.features.slice(0, 3)), [59, 2, 32.1]);
  t.is(diabetes.targets[0], 151);
  t.deepEqual(readShippedTabular('iris').classNames, ['setosa', 'versicolor', 'virginica']);
});

test('splitTabular: 90/10 seeded split, standardised with training statistics only', (t) => {
  const data = readShippedTabular('diabetes');
  const a = splitTabular(data, 0, { seed: 1 });
  const again = splitTabular(data, 0, { seed: 1 });
  const other = splitTabular(data, 1, { seed: 1 });
  t.is(a.testRows, 45);
  t.is(a.trainRows, 397);
  t.deepEqual(a.testIndices, again.testIndices);
  t.notDeepEqual(a.testIndices, other.testIndices);
  for (let f = 0; f < a.features; f++) {
    let mean = 0;
    let square = 0;
    for (let i = 0; i < a.trainRows; i++) mean += a.trainX[i * a.features + f] / a.trainRows;
    for (let i = 0; i < a.trainRows; i++) square += a.trainX[i * a.features + f] ** 2 / a.trainRows;
    near(t, mean, 0, 1e-5);
    near(t, square, 1, 1e-4);
  }
  let targetMean = 0;
  for (let i = 0; i < a.trainRows; i++) targetMean += a.trainY[i] / a.trainRows;
  near(t, targetMean, 0, 1e-5);
  // Test targets back in original units.
  near(t, a.testY[0] * a.targetScale + a.targetMean, data.targets[a.testIndices[0]], 1e-3);
  const iris = splitTabular(readShippedTabular('iris'), 0);
  t.true(Array.from(iris.trainY).every((k) => k === 0 || k === 1 || k === 2));
});

test('parseTabularCsv reads a user CSV (quoted names, string classes) and rejects bad cells', (t) => {
  const csv = 'a,"b, with comma",label\n1,2,cat\n3,4,dog\n5,6,cat\n';
  const data = parseTabularCsv(new TextEncoder().encode(csv), { name: 'mine', target: 'label' });
  t.is(data.task, 'classification');
  t.deepEqual(data.featureNames, ['a', 'b, with comma']);
  t.deepEqual(Array.from(data.targets), [0, 1, 0]);
  t.deepEqual(data.classNames, ['cat', 'dog']);
  t.is(parseTabularCsv('x,y\n1,2.5\n2,3.5\n', { name: 'r', target: 'y' }).task, 'regression');
  t.throws(() => parseTabularCsv('x,y\n1,oops\n', { name: 'r', target: 'x' }), { instanceOf: FormatError, message: /line 2 column "y"/ });
  t.throws(() => parseTabularCsv('x,y\n1,2\n', { name: 'r', target: 'z' }), { instanceOf: InvalidArgumentError, message: /target/ });
  t.throws(
    () =>
      parseTabularCsv('x,y\n1,2\n', { name: 'r', target: 'y', task: 'regression' }).rows === 1
        ? parseTabularCsv('x,y\n1,a\n', { name: 'r', target: 'y', task: 'regression' })
        : null,
    { instanceOf: FormatError, message: /not a number/ },
  );
  t.throws(() => splitTabular(data, -1), { instanceOf: InvalidArgumentError });
});
