import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_FILE, CHECKPOINT_TEMP_SUFFIX, readCheckpoint, writeCheckpoint } from '../../../inference/trainer/checkpoint.js';
import { deserializeTensor, serializeTensor, type TrainerCheckpoint } from '../../../inference/trainer/checkpoint-format.js';
import { emptyHistory } from '../../../inference/trainer/history.js';
import { FormatError } from '../../../src/errors.js';
import { take } from '../../helpers/leak.js';

async function sample(step: number): Promise<TrainerCheckpoint> {
  const w = tf.tensor2d([
    [0.1, -2.5e-8],
    [Math.PI, 1e30],
  ]);
  const weights = [await serializeTensor('w', w)];
  w.dispose();
  const history = emptyHistory();
  history.epochs.push({ epoch: 0, firstStep: 0, stepsApplied: 0, stepsSkipped: 1, logs: { loss: NaN, kl: Infinity } });
  return {
    seed: 'abc',
    epoch: 1,
    batchIndex: 0,
    step,
    consecutiveNonFinite: 0,
    history,
    accumulator: null,
    weights,
    optimizer: { className: 'SGD', weights: [], stateVariables: [] },
  };
}

test('tensors round-trip bit for bit and non-finite history values survive', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-ckpt-'));
  await writeCheckpoint(dir, await sample(7));
  const loaded = await readCheckpoint(dir);
  t.not(loaded, null);
  t.is(loaded?.step, 7);
  t.deepEqual(take(deserializeTensor(loaded!.weights[0], dir)), Array.from(new Float32Array([0.1, -2.5e-8, Math.PI, 1e30])));
  t.true(Number.isNaN(loaded!.history.epochs[0].logs.loss));
  t.is(loaded!.history.epochs[0].logs.kl, Infinity);
  await fs.rm(dir, { recursive: true });
});

test('a checkpoint file is never half-written: a damaged temp file leaves the last good checkpoint loadable', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-ckpt-'));
  await writeCheckpoint(dir, await sample(10));
  // A crash in the middle of writing the next checkpoint leaves a truncated temp file behind.
  const full = await fs.readFile(path.join(dir, CHECKPOINT_FILE), 'utf8');
  await fs.writeFile(path.join(dir, CHECKPOINT_FILE + CHECKPOINT_TEMP_SUFFIX), full.slice(0, Math.floor(full.length / 2)));
  const loaded = await readCheckpoint(dir);
  t.is(loaded?.step, 10, 'the last complete checkpoint is still read');
  // The next write replaces both.
  await writeCheckpoint(dir, await sample(20));
  t.is((await readCheckpoint(dir))?.step, 20);
  await t.throwsAsync(fs.access(path.join(dir, CHECKPOINT_FILE + CHECKPOINT_TEMP_SUFFIX)));
  await fs.rm(dir, { recursive: true });
});

test('a damaged or foreign checkpoint file is a FormatError, a missing one is null', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bnn-ckpt-'));
  t.is(await readCheckpoint(dir), null);
  await writeCheckpoint(dir, await sample(3));
  const file = path.join(dir, CHECKPOINT_FILE);
  const text = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, text.replace('"step":3', '"step":4'));
  const altered = await t.throwsAsync(readCheckpoint(dir), { instanceOf: FormatError });
  t.regex(altered.message, /is damaged: its body's sha256/);
  await fs.writeFile(file, text.slice(0, text.length - 40));
  await t.throwsAsync(readCheckpoint(dir), { instanceOf: FormatError });
  await fs.writeFile(file, '{"hello": 1}\n{}');
  const foreign = await t.throwsAsync(readCheckpoint(dir), { instanceOf: FormatError });
  t.regex(foreign.message, /expected tfjs-bnn-trainer-checkpoint version 1/);
  await fs.rm(dir, { recursive: true });
});
