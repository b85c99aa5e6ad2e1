import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { fit } from '../../../inference/trainer/fit.js';
import { memoryCheckpointStore, defaultCheckpointStore, setDefaultCheckpointStore } from '../../../inference/trainer/checkpoint-store.js';
import { directoryCheckpointStore } from '../../../inference/trainer/checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../../inference/trainer/checkpoint-format.js';
import { emptyHistory } from '../../../inference/trainer/history.js';
import { sha256Hex } from '../../../src/io/sha256.js';
import { BnnError, FormatError, InvalidArgumentError } from '../../../src/errors.js';
import { freshModel, lineData, perExampleElbo, tinyBnn, weightValues } from './fixtures.js';

test("sha256Hex matches FIPS 180-4 test vectors and Node's crypto on arbitrary bytes", (t) => {
  t.is(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.is(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.is(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => sha256Hex(bytes) === createHash('sha256').update(bytes).digest('hex')),
    ),
  );
});

test('checkpoint text round-trips NaN and ±Infinity, and an altered body is a FormatError', (t) => {
  const history = emptyHistory();
  const checkpoint = {
    seed: 1,
    epoch: 0,
    batchIndex: 0,
    step: 0,
    consecutiveNonFinite: 0,
    history: { ...history, skippedSteps: [{ step: 0, epoch: 0, batchIndex: 0, reason: 'x', loss: NaN }] },
    accumulator: null,
    weights: [],
    optimizer: { className: 'Adam', weights: [], stateVariables: [] },
  };
  const text = encodeCheckpoint(checkpoint as never);
  t.true(Number.isNaN((decodeCheckpoint(text, 'mem').history.skippedSteps[0] as unknown as { loss: number }).loss));
  t.throws(() => decodeCheckpoint(text.replace('"Adam"', '"Adan"'), "'mem'"), {
    instanceOf: FormatError,
    message: /'mem' is damaged: its body's sha256/,
  });
});

test('a run checkpointed in a memory store and resumed from it ends bit-identical to an uninterrupted run', async (t) => {
  const { x, y } = lineData();
  const silent = { progress: 'silent' as const, batchSize: 8, seed: 5 };
  const straight = freshModel();
  const straightOptimizer = tf.train.adam(0.01);
  await fit(straight, { x, y }, { elbo: perExampleElbo(straight), optimizer: straightOptimizer, epochs: 3, ...silent });

  const store = memoryCheckpointStore();
  const first = freshModel();
  const firstOptimizer = tf.train.adam(0.01);
  await fit(
    first,
    { x, y },
    { elbo: perExampleElbo(first), optimizer: firstOptimizer, epochs: 2, checkpoint: { dir: 'run-1', store }, ...silent },
  );
  t.deepEqual(store.locations(), ['run-1']);
  const resumed = tinyBnn(8);
  const resumedOptimizer = tf.train.adam(0.01);
  await fit(
    resumed,
    { x, y },
    {
      elbo: perExampleElbo(resumed),
      optimizer: resumedOptimizer,
      epochs: 3,
      checkpoint: { dir: 'run-1', store, resume: true },
      progress: 'silent',
      batchSize: 8,
    },
  );
  const expected = weightValues(straight);
  weightValues(resumed).forEach((w, i) => t.deepEqual(w, expected[i], `weight ${i}`));
  for (const [model, optimizer] of [
    [straight, straightOptimizer],
    [first, firstOptimizer],
    [resumed, resumedOptimizer],
  ] as const) {
    model.dispose();
    optimizer.dispose();
  }
  tf.dispose([x, y]);
});

test('without a default store (a browser build) a checkpoint directory is a BnnError that says to pass a store; a bad store is rejected', (t) => {
  const model = tinyBnn(2);
  setDefaultCheckpointStore(null);
  try {
    t.throws(() => defaultCheckpointStore('fit'), {
      instanceOf: BnnError,
      message: /fit: checkpoints in a directory need the file system.*memoryCheckpointStore/,
    });
  } finally {
    setDefaultCheckpointStore(directoryCheckpointStore);
  }
  const { x, y } = lineData();
  return t
    .throwsAsync(
      fit(
        model,
        { x, y },
        { elbo: perExampleElbo(model), optimizer: tf.train.sgd(0.1), epochs: 1, checkpoint: { dir: 'a', store: {} as never } },
      ),
      { instanceOf: InvalidArgumentError, message: /checkpoint\.store/ },
    )
    .finally(() => {
      model.dispose();
      tf.dispose([x, y]);
    });
});
