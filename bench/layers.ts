/**
 * Bench of the variational layers: one training step (forward + KL + backward) of
 *   - an MLP 784-400-400-10, batch 128, and
 *   - a conv net 1→16→32→16→1 (3×3 'same', relu) on [8, 64, 64, 1],
 * for each estimator against the same architecture built from plain tf.layers. Prints the median
 * step time, the overhead ratio (variational / deterministic) and the share of the step spent
 * generating noise (the draws are timed separately, by wrapping the noise source).
 *
 *   node dist/bench/layers.js [--steps N] [--warmup N] [--quick] [--skip-conv]
 *
 * --quick: 3 steps after 1 warm-up for the conv rows (very slow on the pure-JS cpu backend).
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend } from '../src/backend/index.js';
import { NoiseSource, type NoisePosition, type RandomDraws } from '../src/random/index.js';
import { withNoise } from '../src/random/index.js';
import { collectKL, disposeKLBreakdown, ESTIMATORS } from '../layers/index.js';
import { convNet, mlp, type ModelKind } from './models.js';
import { median } from './stats.js';
import { checkedArgv, integerFlag } from './flags.js';

/** A noise source that adds the wall time of every draw to `drawMs`. */
class TimedNoiseSource extends NoiseSource {
  drawMs = 0;

  override draws(position: NoisePosition, path: string): RandomDraws {
    const inner = super.draws(position, path);
    const timed = (fn: (shape: readonly number[]) => tf.Tensor) => (shape: readonly number[]) => {
      const start = performance.now();
      const result = fn(shape);
      this.drawMs += performance.now() - start;
      return result;
    };
    return { normal: timed((s) => inner.normal(s)), uniform: timed((s) => inner.uniform(s)), signs: timed((s) => inner.signs(s)) };
  }
}

interface Row {
  network: string;
  kind: ModelKind;
  medianMs: number;
  noiseMs: number;
}

async function benchStep(
  network: string,
  kind: ModelKind,
  model: tf.LayersModel,
  x: tf.Tensor,
  steps: number,
  warmup: number,
): Promise<Row> {
  const noise = new TimedNoiseSource(1);
  const times: number[] = [];
  const noiseTimes: number[] = [];
  for (let step = 0; step < warmup + steps; step++) {
    noise.drawMs = 0;
    const start = performance.now();
    const { value, grads } = tf.variableGrads(() =>
      withNoise(noise, { step }, () =>
        tf.tidy(() => {
          const output = model.apply(x, { training: true }) as tf.Tensor;
          const nll = tf.mean(tf.square(output));
          if (kind === 'deterministic') return nll as tf.Scalar;
          const kl = collectKL(model);
          const loss = tf.add(nll, tf.div(kl.total, 60000)) as tf.Scalar;
          disposeKLBreakdown(kl);
          return loss;
        }),
      ),
    );
    // Reading the loss and the gradients makes the (possibly asynchronous) backend finish the step.
    await value.data();
    await Promise.all(Object.values(grads).map((g) => g.data()));
    tf.dispose([value, ...Object.values(grads)]);
    if (step >= warmup) {
      times.push(performance.now() - start);
      noiseTimes.push(noise.drawMs);
    }
  }
  return { network, kind, medianMs: median(times), noiseMs: median(noiseTimes) };
}

async function main(): Promise<void> {
  const argv = checkedArgv(
    process.argv.slice(2),
    'bench/layers',
    'Usage: node dist/bench/layers.js [--steps N] [--warmup N] [--quick] [--skip-conv]',
    { values: ['--steps', '--warmup'], switches: ['--quick', '--skip-conv'] },
  );
  await initBackend();
  const quick = argv.includes('--quick');
  const steps = integerFlag(argv, '--steps', 10, 'bench/layers');
  const warmup = integerFlag(argv, '--warmup', 2, 'bench/layers');
  const convSteps = quick ? Math.min(steps, 3) : steps;
  const convWarmup = quick ? 1 : warmup;
  const info = backendInfo();
  console.log(`backend: ${JSON.stringify(info)}; MLP ${steps} steps after ${warmup} warm-up; conv ${convSteps} after ${convWarmup}`);
  const rows: Row[] = [];
  const networks: Array<[string, (k: ModelKind) => tf.LayersModel, number[], number, number]> = [
    ['MLP 784-400-400-10, batch 128', mlp, [128, 784], steps, warmup],
  ];
  if (!argv.includes('--skip-conv')) networks.push(['conv 1→16→32→16→1, [8, 64, 64, 1]', convNet, [8, 64, 64, 1], convSteps, convWarmup]);
  for (const [network, build, shape, n, w] of networks) {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
    for (const kind of ['deterministic', ...ESTIMATORS] as ModelKind[]) {
      const model = build(kind);
      rows.push(await benchStep(network, kind, model, x, n, w));
      model.dispose();
      const row = rows[rows.length - 1];
      console.log(`  ${network} | ${kind}: ${row.medianMs.toFixed(1)} ms`);
    }
    x.dispose();
  }
  console.log('\n| network | layers | step (median, ms) | × deterministic | noise generation (ms, share) |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) {
    const base = rows.find((r) => r.network === row.network && r.kind === 'deterministic')!;
    const share = row.medianMs > 0 ? (100 * row.noiseMs) / row.medianMs : 0;
    console.log(
      `| ${row.network} | ${row.kind} | ${row.medianMs.toFixed(1)} | ${(row.medianMs / base.medianMs).toFixed(2)} | ${row.noiseMs.toFixed(1)} (${share.toFixed(0)} %) |`,
    );
  }
}

await main();
