import test from 'ava';
import { parseFlags } from '../../bench/flags.js';
import { peerColumns, underLoad } from '../../bench/run.js';

const spec = { values: ['--steps'], switches: ['--json'] };

test('parseFlags accepts known value flags and switches', (t) => {
  const parsed = parseFlags(['--steps', '5', '--json'], 'bench/x', 'usage', spec);
  t.deepEqual(parsed, { help: false, argv: ['--steps', '5', '--json'] });
});

test('parseFlags rejects an unknown flag, naming it and the accepted ones', (t) => {
  const error = t.throws(() => parseFlags(['--steps', '5', '--stpes', '3'], 'bench/x', 'USAGE TEXT', spec));
  t.regex(error.message, /bench\/x: unknown flag '--stpes'; accepted: --steps, --json, --help/);
  t.regex(error.message, /USAGE TEXT/);
});

test('parseFlags rejects a stray positional argument and a value flag without value', (t) => {
  t.throws(() => parseFlags(['fast'], 'bench/x', 'u', spec), { message: /unexpected argument 'fast'/ });
  t.throws(() => parseFlags(['--steps', '--json'], 'bench/x', 'u', spec), { message: /--steps expects a value/ });
  t.throws(() => parseFlags(['--steps'], 'bench/x', 'u', spec), { message: /--steps expects a value/ });
});

test('parseFlags reports --help (and -h) instead of running, even next to unknown flags', (t) => {
  t.deepEqual(parseFlags(['--bogus', '--help'], 'bench/x', 'the usage', spec), { help: true, usage: 'the usage' });
  t.deepEqual(parseFlags(['-h'], 'bench/x', 'the usage', spec), { help: true, usage: 'the usage' });
});

test('a row is under load when the load average before or after exceeds half the CPU count', (t) => {
  t.false(underLoad(0.5, 0.9, 2));
  t.true(underLoad(0.5, 1.2, 2));
  t.true(underLoad(1.1, 0.3, 2));
  t.false(underLoad(1.9, 1.5, 4));
});

test('a ratio to the peer is given only for a peer measured in the same invocation', (t) => {
  t.is(peerColumns(20, { medianMs: 10, source: 'measured', loadBefore: 0.2, loadAfter: 0.3 }).ratio, 2);
  t.is(peerColumns(20, { medianMs: 10, source: 'measured', loadBefore: 0.2, loadAfter: 0.3 }).peerUnderLoad, false);
  t.is(peerColumns(20, { medianMs: 10, source: 'earlier-run' }).ratio, undefined);
  t.is(peerColumns(20, { medianMs: 10, source: 'reference' }).ratio, undefined);
  t.is(peerColumns(20, { medianMs: 10, source: 'reference' }).peerMs, 10);
});
