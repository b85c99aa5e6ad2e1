import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { expectNoLeak, take } from '../../../helpers/leak.js';
import { DIGITS_NUM_EXAMPLES, parseDigitsCsv, splitDigitsIndices } from '../../../../src/data/digits/index.js';
import { digitsFilePath, readDigitsTable } from '../../../../src/data/digits/file.js';
import { loadDigits } from '../../../../src/data/digits/load.js';
import { FormatError, InvalidArgumentError } from '../../../../src/errors.js';

// Class distribution of the UCI optdigits test file (optdigits.tes), as published by UCI.
const UCI_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

test('the shipped file loads from dist/ and holds the 1,797 UCI images with the published class counts', (t) => {
  t.true(import.meta.url.includes('/dist/'), 'this test runs from the compiled dist/ tree');
  const path = digitsFilePath();
  t.true(path.endsWith('digits.csv.gz'));
  const table = readDigitsTable();
  t.is(table.labels.length, DIGITS_NUM_EXAMPLES);
  t.is(table.intensities.length, DIGITS_NUM_EXAMPLES * 64);
  const counts = new Array<number>(10).fill(0);
  for (const label of table.labels) counts[label]++;
  t.deepEqual(counts, UCI_CLASS_COUNTS);
  // scikit-learn: load_digits().data.mean() == 4.884164579855314
  const mean = table.intensities.reduce((s, v) => s + v, 0) / table.intensities.length;
  t.true(Math.abs(mean - 4.884164579855314) < 1e-9, `mean intensity ${mean}`);
  // First image of the file is a 0 whose first row is 0,0,5,13,9,1,0,0.
  t.is(table.labels[0], 0);
  t.deepEqual(Array.from(table.intensities.slice(0, 8)), [0, 0, 5, 13, 9, 1, 0, 0]);
});

test('loadDigits gives a stratified, seeded split: disjoint, complete, equal for equal seeds, different for different seeds', async (t) => {
  const labels = readDigitsTable().labels;
  const a = splitDigitsIndices(labels, 3, 0.2);
  const b = splitDigitsIndices(labels, 3, 0.2);
  const c = splitDigitsIndices(labels, 4, 0.2);
  t.deepEqual(a, b);
  t.notDeepEqual(a.test, c.test);
  const all = new Set([...a.train, ...a.test]);
  t.is(all.size, DIGITS_NUM_EXAMPLES);
  t.is(a.train.length + a.test.length, DIGITS_NUM_EXAMPLES);
  UCI_CLASS_COUNTS.forEach((count, label) => {
    const inTest = a.test.filter((i) => labels[i] === label).length;
    t.is(inTest, Math.round(0.2 * count), `class ${label}`);
  });
  await expectNoLeak(t, () => {
    const digits = loadDigits({ seed: 3, layout: 'image' });
    t.deepEqual(digits.train.xs.shape, [a.train.length, 8, 8, 1]);
    t.deepEqual(digits.test.oneHot.shape, [a.test.length, 10]);
    t.is(digits.train.labels.dtype, 'int32');
    t.deepEqual(digits.test.indices, a.test);
    const xs = take(tf.max(digits.train.xs));
    t.is(xs[0], 1);
    const firstLabel = take(digits.test.labels.slice(0, 1))[0];
    t.is(firstLabel, labels[a.test[0]]);
    const rowSum = take(digits.test.oneHot.sum(1));
    t.true(rowSum.every((s) => s === 1));
    digits.dispose();
  });
});

test('loadDigits rejects bad options with messages naming the argument', (t) => {
  const fraction = t.throws(() => loadDigits({ testFraction: 1.5 }), { instanceOf: InvalidArgumentError });
  t.regex(fraction!.message, /loadDigits: argument 'testFraction' was 1\.5; expected a number in the open interval \(0, 1\)/);
  const layout = t.throws(() => loadDigits({ layout: 'nchw' as never }), { instanceOf: InvalidArgumentError });
  t.regex(layout!.message, /'layout' was "nchw"/);
  const seed = t.throws(() => loadDigits({ seed: '' }), { instanceOf: InvalidArgumentError });
  t.regex(seed!.message, /'seed'/);
});

test('parseDigitsCsv names the line and field of a malformed row', (t) => {
  const good = Array.from({ length: 64 }, () => '0').join(',') + ',7';
  t.is(parseDigitsCsv(good).labels[0], 7);
  const short = t.throws(() => parseDigitsCsv(`${good}\n1,2,3`), { instanceOf: FormatError });
  t.regex(short!.message, /line 2 has 3 fields; expected 65/);
  const bad = t.throws(() => parseDigitsCsv(good.replace(/^0/, '17')), { instanceOf: FormatError });
  t.regex(bad!.message, /line 1 field 1 is "17"; expected an integer in \[0, 16\]/);
});
