/**
 * `segment --dims 3` and `segment --nifti SUBJECT… --mask MASK…`: a tiny run end to end, and every
 * bad input refused with one line naming the file, before the run folder exists.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USAGE_EXIT_CODE } from '../../cli/failure.js';
import { generateBrainVolumes, brainVolumeGeometry } from '../../src/data/phantom/brain-volume.js';
import { writeBrainVolumes } from '../../src/data/phantom/write-volumes.js';
import { readNifti, writeNifti } from '../../src/io/nifti-file.js';
import { runTfjsBnn } from './spawn.js';

const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-volumes-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

const SIZE = [24, 32, 32] as const;
const TINY = ['--patch-size', '16', '--epochs', '1', '--samples', '2', '--patches-per-epoch', '4', '--batch-size', '2'];
const brains = generateBrainVolumes({ seed: 'cli', count: 3, size: SIZE, spacingMm: 6, lesionFraction: 0.004 });
let files: Awaited<ReturnType<typeof writeBrainVolumes>> = [];
let subjects: string[] = [];
let masks: string[] = [];
test.before(async () => {
  files = await writeBrainVolumes(join(scratch, 'subjects'), brains);
  subjects = files.map((f) => `${f.flair},${f.t1}`);
  masks = files.map((f) => f.mask);
});

test('segment --dims 3 on the brain phantom writes the five maps per held-out volume, the lesion tables and orthogonal views', (t) => {
  const out = join(scratch, 'phantom-run');
  const run = runTfjsBnn(['segment', '--dims', '3', '--volume-size', SIZE.join(','), '--volumes', '3', ...TINY, '--out', out, '--json'], {
    timeoutMs: 180_000,
  });
  t.is(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as {
    dims: number;
    dice: number;
    auroc: number;
    trueLesions: number;
    paths: { nifti: Record<string, Record<string, string>>; results: string };
  };
  t.is(result.dims, 3);
  t.true(result.dice >= 0 && result.dice <= 1);
  t.true(result.trueLesions >= 1);
  const [subject] = Object.keys(result.paths.nifti);
  t.deepEqual(Object.keys(result.paths.nifti[subject]), [
    'mean-probability',
    'predictive-entropy',
    'expected-entropy',
    'mutual-information',
    'variance',
  ]);
  const results = JSON.parse(readFileSync(result.paths.results, 'utf8')) as {
    tables: Array<{ title: string }>;
    panels: Array<{ caption: string }>;
  };
  t.is(results.tables.length, 3);
  t.regex(results.tables[0].title, /most uncertain/);
  t.deepEqual(
    results.panels.map((p) => p.caption.split(', ')[1].split(' ')[0]),
    ['axial', 'coronal', 'sagittal'],
  );
});

test("segment --nifti with two channels per subject and --mask: maps carry the held-out subject's affine; predict with the saved model reproduces them", async (t) => {
  const out = join(scratch, 'nifti-run');
  const run = runTfjsBnn(['segment', '--nifti', ...subjects, '--mask', ...masks, ...TINY, '--out', out, '--json'], { timeoutMs: 180_000 });
  t.is(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { paths: { nifti: Record<string, Record<string, string>> } };
  t.deepEqual(Object.keys(result.paths.nifti), ['subject-2-flair']);
  const map = await readNifti(result.paths.nifti['subject-2-flair']['mutual-information']);
  t.deepEqual(map.geometry.affine, brainVolumeGeometry(SIZE, 6).affine);
  t.deepEqual(map.geometry.dims, [32, 32, 24]);

  // The saved model reproduces the run's held-out maps and metrics through predict (same seed and samples).
  const predicted = runTfjsBnn(
    [
      'predict',
      '--model',
      out,
      '--inputs',
      subjects[2],
      '--mask',
      masks[2],
      '--samples',
      '2',
      '--out',
      join(scratch, 'predicted'),
      '--json',
    ],
    { timeoutMs: 180_000 },
  );
  t.is(predicted.status, 0, predicted.stderr);
  const volume = (
    JSON.parse(predicted.stdout.trim().split('\n').pop() as string) as {
      volumes: Array<{ maps: Record<string, string>; metrics: Record<string, number> }>;
    }
  ).volumes[0];
  for (const [name, path] of Object.entries(result.paths.nifti['subject-2-flair'])) {
    const [fromRun, fromPredict] = await Promise.all([readNifti(path), readNifti(join(scratch, 'predicted', volume.maps[name]))]);
    t.deepEqual(
      Array.from(fromPredict.data),
      Array.from(fromRun.data),
      `${name}: predict with the saved model equals the run's held-out map`,
    );
  }
  const runResult = result as unknown as Record<string, number>;
  for (const key of ['dice', 'auroc', 'ece', 'trueLesions', 'lesionTpr']) t.is(volume.metrics[key], runResult[key], key);
});

/** Runs a bad input and checks: usage exit code, one error line matching `pattern`, no run folder. */
function refuses(t: ExecutionContext, args: string[], pattern: RegExp): void {
  const out = join(scratch, `refused-${Math.random().toString(36).slice(2)}`);
  const run = runTfjsBnn(['segment', ...args, ...TINY, '--out', out], { timeoutMs: 60_000 });
  t.is(run.status, USAGE_EXIT_CODE, run.stderr);
  t.is(run.errorLines.length, 1, run.stderr);
  t.regex(run.errorLines[0], pattern);
  t.false(existsSync(out), 'nothing is written');
}

