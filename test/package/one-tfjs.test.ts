import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, copyFileSync, symlinkSync, writeFileSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { denseVariational } from '../../layers/index.js';
import { DuplicateTfjsError } from '../../src/errors.js';
import { requireSingleTfjs, tfjsCoreLocations } from '../../src/backend/single-tfjs-node.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A project with its own @tensorflow/tfjs (package files only: resolution is all the check needs)
 * and tfjs-bnn linked in as a folder, the way `npm install /path/to/tfjs-bnn` links it.
 */
function linkedProject(): string {
  const project = mkdtempSync(path.join(tmpdir(), 'tfjs-bnn-linked-'));
  for (const name of ['tfjs', 'tfjs-core']) {
    const dir = path.join(project, 'node_modules', '@tensorflow', name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(REPO, 'node_modules', '@tensorflow', name, 'package.json'), path.join(dir, 'package.json'));
  }
  symlinkSync(REPO, path.join(project, 'node_modules', 'tfjs-bnn'), 'dir');
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module' }));
  return project;
}

test('importing tfjs-bnn into a project that resolves another tfjs is a DuplicateTfjsError naming both paths and the fix', (t) => {
  const project = linkedProject();
  try {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('tfjs-bnn');"], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TFJS_BNN_BACKEND: 'cpu' },
    });
    t.not(run.status, 0);
    t.regex(run.stderr, /DuplicateTfjsError: tfjs-bnn \(import\): two copies of TensorFlow\.js are loaded/);
    t.true(run.stderr.includes(path.join(realpathSync(project), 'node_modules', '@tensorflow', 'tfjs-core')), run.stderr);
    t.true(run.stderr.includes(path.join(REPO, 'node_modules', '@tensorflow', 'tfjs-core')), run.stderr);
    t.regex(run.stderr, /npm dedupe.*--install-links/);
    t.notRegex(run.stderr, /NoiseSourceError/);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test("require('tfjs-bnn') from CommonJS says to use import() instead", (t) => {
  const project = linkedProject();
  try {
    writeFileSync(
      path.join(project, 'main.cjs'),
      "try { require('tfjs-bnn'); } catch (e) { console.log(e.name + ': ' + e.message); process.exit(3); }",
    );
    const run = spawnSync(process.execPath, ['main.cjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    t.is(run.status, 3, run.stderr);
    t.regex(run.stdout, /^RequireEsmError: require\('tfjs-bnn'\): tfjs-bnn is an ES module .*await import\('tfjs-bnn'\)/);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('in this repository the application and tfjs-bnn resolve the same tfjs-core, and the check passes', (t) => {
  const { own, application } = tfjsCoreLocations([REPO]);
  t.is(own, path.join(REPO, 'node_modules', '@tensorflow', 'tfjs-core'));
  t.deepEqual(application, [own]);
  t.notThrows(() => requireSingleTfjs([REPO]));
});

test('a symbolic tensor of another tfjs reaching a layer is a DuplicateTfjsError, never a NoiseSourceError', (t) => {
  const layer = denseVariational({ units: 2, inputShape: [3] });
  tf.sequential({ layers: [layer] });
  const foreignSymbolic = { shape: [null, 3], dtype: 'float32', name: 'input_1', sourceLayer: {} };
  const error = t.throws(() => layer.call(foreignSymbolic as unknown as tf.Tensor, {}), { instanceOf: DuplicateTfjsError });
  t.regex(error!.message, /DenseVariational\.call: two copies of TensorFlow\.js are loaded/);
  layer.dispose();
});
