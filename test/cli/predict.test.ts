/**
 * `predict`: maps of a saved 3D model over several volumes equal `slidingWindowPredictive` called
 * directly (same noise as `segment --dims 3`'s held-out evaluation), metrics with a mask, the
 * summary files, and bad input refused with one line before anything is written.
 */
import test, { type ExecutionContext } from 'ava';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USAGE_EXIT_CODE } from '../../cli/failure.js';
import { predictVolume, type PredictedVolume } from '../../cli/predict/predict-volume.js';
import { loadVolumeModel } from '../../cli/predict/saved-model.js';
import { loadNiftiSubject } from '../../cli/segment/volume-data.js';
import { EVALUATION_STEP } from '../../cli/study/task.js';
import { diceScore } from '../../inference/metrics/index.js';
import { slidingWindowPredictive, type VolumeMaps } from '../../inference/segmentation/sliding-window.js';
import { saveModel } from '../../layers/io.js';
import { bayesianUNet } from '../../layers/unet.js';
import { brainVolumeGeometry } from '../../src/data/phantom/brain-volume.js';
import { readNifti, writeNifti } from '../../src/io/nifti-file.js';
import { MAP_FILE_NAMES } from '../../src/io/write-maps.js';
import { expectNoLeak } from '../helpers/leak.js';
import { PREDICT_VOLUME_SIZE, PREDICT_WINDOW, writePredictFixture, type PredictFixture } from './predict-fixtures.js';
import { runTfjsBnn } from './spawn.js';

const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-predict-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));
let fixture: PredictFixture;
test.before(async () => {
  fixture = await writePredictFixture(scratch);
});

const SAMPLES = 3;
const SEED = 5;

/** `slidingWindowPredictive` on one subject with the noise `predict --seed SEED` documents. */
async function directMaps(channels: readonly string[]): Promise<VolumeMaps> {
  const saved = await loadVolumeModel(fixture.modelDir, 'test');
  const subject = await loadNiftiSubject(channels, undefined, 'test');
  const volume = tf.tensor(subject.image, [1, ...subject.size, 2], 'float32');
  try {
    return await slidingWindowPredictive(saved.model, volume, {
      patchSize: [PREDICT_WINDOW, PREDICT_WINDOW, PREDICT_WINDOW],
      samples: SAMPLES,
      seed: `segment/evaluation/${SEED}`,
      step: EVALUATION_STEP,
      windowsPerBatch: 2,
    });
  } finally {
    volume.dispose();
    saved.model.dispose();
  }
}

async function expectMapsEqual(
  t: ExecutionContext,
  runDir: string,
  record: Pick<PredictedVolume, 'maps'>,
  direct: VolumeMaps,
): Promise<void> {
  for (const [key, file] of Object.entries(MAP_FILE_NAMES)) {
    const written = await readNifti(join(runDir, record.maps[file]));
    t.deepEqual(
      Array.from(written.data),
      Array.from(direct[key as keyof typeof MAP_FILE_NAMES]),
      `${file} equals slidingWindowPredictive's`,
    );
    t.deepEqual(written.geometry.affine, brainVolumeGeometry(PREDICT_VOLUME_SIZE, 6).affine, `${file} carries the input's affine`);
  }
}

test("predictVolume writes the five maps of slidingWindowPredictive, numerically equal, with the input's affine, and leaks no tensors", async (t) => {
  const runDir = join(scratch, 'in-process');
  const [subject] = fixture.subjects;
  const channels = [subject.flair, subject.t1];
  const saved = await loadVolumeModel(scratch, 'test');
  t.is(saved.dir, fixture.modelDir, 'a folder holding model/ is taken as a run folder');
  t.deepEqual(saved.patchSize, [PREDICT_WINDOW, PREDICT_WINDOW, PREDICT_WINDOW]);
  t.is(saved.channels, 2);
  try {
    const plain = await expectNoLeak(t, () =>
      predictVolume(saved, { channels }, { samples: SAMPLES, seed: SEED, minLesionSize: 3 }, runDir, { where: 'test' }),
    );
    t.is(plain.metrics, null);
    t.is(plain.name, 'subject-0-flair');
    const direct = await directMaps(channels);
    t.is(plain.windows, direct.windows);
    await expectMapsEqual(t, runDir, plain, direct);
    const masked = await expectNoLeak(t, () =>
      predictVolume(saved, { channels, mask: subject.mask }, { samples: SAMPLES, seed: SEED, minLesionSize: 3 }, join(scratch, 'masked'), {
        where: 'test',
      }),
    );
    await expectMapsEqual(t, join(scratch, 'masked'), masked, direct);
    const truth = (await loadNiftiSubject(channels, subject.mask, 'test')).mask;
    t.is(masked.metrics?.dice, diceScore(direct.meanProbability, truth));
    t.true((masked.metrics?.trueLesions ?? 0) >= 1);
    t.is(masked.tables.length, 3);
  } finally {
    saved.model.dispose();
  }
});

