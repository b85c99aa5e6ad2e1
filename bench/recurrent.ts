/**
 * Bench of the variational recurrent layers: one training step (forward + KL + backward + Adam,
 * through the ELBO for variational models) of a 2-layer LSTM, 128 units, on [32, 64, 32]
 * (batch 32, sequence 64, 32 features), one sigmoid output per sequence, deterministic
 * (tf.layers.lstm) vs reparameterization vs Flipout (lstmVariational), on the backend this process
 * selects (`TFJS_BNN_BACKEND=tensorflow|cpu`, else the best available), with the PyTorch +
 * bayesian-torch peer (`bench/python/peer_lstm.py`: nn.LSTM, LSTMReparameterization, LSTMFlipout)
 * timed in the same invocation when its Python imports torch and bayesian_torch.
 *
 *   node dist/bench/recurrent.js [--steps 10] [--warmup 2] [--python python3 | --no-peer] [--json]
 *
 * Both sides use sigmoid gates and tanh activations (PyTorch's LSTM has no other choice).
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { backendInfo, initBackend } from '../src/backend/index.js';
import { NoiseSource } from '../src/random/index.js';
import { denseVariational, lstmVariational, type Estimator } from '../layers/index.js';
import { Elbo } from '../inference/elbo/index.js';
import { bernoulli } from '../inference/likelihoods/index.js';
import { perExample } from '../inference/kl-weighting/index.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';
import { PEER_FAIR_ENV, peerAvailable } from './peer.js';
import { median } from './stats.js';
import { BENCH_DATASET_SIZE, BENCH_LEARNING_RATE } from './cases.js';

/** Shape of the bench: batch, sequence length, input features, units per layer. */
export const LSTM_BENCH = { batch: 32, time: 64, features: 32, units: 128 } as const;
/** Kinds of the rows, in table order. */
export const LSTM_KINDS = ['deterministic', 'reparameterization', 'flipout'] as const;
type LstmKind = (typeof LSTM_KINDS)[number];

/** The 2-layer LSTM and its 1-unit head, deterministic or variational with `estimator`. */
export function lstmBenchModel(kind: LstmKind): tf.LayersModel {
  const { time, features, units } = LSTM_BENCH;
  const gates = { activation: 'tanh', recurrentActivation: 'sigmoid' } as const;
  if (kind === 'deterministic') {
    return tf.sequential({
      layers: [
        tf.layers.lstm({ units, returnSequences: true, inputShape: [time, features], ...gates }),
        tf.layers.lstm({ units, ...gates }),
        tf.layers.dense({ units: 1 }),
      ],
    });
  }
  const estimator: Estimator = kind;
  return tf.sequential({
    layers: [
      lstmVariational({ units, returnSequences: true, inputShape: [time, features], estimator, ...gates }),
      lstmVariational({ units, estimator, ...gates }),
      denseVariational({ units: 1, estimator }),
    ],
  });
}

/** Median and range (ms) of `steps` training steps after `warmup`. */
async function timeSteps(kind: LstmKind, steps: number, warmup: number): Promise<{ medianMs: number; minMs: number; maxMs: number }> {
  const { batch, time, features } = LSTM_BENCH;
  const model = lstmBenchModel(kind);
  const x = tf.randomNormal([batch, time, features], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, 1], 0, 1, 'float32', 2), 0.5), 'float32'));
  const optimizer = tf.train.adam(BENCH_LEARNING_RATE);
  const noise = new NoiseSource(1);
  const elbo = kind === 'deterministic' ? null : new Elbo(model, { likelihood: bernoulli(), klWeighting: perExample() });
  const loss = (step: number) => () =>
    elbo === null
      ? (tf.tidy(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar)
      : elbo.term('loss', x, y, { epoch: 0, step, batchIndex: 0, numBatches: 1, datasetSize: BENCH_DATASET_SIZE }, noise);
  const times: number[] = [];
  for (let step = 0; step < warmup + steps; step++) {
    const start = performance.now();
    const value = optimizer.minimize(loss(step), true);
    if (value === null) throw new Error('bench/recurrent: the optimizer returned no loss');
    await value.data();
    value.dispose();
    if (step >= warmup) times.push(performance.now() - start);
  }
  optimizer.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
}

/** The peer's median (ms) for `kind`, or the reason it is missing. */
function peerMedian(python: string, kind: LstmKind, steps: number, warmup: number): number | string {
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'python', 'peer_lstm.py');
  const done = spawnSync(python, [script, '--json', '--rows', `lstm/${kind}`, '--steps', String(steps), '--warmup', String(warmup)], {
    env: { ...process.env, ...PEER_FAIR_ENV },
    encoding: 'utf8',
  });
  const line = (done.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) return (done.stderr ?? '').trim().split('\n').pop() ?? 'no output';
  const result = JSON.parse(line) as { medianMs?: number; error?: string };
  return typeof result.medianMs === 'number' ? result.medianMs : String(result.error);
}

async function main(): Promise<void> {
  const usage =
    'Usage: node dist/bench/recurrent.js [--steps 10] [--warmup 2] [--python python3 | --no-peer] [--json]\n\nOne training step of a 2-layer LSTM (128 units, sequence 64, batch 32): deterministic vs reparameterization vs Flipout, with the PyTorch + bayesian-torch peer.';
  const argv = checkedArgv(process.argv.slice(2), 'bench/recurrent', usage, {
    values: ['--steps', '--warmup', '--python'],
    switches: ['--no-peer', '--json'],
  });
  const steps = integerFlag(argv, '--steps', 10, 'bench/recurrent');
  const warmup = integerFlag(argv, '--warmup', 2, 'bench/recurrent');
  const python = argv.includes('--no-peer') ? null : stringFlag(argv, '--python', 'python3');
  await initBackend();
  const backend = backendInfo()?.name ?? tf.getBackend();
  const withPeer = python !== null && peerAvailable(python);
  const { batch, time, features, units } = LSTM_BENCH;
  const label = `2-layer LSTM ${units} units step, [${batch}, ${time}, ${features}]`;
  console.log(
    `backend ${backend}; ${steps} steps after ${warmup} warm-up; peer: ${withPeer ? python : 'not available (needs torch and bayesian_torch)'}`,
  );
  const rows = [];
  for (const kind of LSTM_KINDS) {
    const ours = await timeSteps(kind, steps, warmup);
    const peer = withPeer && python !== null ? peerMedian(python, kind, steps, warmup) : 'not measured';
    rows.push({
      model: label,
      kind,
      backend,
      ...ours,
      peerMs: typeof peer === 'number' ? peer : null,
      peerNote: typeof peer === 'number' ? 'measured' : peer,
    });
    console.log(
      `  ${kind}: ${ours.medianMs.toFixed(1)} ms (min ${ours.minMs.toFixed(1)}, max ${ours.maxMs.toFixed(1)}); peer ${typeof peer === 'number' ? `${peer.toFixed(1)} ms` : peer}`,
    );
  }
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ rows }));
    return;
  }
  console.log(`\n| model | layers | backend | step (median, ms) | × deterministic | bayesian-torch (ms) | ratio |`);
  console.log('|---|---|---|---|---|---|---|');
  const base = rows[0].medianMs;
  for (const row of rows) {
    const ratio = row.peerMs === null ? 'n/a' : (row.medianMs / row.peerMs).toFixed(2);
    console.log(
      `| ${row.model} | ${row.kind} | ${row.backend} | ${row.medianMs.toFixed(1)} | ${(row.medianMs / base).toFixed(2)} | ${row.peerMs === null ? row.peerNote : row.peerMs.toFixed(1)} | ${ratio} |`,
    );
  }
}

await main();
