import { installedNativePackages } from '../../src/backend/index.js';
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSPECT_OPTIONS, SEGMENT_OPTIONS, STUDY_COLLECT_OPTIONS, STUDY_KL_OPTIONS, WORKER_OPTIONS } from '../../cli/command-options.js';
import { COMMON_OPTIONS } from '../../cli/common-options.js';
import { USAGE_EXIT_CODE } from '../../cli/failure.js';
import type { OptionSpec } from '../../cli/options.js';
import { runTfjsBnn } from './spawn.js';

const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-cli-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

function flagName(spec: OptionSpec): string {
  return spec.flags.split(/[ ,]/)[0];
}

const COMMANDS: Array<{ args: string[]; usage: string; options: readonly OptionSpec[] }> = [
  { args: ['segment'], usage: 'Usage: tfjs-bnn segment', options: [...SEGMENT_OPTIONS, ...COMMON_OPTIONS] },
  { args: ['study', 'kl'], usage: 'Usage: tfjs-bnn study kl', options: [...STUDY_KL_OPTIONS, ...COMMON_OPTIONS] },
  { args: ['inspect'], usage: 'Usage: tfjs-bnn inspect', options: [...INSPECT_OPTIONS, ...COMMON_OPTIONS] },
  {
    args: ['worker'],
    usage: 'Usage: tfjs-bnn worker',
    options: [...WORKER_OPTIONS, ...COMMON_OPTIONS.filter((o) => ['config', 'json', 'verbose'].includes(o.key))],
  },
  {
    args: ['study', 'collect'],
    usage: 'Usage: tfjs-bnn study collect [options] <batch>',
    options: [...STUDY_COLLECT_OPTIONS, ...COMMON_OPTIONS.filter((o) => o.key !== 'seed')],
  },
];

test('tfjs-bnn --help lists every command and exits 0', (t) => {
  const run = runTfjsBnn(['--help']);
  t.is(run.status, 0);
  for (const name of ['info', 'segment', 'study', 'inspect', 'worker']) t.regex(run.stdout, new RegExp(`^\\s+${name}\\b`, 'm'));
});

test('info --help and study --help describe their command and exit 0', (t) => {
  const info = runTfjsBnn(['info', '--help']);
  t.is(info.status, 0);
  t.regex(info.stdout, /Usage: tfjs-bnn info/);
  t.regex(info.stdout, /--json/);
  const study = runTfjsBnn(['study', '--help']);
  t.is(study.status, 0);
  t.regex(study.stdout, /^\s+kl \[options\]/m);
});

for (const command of COMMANDS) {
  test(`${command.args.join(' ')} --help lists every option and exits 0`, (t) => {
    const run = runTfjsBnn([...command.args, '--help']);
    t.is(run.status, 0, run.stderr);
    t.true(run.stdout.includes(command.usage));
    for (const spec of command.options) t.true(run.stdout.includes(flagName(spec)), `help mentions ${flagName(spec)}`);
  });

  test(`${command.args.join(' ')} with an unknown option exits ${USAGE_EXIT_CODE} with one line naming it`, (t) => {
    const run = runTfjsBnn([...command.args, '--bogus-option']);
    t.is(run.status, USAGE_EXIT_CODE);
    t.deepEqual(run.errorLines, ["tfjs-bnn: unknown option '--bogus-option'"]);
    t.is(run.stdout, '');
  });
}

test('a bad option value exits non-zero with one line naming the option, the value and what is expected', (t) => {
  const epochs = runTfjsBnn(['segment', '--epochs', '0']);
  t.is(epochs.status, USAGE_EXIT_CODE);
  t.deepEqual(epochs.errorLines, ["tfjs-bnn: option '--epochs <n>' argument '0' is invalid. Expected an integer ≥ 1."]);
  const loss = runTfjsBnn(['segment', '--loss', 'hinge']);
  t.is(loss.status, USAGE_EXIT_CODE);
  t.is(loss.errorLines.length, 1);
  t.regex(
    loss.errorLines[0],
    /'--loss <name>' argument 'hinge' is invalid\. Expected one of dice-ce, bce, weighted-bce, focal, ohem, dice/,
  );
  const task = runTfjsBnn(['study', 'kl', '--task', 'mnist']);
  t.is(task.status, USAGE_EXIT_CODE);
  t.regex(task.errorLines[0], /'--task <name>' argument 'mnist' is invalid/);
});

test('a missing config file exits non-zero with one line naming the file', (t) => {
  const missing = join(scratch, 'nope.json');
  const run = runTfjsBnn(['segment', '--config', missing]);
  t.is(run.status, USAGE_EXIT_CODE);
  t.deepEqual(run.errorLines, [`tfjs-bnn: config file ${missing} cannot be read (no such file).`]);
});

