import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SEGMENT_OPTIONS, SEGMENT_SIZE_MULTIPLE } from '../../cli/command-options.js';
import { describeFailure, USAGE_EXIT_CODE } from '../../cli/failure.js';
import { INTERRUPTED_EXIT_CODE, InterruptedError } from '../../cli/interrupt.js';
import { checkValue, helpText, type OptionSpec } from '../../cli/options.js';
import { evaluateSegmentation, EVALUATION_CHUNK, foregroundVoxels } from '../../cli/segment/evaluate.js';
import { mutualInformationMax, panelRows, panelSlices } from '../../cli/segment/panel-rows.js';
import { EXPRESSION_WORDS } from '../../cli/weighting-names.js';
import { TRAINING_POSITION_FIELDS } from '../../inference/index.js';
import { EXPRESSION_CONSTANTS } from '../../inference/kl-weighting/index.js';
import { MAX_LESION_FRACTION } from '../../src/data/phantom/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { expectNoLeak } from '../helpers/leak.js';
import { CLI_PATH, runTfjsBnn } from './spawn.js';

const REGISTER = fileURLToPath(new URL('./fixtures/tf-load-register.js', import.meta.url));

function option(key: string): OptionSpec {
  const spec = SEGMENT_OPTIONS.find((s) => s.key === key);
  if (spec === undefined) throw new Error(`no option ${key}`);
  return spec;
}

test('--version prints the package version and exits 0', (t) => {
  const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const run = runTfjsBnn(['--version']);
  t.is(run.status, 0);
  t.is(run.stdout.trim(), version);
});

test('option limits have one source: the help text is generated from the same kind the check uses', (t) => {
  t.regex(helpText(option('phantomSize')), new RegExp(`a multiple of ${SEGMENT_SIZE_MULTIPLE}`));
  t.is(checkValue(option('phantomSize').kind, 44), 44);
  t.is(checkValue(option('phantomSize').kind, 42), null);
  t.regex(helpText(option('lesionFraction')), new RegExp(`in \\[0, ${MAX_LESION_FRACTION}\\]`));
  t.is(checkValue(option('lesionFraction').kind, MAX_LESION_FRACTION), MAX_LESION_FRACTION);
  t.is(checkValue(option('lesionFraction').kind, 0.3), null, 'the generator accepts at most 0.25');
  t.is(checkValue(option('learningRate').kind, 0), null, 'a learning rate of 0 trains nothing');
  t.regex(helpText(option('learningRate')), /a number > 0/);
});

test('bad arguments are rejected in one line before TensorFlow.js loads', (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['segment', '--learning-rate', '0'], /^tfjs-bnn: option '--learning-rate <lr>' argument '0' is invalid\. Expected a number > 0\.$/],
    [['segment', '--phantom-size', '42'], /Expected an integer ≥ 4, a multiple of 4\.$/],
    [['segment', '--lesion-fraction', '0.5'], /Expected a number in \[0, 0\.25\]\.$/],
    [
      ['segment', '--kl-weighting', 'blundel'],
      /^tfjs-bnn segment: argument '--kl-weighting' was "blundel"; expected a weighting name, .*did you mean 'blundell'/,
    ],
    [
      ['study', 'kl', '--weightings', 'perExample,perMiniBatch'],
      /^tfjs-bnn study kl: argument '--weightings' was "perMiniBatch".*did you mean 'perMinibatch'/,
    ],
    [['inspect', '--kl-weighting', 'temperd'], /did you mean 'tempered'/],
  ];
  for (const [args, message] of cases) {
    const run = spawnSync(process.execPath, ['--import', REGISTER, CLI_PATH, ...args], { encoding: 'utf8', timeout: 60_000 });
    t.is(run.status, USAGE_EXIT_CODE, args.join(' '));
    const lines = run.stderr.split('\n').filter((line) => line.length > 0);
    t.false(
      lines.some((line) => line.startsWith('TFJS-LOADED')),
      `${args.join(' ')}: ${run.stderr}`,
    );
    t.is(lines.length, 1, run.stderr);
    t.regex(lines[0], message);
  }
});

test('the hook of the previous test does see TensorFlow.js when a command loads it', (t) => {
  const run = spawnSync(process.execPath, ['--import', REGISTER, CLI_PATH, 'segment', '--force'], { encoding: 'utf8', timeout: 60_000 });
  t.regex(run.stderr, /TFJS-LOADED/);
  t.regex(run.stderr, /tfjs-bnn segment: argument '--force' was true; expected only together with --resume <run folder>/);
});