test('tfjs-bnn predict over three volumes with masks: maps equal the direct computation, predictions.json and the report list every volume', async (t) => {
  const out = join(scratch, 'cli-run');
  const inputs = fixture.subjects.map((s) => `${s.flair},${s.t1}`);
  const run = runTfjsBnn(
    [
      'predict',
      '--model',
      scratch,
      '--inputs',
      ...inputs,
      '--mask',
      ...fixture.subjects.map((s) => s.mask),
      '--samples',
      String(SAMPLES),
      '--seed',
      String(SEED),
      '--out',
      out,
      '--json',
    ],
    { timeoutMs: 240_000 },
  );
  t.is(run.status, 0, run.stderr);
  const predictions = JSON.parse(readFileSync(join(out, 'predictions.json'), 'utf8')) as {
    volumes: Array<PredictedVolume & { metrics: Record<string, number> }>;
    means: Record<string, number>;
    failed: unknown[];
  };
  t.deepEqual(
    predictions.volumes.map((v) => v.name),
    ['subject-0-flair', 'subject-1-flair', 'subject-2-flair'],
  );
  t.deepEqual(predictions.failed, []);
  const dice = predictions.volumes.map((v) => v.metrics.dice);
  t.is(predictions.means.dice, dice.reduce((a, b) => a + b, 0) / 3);
  await expectMapsEqual(t, out, predictions.volumes[2], await directMaps([fixture.subjects[2].flair, fixture.subjects[2].t1]));
  const report = readFileSync(join(out, 'report.html'), 'utf8');
  t.regex(report, /subject-2-flair/);
  t.regex(report, /Volumes/);
});

function refuses(t: ExecutionContext, args: string[], pattern: RegExp): void {
  const out = join(scratch, `refused-${Math.random().toString(36).slice(2)}`);
  const run = runTfjsBnn(['predict', ...args, '--samples', '1', '--out', out], { timeoutMs: 60_000 });
  t.is(run.status, USAGE_EXIT_CODE, run.stderr);
  t.is(run.errorLines.length, 1, run.stderr);
  t.regex(run.errorLines[0], pattern);
  t.false(existsSync(out), 'nothing is written');
}

test('bad input: a missing model, a 2D model, a channel count or a volume size the model cannot take, masks not one per subject', async (t) => {
  const [s0, s1] = fixture.subjects;
  const both = [`${s0.flair},${s0.t1}`, `${s1.flair},${s1.t1}`];
  refuses(
    t,
    ['--model', join(scratch, 'no-such-run'), '--inputs', ...both],
    /--model .*no-such-run holds no saved model \(looked for .*model\.json/,
  );
  refuses(
    t,
    ['--model', fixture.modelDir, '--inputs', s0.flair],
    /'input .*subject-0-flair\.nii\.gz' has shape \[1\]; expected 2 channel file\(s\) joined by commas, as the model in .* takes \[batch, d, h, w, 2\]/,
  );
  refuses(
    t,
    ['--model', fixture.modelDir, '--inputs', ...both, '--mask', s0.mask],
    /one mask per --inputs subject \(2 subject\(s\), 1 mask\(s\)\)/,
  );
  refuses(t, ['--inputs', ...both], /'--model' was "missing"/);
  const flat = bayesianUNet({ rank: 2, inputShape: [16, 16, 1], depth: 2, baseFilters: 4, posteriorInit: { seed: 1 } });
  await saveModel(flat, join(scratch, 'model-2d'));
  flat.dispose();
  refuses(
    t,
    ['--model', join(scratch, 'model-2d'), '--inputs', ...both],
    /'the input of the model in .*model-2d' has shape \[-1, 16, 16, 1\]; expected one input \[batch, d, h, w, channels\] with a fixed grid \(a 3D model/,
  );
  const small = join(scratch, 'small-flair.nii.gz');
  await writeNifti(small, new Float32Array(12 * 24 * 24).fill(1), { ...brainVolumeGeometry([12, 24, 24], 6) });
  const smallT1 = join(scratch, 'small-t1.nii.gz');
  await writeNifti(smallT1, new Float32Array(12 * 24 * 24).fill(1), { ...brainVolumeGeometry([12, 24, 24], 6) });
  const run = runTfjsBnn([
    'predict',
    '--model',
    fixture.modelDir,
    '--inputs',
    `${small},${smallT1}`,
    '--samples',
    '1',
    '--out',
    join(scratch, 'small-run'),
  ]);
  t.is(run.status, USAGE_EXIT_CODE, run.stderr);
  t.regex(
    run.errorLines[0],
    /small-flair\.nii\.gz' has shape \[12, 24, 24\]; expected a volume at least as large as the model's input grid \[16, 16, 16\]/,
  );
});
