/**
 * Short spawned runs of the commands that train (tiny sizes so each takes seconds), and the
 * failures of their inputs.
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERRUPTED_EXIT_CODE } from '../../cli/interrupt.js';
import { USAGE_EXIT_CODE } from '../../cli/failure.js';
import { CLI_PATH, runTfjsBnn } from './spawn.js';

const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-runs-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

const TINY_SEGMENT = ['segment', '--epochs', '1', '--phantom-size', '16', '--phantom-count', '4', '--batch-size', '3', '--samples', '2'];

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

test('segment --json on a tiny phantom ends stdout with dice, auroc, ece, wall time and the paths it wrote', (t) => {
  const out = join(scratch, 'segment');
  const run = runTfjsBnn([...TINY_SEGMENT, '--out', out, '--json'], { timeoutMs: 120_000 });
  t.is(run.status, 0, run.stderr);
  const result = lastJson(run.stdout) as {
    dice: number;
    auroc: number;
    ece: number;
    wallTimeSeconds: number;
    paths: { report: string; results: string; checkpoint: string; model: string; nifti: Record<string, string>; panels: string[] };
  };
  // The run is seeded (phantom, initialisation, noise, batches): its metrics are known values.
  // The child process gets the same backend as this one. On 'tensorflow' the normals come from
  // TensorFlow's stateless generator, elsewhere from the Alea stream (src/random), so each has its
  // own reference; 0.02 absolute leaves room for another backend's rounding.
  const reference =
    tf.getBackend() === 'tensorflow'
      ? { dice: 0, ece: 0.2627, nll: 0.3445, auroc: 0.0725 }
      : { dice: 0, ece: 0.2459, nll: 0.3193, auroc: 0.0949 };
  for (const [key, expected] of Object.entries(reference)) {
    const value = (result as unknown as Record<string, number>)[key];
    t.true(Math.abs(value - expected) <= 0.02, `${key} ${value}, expected ${expected} ± 0.02 for this seed`);
  }
  t.true(result.wallTimeSeconds > 0);
  for (const path of [
    result.paths.report,
    result.paths.results,
    join(result.paths.checkpoint, 'checkpoint.json'),
    join(result.paths.model, 'model.json'),
    join(result.paths.model, 'weights.bin'),
    ...Object.values(result.paths.nifti),
    ...result.paths.panels,
  ]) {
    t.true(existsSync(path), `${path} exists`);
  }
  t.is(Object.keys(result.paths.nifti).length, 3);
  const results = JSON.parse(readFileSync(result.paths.results, 'utf8')) as { summary: { dice: number }; figures: Array<{ id: string }> };
  t.is(results.summary.dice, result.dice);
  // perExample's weight is constant: stated in one line, not charted; the foreground diagram needs lesion voxels.
  t.deepEqual(
    results.figures.map((f) => f.id).filter((id) => id !== 'reliability-foreground'),
    ['loss-parts', 'reliability', 'retention'],
  );
  t.true(run.stdout.trim().split('\n').length === 1, 'with --json stdout holds only the result line');
});

test('segment input failures give one line naming the problem', (t) => {
  const missing = join(scratch, 'no-such-folder');
  const images = runTfjsBnn(['segment', '--images', missing, '--out', join(scratch, 'x')]);
  t.is(images.status, USAGE_EXIT_CODE);
  t.is(images.errorLines.length, 1, images.stderr);
  t.regex(images.errorLines[0], new RegExp(`^tfjs-bnn segment: --images ${missing}: folder ${missing} does not exist`));
  const nifti = runTfjsBnn(['segment', '--nifti', join(scratch, 'a.nii'), join(scratch, 'b.nii')]);
  t.is(nifti.status, USAGE_EXIT_CODE);
  t.regex(nifti.errorLines[0], /--nifti file .*a\.nii does not exist/);
  const expression = runTfjsBnn(['segment', '--kl-weighting', 'epoch +* 2']);
  t.is(expression.status, USAGE_EXIT_CODE);
  t.is(expression.errorLines.length, 1);
  t.regex(expression.errorLines[0], /^tfjs-bnn: klWeighting\.expression/);
  const size = runTfjsBnn(['segment', '--phantom-size', '18']);
  t.is(size.status, USAGE_EXIT_CODE);
  t.regex(size.errorLines[0], /option '--phantom-size <px>' argument '18' is invalid\. Expected an integer ≥ 4, a multiple of 4\./);
});

test('study kl on the regression toy compares the weightings given and writes its report', (t) => {
  const out = join(scratch, 'study');
  const run = runTfjsBnn(
    ['study', 'kl', '--task', 'regression-toy', '--epochs', '2', '--weightings', 'perExample,blundell', '--out', out, '--json'],
    { timeoutMs: 120_000 },
  );
  t.is(run.status, 0, run.stderr);
  const result = lastJson(run.stdout) as {
    means: Record<string, Record<string, number>>;
    runs: Array<{ weighting: string; reduction: string; metrics: Record<string, number> }>;
    paths: { report: string };
  };
  t.deepEqual(Object.keys(result.means), ['perExample', 'blundell']);
  t.is(result.runs.length, 6, '2 weightings × the default 3 seeds');
  t.deepEqual(
    result.runs.map((r) => r.reduction),
    ['mean', 'mean', 'mean', 'sum', 'sum', 'sum'],
  );
  for (const r of result.runs)
    for (const key of ['nll', 'rmse', 'stdIn', 'stdOut', 'stdRatio']) t.true(Number.isFinite(r.metrics[key]), key);
  t.true(existsSync(result.paths.report));
  t.regex(readFileSync(result.paths.report, 'utf8'), /test RMSE/);
});

test('inspect prints the per-layer table of gradient norms and writes the ratio chart', (t) => {
  const out = join(scratch, 'inspect');
  const run = runTfjsBnn(['inspect', '--steps', '2', '--out', out], { timeoutMs: 120_000 });
  t.is(run.status, 0, run.stderr);
  t.regex(run.stdout, /^layer\s+‖∇NLL‖\s+‖∇KL·w‖\s+ratio\s+cosine$/m);
  for (const layer of ['dense_1', 'dense_2', 'dense_3']) t.regex(run.stdout, new RegExp(`^${layer}\\s+\\S+`, 'm'));
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    figures: Array<{ id: string }>;
    gradientRatios: unknown[];
  };
  t.true(results.figures.some((f) => f.id === 'gradient-ratio'));
  t.is(results.gradientRatios.length, 6, '3 layers × 2 steps');
});

test('Ctrl-C stops segment cleanly: exit 130, the last checkpoint and a partial report', async (t) => {
  const out = join(scratch, 'interrupted');
  const child = spawn(
    process.execPath,
    [
      CLI_PATH,
      'segment',
      '--epochs',
      '200',
      '--phantom-size',
      '16',
      '--phantom-count',
      '4',
      '--batch-size',
      '3',
      '--samples',
      '2',
      '--out',
      out,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // After the second epoch line a checkpoint exists; then interrupt.
    if (!signalled && (stdout.match(/^epoch \d+\/200/gm) ?? []).length >= 2) {
      signalled = true;
      child.kill('SIGINT');
    }
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.true(signalled, `the run printed epoch lines: ${stdout} ${stderr}`);
  t.is(status, INTERRUPTED_EXIT_CODE, stderr);
  t.regex(stderr, /interrupted; stopping after the current step/);
  t.true(existsSync(join(out, 'checkpoint', 'checkpoint.json')));
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { status: string; summary: { epochsCompleted: number } };
  t.is(results.status, 'interrupted');
  t.true(results.summary.epochsCompleted < 200);
  t.regex(readFileSync(join(out, 'report.html'), 'utf8'), /interrupted: partial results/);
});

test('segment --resume continues a run from its checkpoint; other options are refused with each difference unless --force', (t) => {
  const out = join(scratch, 'resumable');
  const first = runTfjsBnn([...TINY_SEGMENT, '--out', out, '--json'], { timeoutMs: 120_000 });
  t.is(first.status, 0, first.stderr);
  t.is(lastJson(first.stdout).epochsCompleted, 1);
  const more = TINY_SEGMENT.map((arg, i) => (TINY_SEGMENT[i - 1] === '--epochs' ? '2' : arg));
  const resumed = runTfjsBnn([...more, '--resume', out, '--json'], { timeoutMs: 120_000 });
  t.is(resumed.status, 0, resumed.stderr);
  const result = lastJson(resumed.stdout) as { epochsCompleted: number; steps: number; paths: { out: string } };
  t.is(result.epochsCompleted, 2, 'the second run continued the first epoch count');
  t.is(result.steps, 2, 'one step per epoch (3 training images, batch 3), both in the history');
  t.is(result.paths.out, out);
  const changed = more.map((arg, i) => (more[i - 1] === '--batch-size' ? '2' : more[i - 1] === '--epochs' ? '3' : arg));
  const refused = runTfjsBnn([...changed, '--resume', out], { timeoutMs: 120_000 });
  t.is(refused.status, USAGE_EXIT_CODE, refused.stderr);
  t.is(refused.errorLines.length, 1, refused.stderr);
  t.regex(
    refused.errorLines[0],
    /^tfjs-bnn: fit \(resume\): the checkpoint in .* batchSize was 3, is now 2; numBatches was 1, is now 2.*--force/,
  );
  const forced = runTfjsBnn([...changed, '--resume', out, '--force', '--json'], { timeoutMs: 120_000 });
  t.is(forced.status, 0, forced.stderr);
  t.is(lastJson(forced.stdout).epochsCompleted, 3);
});