test('a malformed config exits non-zero with one line: invalid JSON, unknown key, ill-typed key, not an object', (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['broken.json', '{"epochs": 2,', /config file .*broken\.json is not valid JSON/],
    ['unknown.json', '{"epoch": 2}', /config file .*unknown\.json: unknown key 'epoch' for 'segment'; expected one of .*epochs/],
    ['typed.json', '{"epochs": "3"}', /config file .*typed\.json: key 'epochs' is a string \("3"\); expected an integer ≥ 1\./],
    ['range.json', '{"lesionFraction": 2}', /key 'lesionFraction' is a number \(2\); expected a number in \[0, 0.25\]\./],
    ['array.json', '[1, 2]', /holds an array .*; expected a JSON object of segment options\./],
    ['verbose.json', '{"verbose": true}', /unknown key 'verbose'/],
  ];
  for (const [name, text, message] of cases) {
    const path = join(scratch, name);
    writeFileSync(path, text);
    const run = runTfjsBnn(['segment', '--config', path]);
    t.is(run.status, USAGE_EXIT_CODE, name);
    t.is(run.errorLines.length, 1, `${name}: ${run.stderr}`);
    t.regex(run.errorLines[0], message);
    t.true(run.errorLines[0].startsWith('tfjs-bnn: '));
  }
});

test('--verbose adds the stack trace to the one-line reason', (t) => {
  const path = join(scratch, 'typed-verbose.json');
  writeFileSync(path, '{"epochs": true}');
  const run = runTfjsBnn(['segment', '--config', path, '--verbose']);
  t.is(run.status, USAGE_EXIT_CODE);
  t.regex(run.errorLines[0], /key 'epochs' is a boolean \(true\)/);
  t.true(run.errorLines.length > 1 && run.errorLines.some((line) => /^\s+at /.test(line)));
});

test('a command group without its subcommand exits non-zero and shows its help', (t) => {
  const run = runTfjsBnn(['study']);
  t.not(run.status, 0);
  t.regex(run.stderr, /Usage: tfjs-bnn study/);
});

test('info --json ends stdout with one JSON object naming the backend and the install commands', (t) => {
  const run = runTfjsBnn(['info', '--json']);
  t.is(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  const info = JSON.parse(lines[lines.length - 1]) as {
    backend: { name: string };
    nativeInstalled: boolean;
    install: { online: string; offline: string };
    package: { version: string };
  };
  t.true(['cpu', 'wasm', 'tensorflow'].includes(info.backend.name));
  t.is(info.nativeInstalled, info.backend.name === 'tensorflow');
  t.is(info.install.online, 'npm install @tensorflow/tfjs-node');
  t.is(info.install.offline, 'npm run native:install');
  t.regex(info.package.version, /^\d+\.\d+\.\d+/);
  t.is(run.errorLines.length, 0, `no stderr noise: ${run.stderr}`);
});

test('info without --json prints the backend and, on cpu, the fast kernels and how to install the native one (or that it is installed but unused)', (t) => {
  const run = runTfjsBnn(['info'], {});
  t.is(run.status, 0);
  t.regex(run.stdout, /^backend: (cpu|wasm|tensorflow) \(/m);
  if (/^backend: wasm/m.test(run.stdout))
    t.regex(run.stdout, /^wasm binary: tfjs-backend-wasm-simd\.wasm \(SIMD available, single thread: /m);
  const cpu = runTfjsBnnWithEnv(['info'], { TFJS_BNN_BACKEND: 'cpu' });
  t.regex(cpu.stdout, /^backend: cpu \(TFJS_BNN_BACKEND=cpu\)/m);
  t.regex(cpu.stdout, /^fast cpu kernels: on /m);
  t.notRegex(cpu.stdout, /native fast paths/, 'the native fast paths are a tensorflow-backend line');
  if (/^backend: tensorflow/m.test(run.stdout))
    t.regex(run.stdout, /^native fast paths: on \(.*TFJS_BNN_NATIVE_KERNELS=0 turns them off\)$/m);
  if (installedNativePackages().length > 0) {
    const off = runTfjsBnnWithEnv(['info'], { TFJS_BNN_BACKEND: 'tensorflow', TFJS_BNN_NATIVE_KERNELS: '0' });
    t.regex(off.stdout, /^native fast paths: off$/m);
    t.regex(cpu.stdout, /^native backend: installed \(@tensorflow\/tfjs-node(-gpu)?.*\) but not in use \(TFJS_BNN_BACKEND=cpu\)/m);
  } else {
    t.regex(cpu.stdout, /install with internet access: npm install @tensorflow\/tfjs-node/);
    t.regex(cpu.stdout, /install offline .*: npm run native:install/);
  }
});

test('an invalid TFJS_BNN_NATIVE_KERNELS gives one line naming the variable and the accepted values', (t) => {
  const run = runTfjsBnnWithEnv(['info'], { TFJS_BNN_NATIVE_KERNELS: 'bogus' });
  t.is(run.status, USAGE_EXIT_CODE);
  t.deepEqual(run.errorLines, [
    `tfjs-bnn: initBackend: argument 'TFJS_BNN_NATIVE_KERNELS' was "bogus"; expected '1' (default: tfjs-bnn's native fast paths) or '0' (tfjs-node's own kernels).`,
  ]);
});

test('an invalid TFJS_BNN_BACKEND gives one line naming the variable and the accepted values', (t) => {
  const run = runTfjsBnnWithEnv(['info'], { TFJS_BNN_BACKEND: 'webgpu' });
  t.is(run.status, USAGE_EXIT_CODE);
  t.deepEqual(run.errorLines, [
    `tfjs-bnn: initBackend: argument 'TFJS_BNN_BACKEND' was "webgpu"; expected 'tensorflow', 'wasm' or 'cpu' (or unset for automatic choice).`,
  ]);
});

function runTfjsBnnWithEnv(args: string[], env: Record<string, string>): ReturnType<typeof runTfjsBnn> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  try {
    return runTfjsBnn(args);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
