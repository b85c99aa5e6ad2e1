import test from 'ava';
import { CommanderError } from 'commander';
import { ESTIMATORS as CLI_ESTIMATORS } from '../../cli/command-options.js';
import { ConfigError, validateConfig } from '../../cli/config.js';
import { defaultRunFolder, runTimestamp } from '../../cli/common-options.js';
import { describeFailure, FAILURE_EXIT_CODE, USAGE_EXIT_CODE } from '../../cli/failure.js';
import { checkValue, parseFlagText, type OptionSpec } from '../../cli/options.js';
import { createOutput } from '../../cli/output.js';
import { resolveOptions } from '../../cli/resolve.js';
import { ESTIMATORS } from '../../layers/index.js';
import { InvalidArgumentError, NonFiniteError } from '../../src/errors.js';

const SPECS: OptionSpec[] = [
  { key: 'epochs', flags: '--epochs <n>', description: '', kind: { type: 'integer', min: 1 }, defaultValue: 8 },
  { key: 'loss', flags: '--loss <name>', description: '', kind: { type: 'choice', choices: ['bce', 'dice'] }, defaultValue: 'bce' },
  { key: 'rate', flags: '--rate <r>', description: '', kind: { type: 'number', min: 0, max: 1 } },
  { key: 'names', flags: '--names <a,b>', description: '', kind: { type: 'list' } },
  { key: 'config', flags: '--config <file>', description: '', kind: { type: 'string' }, configurable: false },
];

test('checkValue accepts exactly the values of each kind', (t) => {
  t.is(checkValue({ type: 'integer', min: 1 }, 3), 3);
  t.is(checkValue({ type: 'integer', min: 1 }, 0), null);
  t.is(checkValue({ type: 'integer', min: 1 }, 2.5), null);
  t.is(checkValue({ type: 'number', min: 0, max: 1 }, 1), 1);
  t.is(checkValue({ type: 'number', min: 0, max: 1 }, 1.01), null);
  t.is(checkValue({ type: 'number' }, Number.NaN), null);
  t.is(checkValue({ type: 'choice', choices: ['a'] }, 'b'), null);
  t.deepEqual(checkValue({ type: 'list', choices: ['a', 'b'] }, ['a', 'b']), ['a', 'b']);
  t.is(checkValue({ type: 'list' }, []), null);
  t.is(checkValue({ type: 'boolean' }, 'true'), null);
  t.deepEqual(parseFlagText({ type: 'list' }, 'a, b,,c'), ['a', 'b', 'c']);
  t.true(Number.isNaN(parseFlagText({ type: 'integer', min: 1 }, ' ') as number));
});

test('resolveOptions takes the flag over the config file over the default', (t) => {
  const fromDefaults = resolveOptions('segment', SPECS, {});
  t.is(fromDefaults.number('epochs'), 8);
  t.false(fromDefaults.has('rate'));
  t.is(fromDefaults.optionalList('names'), undefined);
  const values = validateConfig({ epochs: 3, rate: 0.5, names: ['x'] }, 'c.json', 'segment', SPECS);
  t.deepEqual(values, { epochs: 3, rate: 0.5, names: ['x'] });
  const flagged = resolveOptions('segment', SPECS, { epochs: 5 });
  t.is(flagged.number('epochs'), 5);
  t.is(flagged.string('loss'), 'bce');
});

test('validateConfig names the key, the JSON type received and what was expected', (t) => {
  const unknown = t.throws(() => validateConfig({ epoch: 1 }, 'c.json', 'segment', SPECS), { instanceOf: ConfigError });
  t.is(unknown!.message, "config file c.json: unknown key 'epoch' for 'segment'; expected one of epochs, loss, rate, names.");
  const typed = t.throws(() => validateConfig({ loss: 3 }, 'c.json', 'segment', SPECS), { instanceOf: ConfigError });
  t.is(typed!.message, "config file c.json: key 'loss' is a number (3); expected one of bce, dice.");
  const nested = t.throws(() => validateConfig({ names: { a: 1 } }, 'c.json', 'segment', SPECS), { instanceOf: ConfigError });
  t.regex(nested!.message, /key 'names' is an object; expected a list of non-empty strings/);
  const configKey = t.throws(() => validateConfig({ config: 'x.json' }, 'c.json', 'segment', SPECS), { instanceOf: ConfigError });
  t.regex(configKey!.message, /unknown key 'config'/);
  t.throws(() => validateConfig(null, 'c.json', 'segment', SPECS), { message: /holds null; expected a JSON object of segment options/ });
});

test('describeFailure: usage errors exit 2, run failures exit 1, each as one line', (t) => {
  const usage = describeFailure(new InvalidArgumentError('f', 'x', 1, 'y'));
  t.is(usage.exitCode, USAGE_EXIT_CODE);
  t.is(usage.line, "tfjs-bnn: f: argument 'x' was 1; expected y.");
  t.is(
    describeFailure(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'")).line,
    "tfjs-bnn: unknown option '--x'",
  );
  const nonFinite = describeFailure(new NonFiniteError('fit: 10 steps in a row were not finite.\nmore'));
  t.is(nonFinite.exitCode, FAILURE_EXIT_CODE);
  t.is(nonFinite.line, 'tfjs-bnn: fit: 10 steps in a row were not finite.');
  const internal = describeFailure(new TypeError('x is undefined'));
  t.is(internal.exitCode, FAILURE_EXIT_CODE);
  t.regex(internal.line, /^tfjs-bnn: internal error: x is undefined \(run with --verbose/);
  const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'a'"), { code: 'ENOENT' });
  t.is(describeFailure(missing).exitCode, USAGE_EXIT_CODE);
});

test('with --json, people lines go to stderr and stdout holds only the result object', (t) => {
  const out: string[] = [];
  const err: string[] = [];
  const json = createOutput(true, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  json.log('training');
  json.result({ dice: 0.5 }, () => ['dice 0.5']);
  t.deepEqual(out, ['{"dice":0.5}\n']);
  t.deepEqual(err, ['training\n']);
  out.length = 0;
  const human = createOutput(false, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  human.log('training');
  human.result({ dice: 0.5 }, () => ['dice 0.5']);
  t.deepEqual(out, ['training\n', 'dice 0.5\n']);
});

test('the default output folder is ./runs/<UTC timestamp>/', (t) => {
  const date = new Date('2025-03-01T12:30:05.123Z');
  t.is(runTimestamp(date), '2025-03-01T12-30-05Z');
  t.is(defaultRunFolder(undefined, date), `${process.cwd()}/runs/2025-03-01T12-30-05Z`);
  t.is(defaultRunFolder('out/x', date), 'out/x');
});

test('the CLI estimator names are the layers estimator names', (t) => {
  t.deepEqual([...CLI_ESTIMATORS], [...ESTIMATORS]);
});
