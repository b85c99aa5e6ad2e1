import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_USAGE_EXIT_CODE, parseExampleArgs } from '../../examples/example-args.js';

const FLAGS = [
  { name: 'epochs', description: 'training epochs', defaultValue: '4', positiveInteger: true },
  { name: 'out', description: 'output folder', defaultValue: 'runs/x' },
];

test('example flags: defaults, values, --help, unknown flags and bad numbers', (t) => {
  t.deepEqual(parseExampleArgs([], 'demo', 'A demo.', FLAGS), { values: { epochs: '4', out: 'runs/x' } });
  t.deepEqual(parseExampleArgs(['--epochs', '7', '--out', 'o'], 'demo', 'A demo.', FLAGS), { values: { epochs: '7', out: 'o' } });
  const help = parseExampleArgs(['--help'], 'demo', 'A demo.', FLAGS);
  t.true('exit' in help && help.exit === 0 && /--epochs <value> {2}training epochs \(default: 4\)/.test(help.text));
  const unknown = parseExampleArgs(['--epoch', '3'], 'demo', 'A demo.', FLAGS);
  t.true(
    'exit' in unknown && unknown.exit === EXAMPLE_USAGE_EXIT_CODE && /^demo: Unknown option '--epoch'/.test(unknown.text),
    JSON.stringify(unknown),
  );
  const bad = parseExampleArgs(['--epochs', '0'], 'demo', 'A demo.', FLAGS);
  t.deepEqual(bad, { exit: EXAMPLE_USAGE_EXIT_CODE, text: "demo: --epochs expects an integer ≥ 1, got '0'" });
  const positional = parseExampleArgs(['150'], 'demo', 'A demo.', FLAGS);
  t.true('exit' in positional && positional.exit === EXAMPLE_USAGE_EXIT_CODE);
});

test('a switch reads as true when given; a choice refuses other values', (t) => {
  const flags = [
    { name: 'quick', description: 'fast', defaultValue: 'false', isSwitch: true },
    { name: 'estimator', description: 'which', defaultValue: 'flipout', choices: ['reparameterization', 'flipout'] },
  ];
  t.deepEqual(parseExampleArgs(['--quick'], 'demo', 'A demo.', flags), { values: { quick: 'true', estimator: 'flipout' } });
  t.deepEqual(parseExampleArgs([], 'demo', 'A demo.', flags), { values: { quick: 'false', estimator: 'flipout' } });
  t.deepEqual(parseExampleArgs(['--estimator', 'local'], 'demo', 'A demo.', flags), {
    exit: EXAMPLE_USAGE_EXIT_CODE,
    text: "demo: --estimator expects one of reparameterization, flipout, got 'local'",
  });
});

for (const script of ['regression-toy', 'gradient-inspector', 'segment-phantom', 'rare-events', 'rare-event-lstm', 'uci-recipe']) {
  test(`examples/${script} --help prints usage and an unknown flag exits 2 without training`, (t) => {
    const path = fileURLToPath(new URL(`../../examples/${script}.js`, import.meta.url));
    const help = spawnSync(process.execPath, [path, '--help'], { encoding: 'utf8', timeout: 60_000 });
    t.is(help.status, 0, help.stderr);
    t.regex(help.stdout, new RegExp(`usage: node dist/examples/${script}.js`));
    const unknown = spawnSync(process.execPath, [path, '--bogus'], { encoding: 'utf8', timeout: 60_000 });
    t.is(unknown.status, EXAMPLE_USAGE_EXIT_CODE);
    t.regex(unknown.stderr, /Unknown option '--bogus'/);
    t.is(unknown.stdout, '', 'nothing ran');
  });
}