test('segment --resume needs a run folder with a checkpoint, and --out may only repeat it', (t) => {
  const missing = runTfjsBnn(['segment', '--resume', '/no/such/run']);
  t.is(missing.status, USAGE_EXIT_CODE);
  t.deepEqual(missing.errorLines, [
    `tfjs-bnn segment: argument '--resume' was "/no/such/run"; expected a run folder of segment holding checkpoint/checkpoint.json.`,
  ]);
  const out = runTfjsBnn(['segment', '--resume', '/no/such/run', '--out', '/elsewhere']);
  t.regex(out.errorLines[0], /argument '--out' was "\/elsewhere"; expected the --resume folder/);
});

test('messages that already name the command are not prefixed twice; interruptions exit 130', (t) => {
  const named = describeFailure(new InvalidArgumentError('tfjs-bnn segment', '--images', 'x', 'a folder'));
  t.is(named.line, `tfjs-bnn segment: argument '--images' was "x"; expected a folder.`);
  t.is(
    describeFailure(new InvalidArgumentError('fit', 'epochs', 0, 'an integer ≥ 1')).line,
    "tfjs-bnn: fit: argument 'epochs' was 0; expected an integer ≥ 1.",
  );
  const interrupted = describeFailure(new InterruptedError('Monte Carlo prediction', 'after 4 of 32 held-out slices'));
  t.is(interrupted.exitCode, INTERRUPTED_EXIT_CODE);
  t.is(interrupted.line, 'tfjs-bnn: interrupted by Ctrl-C during Monte Carlo prediction after 4 of 32 held-out slices.');
});

test('evaluateSegmentation checks the abort signal between Monte Carlo chunks and leaks nothing', async (t) => {
  const x = tf.randomUniform([3 * EVALUATION_CHUNK, 4, 4, 1], 0, 1, 'float32', 1);
  const y = tf.zeros([3 * EVALUATION_CHUNK, 4, 4, 1]);
  const controller = new AbortController();
  let calls = 0;
  const model = (input: tf.Tensor) => {
    calls += 1;
    controller.abort();
    return tf.mul(input, 2);
  };
  await expectNoLeak(t, async () => {
    const error = await t.throwsAsync(evaluateSegmentation(model, x, y, 3, 0, controller.signal), { instanceOf: InterruptedError });
    t.is(error!.detail, `after ${EVALUATION_CHUNK} of ${3 * EVALUATION_CHUNK} held-out slices`);
  });
  t.is(calls, 3, 'the 3 passes of the first chunk ran; no pass of the second');
  const complete = await evaluateSegmentation(model, x, y, 2, 0);
  t.is(complete.maps.meanProbability.length, 3 * EVALUATION_CHUNK * 16);
  tf.dispose([x, y]);
});

test("the weighting words the CLI checks before loading tfjs equal the expression module's", (t) => {
  t.deepEqual([...EXPRESSION_WORDS], [...TRAINING_POSITION_FIELDS, ...EXPRESSION_CONSTANTS]);
});

test('segment panels: mutual information has one scale for the run, the maximum over every held-out slice', (t) => {
  const size = 4;
  const slices = 3;
  const mi = new Float32Array(slices * size);
  mi.set([0.01, 0.02, 0.03, 0.04], 0);
  mi.set([0.5, 0, 0, 0], size);
  mi.set([0.001, 0, 0, 0], 2 * size);
  const maps = {
    image: new Float32Array(slices * size),
    truth: new Float32Array(slices * size),
    meanProbability: new Float32Array(slices * size),
    predictiveEntropy: new Float32Array(slices * size),
    mutualInformation: mi,
  };
  const max = mutualInformationMax(maps);
  t.is(max, Math.fround(0.5));
  const rows = panelRows(maps, [0, 2], { height: 2, width: 2 }, max);
  const ranges = rows.map((row) => row.panels.find((p) => p.title.startsWith('mutual information'))!.range);
  t.deepEqual(
    ranges,
    [
      [0, max],
      [0, max],
    ],
    'slice 0 (max 0.04) and slice 2 (max 0.001) share the run scale',
  );
  t.deepEqual(
    panelSlices({ ...maps, truth: Float32Array.from({ length: slices * size }, (_, i) => (i >= 2 * size ? 1 : 0)) }, slices, size, 2),
    [2, 0],
  );
});

test('foregroundVoxels keeps lesion and predicted-lesion voxels only', (t) => {
  const p = Float32Array.from([0.9, 0.1, 0.6, 0.2]);
  const truth = Float32Array.from([1, 0, 0, 1]);
  const kept = foregroundVoxels(p, truth);
  t.deepEqual(Array.from(kept.p), [Math.fround(0.9), Math.fround(0.6), Math.fround(0.2)]);
  t.deepEqual(Array.from(kept.truth), [1, 0, 1]);
});