test('bad input: image and mask of different shapes, or different affines, name the file and what differs', async (t) => {
  const geometry = brainVolumeGeometry(SIZE, 6);
  const smaller = join(scratch, 'mask-smaller.nii.gz');
  await writeNifti(smaller, new Float32Array(32 * 32 * 20), { ...geometry, dims: [32, 32, 20] });
  refuses(
    t,
    ['--nifti', ...subjects, '--mask', masks[0], smaller, masks[2]],
    /mask-smaller\.nii\.gz' has shape \[32, 32, 20\]; expected the grid of .*subject-1-flair\.nii\.gz, \[32, 32, 24\]/,
  );
  const shifted = join(scratch, 'mask-shifted.nii.gz');
  const mask = await readNifti(masks[1]);
  await writeNifti(shifted, mask.data, {
    ...geometry,
    affine: geometry.affine.map((row, r) => (r === 0 ? [row[0], row[1], row[2], row[3] + 4] : [...row])),
  });
  refuses(
    t,
    ['--nifti', ...subjects, '--mask', masks[0], shifted, masks[2]],
    /mask-shifted\.nii\.gz' was "an affine differing from that of .*subject-1-flair\.nii\.gz by up to 4\.00 mm"/,
  );
});

test('bad input: channels on different grids, NaN voxels, a patch larger than the volume, empty masks', async (t) => {
  const geometry = brainVolumeGeometry(SIZE, 6);
  const otherGrid = join(scratch, 't1-other-grid.nii.gz');
  await writeNifti(otherGrid, new Float32Array(30 * 32 * 24), { ...geometry, dims: [30, 32, 24] });
  refuses(
    t,
    ['--nifti', subjects[0], `${files[1].flair},${otherGrid}`, subjects[2], '--mask', ...masks],
    /t1-other-grid\.nii\.gz' has shape \[30, 32, 24\]/,
  );
  const withNaN = join(scratch, 'flair-nan.nii.gz');
  const flair = await readNifti(files[0].flair);
  const values = Float32Array.from(flair.data);
  values[123] = Number.NaN;
  await writeNifti(withNaN, values, flair.geometry);
  refuses(
    t,
    ['--nifti', `${withNaN},${files[0].t1}`, subjects[1], subjects[2], '--mask', ...masks],
    /flair-nan\.nii\.gz' was "a volume with NaN voxel 123"/,
  );
  const args = ['--nifti', ...subjects, '--mask', ...masks];
  const big = runTfjsBnn(['segment', ...args, ...TINY, '--patch-size', '28', '--out', join(scratch, 'big')]);
  t.is(big.status, USAGE_EXIT_CODE);
  t.regex(
    big.errorLines[0],
    /'--patch-size for subject-0-flair' has shape \[28, 28, 28\]; expected at most the volume's size \[24, 32, 32\]/,
  );
  t.false(existsSync(join(scratch, 'big')));
  const empty = join(scratch, 'mask-empty.nii.gz');
  await writeNifti(empty, new Float32Array(32 * 32 * 24), geometry);
  refuses(
    t,
    ['--nifti', ...subjects, '--mask', empty, empty, masks[2]],
    /'--mask' was \["subject-0-flair", "subject-1-flair"\]; expected training masks holding at least one lesion voxel/,
  );
  refuses(t, ['--nifti', ...subjects, '--mask', masks[0]], /one mask per --nifti subject \(3 subject\(s\), 1 mask\(s\)\)/);
});

test('segment --dims 3 --resume: one epoch, then resumed to two, equals two epochs straight (weights, history and metrics)', (t) => {
  const withEpochs = (epochs: number) => [
    'segment',
    '--dims',
    '3',
    '--volume-size',
    SIZE.join(','),
    '--volumes',
    '3',
    ...TINY.map((arg, i) => (TINY[i - 1] === '--epochs' ? String(epochs) : arg)),
    '--json',
  ];
  const straightOut = join(scratch, 'straight');
  const resumedOut = join(scratch, 'resumed');
  const straight = runTfjsBnn([...withEpochs(2), '--out', straightOut], { timeoutMs: 240_000 });
  t.is(straight.status, 0, straight.stderr);
  const first = runTfjsBnn([...withEpochs(1), '--out', resumedOut], { timeoutMs: 240_000 });
  t.is(first.status, 0, first.stderr);
  const resumed = runTfjsBnn([...withEpochs(2), '--resume', resumedOut], { timeoutMs: 240_000 });
  t.is(resumed.status, 0, resumed.stderr);
  type Result = { epochsCompleted: number; steps: number; paths: { out: string; model: string; results: string } } & Record<
    string,
    unknown
  >;
  const a = JSON.parse(straight.stdout.trim().split('\n').pop() as string) as Result;
  const b = JSON.parse(resumed.stdout.trim().split('\n').pop() as string) as Result;
  t.is(b.paths.out, resumedOut, 'the resumed run writes into its own folder');
  t.is(b.epochsCompleted, 2);
  t.is(b.steps, a.steps);
  t.deepEqual(readFileSync(join(b.paths.model, 'weights.bin')), readFileSync(join(a.paths.model, 'weights.bin')), 'identical weights');
  for (const key of ['dice', 'auroc', 'aurocMutualInformation', 'ece', 'trueLesions', 'predictedLesions', 'lesionTpr', 'lesionFdr'])
    t.is(b[key], a[key], key);
  const history = (path: string) =>
    (JSON.parse(readFileSync(path, 'utf8')) as { training: Array<{ loss: number }> }).training.map((p) => p.loss);
  t.deepEqual(history(b.paths.results), history(a.paths.results), 'the same losses step by step');
  const refused = runTfjsBnn([...withEpochs(2), '--resume', join(scratch, 'no-such-run')]);
  t.is(refused.status, USAGE_EXIT_CODE);
  t.regex(refused.errorLines[0], /'--resume' was .*no-such-run"; expected a run folder of segment holding checkpoint\/checkpoint\.json/);
});
