import test from 'ava';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const version = (name: string): string =>
  (JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** A consumer's program: strict TypeScript, NodeNext, the package's public names only. */
const PROGRAM = `import * as tf from '@tensorflow/tfjs';
import { denseVariational, fit, klWeighting, likelihoods, predictive, disposePredictive, type TrainingHistory } from 'tfjs-bnn';

const model = tf.sequential({
  layers: [denseVariational({ units: 8, activation: 'relu', inputShape: [2] }), denseVariational({ units: 1 })],
});
const x = tf.randomUniform([64, 2], -1, 1, 'float32', 7);
const y = tf.cast(tf.greater(tf.sum(x, 1, true), 0), 'float32');
const history: TrainingHistory = await fit(model, { x, y }, {
  elbo: { likelihood: likelihoods.bernoulli(), klWeighting: klWeighting.perExample() },
  optimizer: tf.train.adam(0.05),
  epochs: 3,
  batchSize: 16,
  seed: 1,
  progress: 'silent',
});
const result = predictive(model, x, { samples: 4, seed: 2, output: 'sigmoid' });
const numbers = {
  backend: tf.getBackend(),
  steps: history.steps.length,
  loss: history.epochs[history.epochs.length - 1].logs.loss,
  meanProbability: (await result.meanProbability.mean().data())[0],
  mutualInformation: (await result.mutualInformation.mean().data())[0],
};
disposePredictive(result);
console.log(JSON.stringify(numbers));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    outDir: 'out',
    types: ['node'],
  },
  include: ['main.mts'],
};

function run(command: string, args: string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', TFJS_BNN_BACKEND: 'cpu' },
  });
}

test('npm pack → install into a fresh TypeScript project with its own @tensorflow/tfjs → compile (strict, NodeNext) → train and predict', async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'tfjs-bnn-consumer-'));
  try {
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], REPO);
    t.is(pack.status, 0, pack.stderr);
    const tarball = path.join(work, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0].filename);
    const project = path.join(work, 'project');
    run('mkdir', [project], work);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
    );
    const install = run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        tarball,
        `@tensorflow/tfjs@${version('@tensorflow/tfjs')}`,
        `typescript@${version('typescript')}`,
        `@types/node@${version('@types/node')}`,
      ],
      project,
    );
    t.is(install.status, 0, `npm install: ${install.stderr}`);
    const installed = JSON.parse(readFileSync(path.join(project, 'node_modules', 'tfjs-bnn', 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    t.is(installed.peerDependencies['@tensorflow/tfjs'], '^4.22.0');
    writeFileSync(path.join(project, 'main.mts'), PROGRAM);
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    const compile = run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    t.is(compile.status, 0, `tsc: ${compile.stdout}${compile.stderr}`);
    const program = run(process.execPath, [path.join('out', 'main.mjs')], project, 120_000);
    t.is(program.status, 0, program.stderr);
    const numbers = JSON.parse(program.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number | string>;
    t.is(numbers.backend, 'cpu');
    t.is(numbers.steps, 12, '3 epochs of 4 batches');
    for (const key of ['loss', 'meanProbability', 'mutualInformation']) t.true(Number.isFinite(numbers[key]), `${key} = ${numbers[key]}`);
    t.true((numbers.meanProbability as number) > 0 && (numbers.meanProbability as number) < 1);
    t.true((numbers.mutualInformation as number) >= 0);
    t.notRegex(program.stderr, /already registered/, 'one tfjs: no kernel was registered twice');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
