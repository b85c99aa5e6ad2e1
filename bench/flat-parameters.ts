/**
 * Lever 1 of issue 13, measured before it is built into the layers: a hand-written Bayes-by-Backprop
 * step of a ReLU MLP (Gaussian likelihood σ = 1, N(0, 1) prior, KL weight 1/N, Adam) with its
 * variational parameters stored two ways:
 *  - `per-variable`: a `loc` and a `rawScale` variable per weight tensor (what the library and the
 *    bench's `hand-written` row do): softplus, noise, w = loc + σ·ε and the closed-form KL per tensor;
 *  - `flat`: all `loc` in one [P] variable, all `rawScale` in another: softplus, one [P] draw,
 *    w = loc + σ·ε and the KL once, then one `SplitV` into the layers' kernels and biases (its
 *    gradient is one `Concat`) and a reshape per kernel;
 *  - `gathered`: stored per variable, concatenated into the two [P] buffers once per step, then as `flat`.
 *
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/flat-parameters.js [--steps 30] [--warmup 3]
 *
 * Prints kernels per step and an interleaved A/B of the step times, wall and CPU (user + system of
 * the process, all threads; less sensitive to other load than wall time), with the variants
 * alternating in one process so load hits them alike, for the 13-50-1 regression MLP of the `hand-written` row
 * (batch 32) and the 784-400-400-10 MLP of the `mlp` rows (batch 128).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { adam } from '../src/optimizers/index.js';
import { checkedArgv, integerFlag } from './flags.js';
import { stepCost } from './reads.js';
import { median } from './stats.js';

/**
 * How the variational parameters are stored and processed: per variable; flat (one [P] `loc` and
 * one [P] `rawScale` variable); or `gathered`: stored per variable (as the layers store them, so
 * save/load and per-layer views are untouched) but concatenated into [P] buffers once per step
 * (one `Concat` each, whose gradient is one `SplitV`) and processed as in `flat`.
 */
export type ParameterLayout = 'per-variable' | 'flat' | 'gathered';

/** A prepared hand-written BBB step. */
export interface HandWrittenBbb {
  /** One training step with noise seed `seed`; resolves when the loss is read. */
  step(seed: number): Promise<void>;
  dispose(): void;
}

const RAW_SCALE_INIT = -3;
const LEARNING_RATE = 1e-3;
const DATASET_SIZE = 60_000;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Shapes of the MLP's weight tensors: kernel [in, out] and bias [out] per layer. */
function weightShapes(widths: readonly number[]): number[][] {
  return widths.slice(1).flatMap((out, i) => [[widths[i], out], [out]]);
}

/** Initial loc values of every weight tensor (Glorot-uniform kernels, zero biases), seeded. Caller owns them. */
function initialLocs(shapes: readonly number[][]): tf.Tensor[] {
  return shapes.map((shape, i) =>
    shape.length === 2 ? (tf.initializers.glorotUniform({ seed: i + 1 }).apply(shape) as tf.Tensor) : tf.zeros(shape),
  );
}

/** Σ KL(N(loc, scale²) ‖ N(0, 1)) = Σ (scale² + loc²)/2 − log scale − ½. */
function klToStandardNormal(loc: tf.Tensor, scale: tf.Tensor): tf.Scalar {
  return tf.sum(tf.sub(tf.mul(0.5, tf.add(tf.square(scale), tf.square(loc))), tf.add(tf.log(scale), 0.5)));
}

/**
 * The step of an MLP of `widths` on a fixed batch, with the parameters stored as `layout` says.
 * @param optimizer `'tfjs'`: `tf.train.adam`; `'multi-tensor'`: the library's `optimizers.adam`.
 */
export function handWrittenBbb(
  widths: readonly number[],
  batch: number,
  layout: ParameterLayout,
  optimizer: 'tfjs' | 'multi-tensor' = 'tfjs',
): HandWrittenBbb {
  const shapes = weightShapes(widths);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const x = tf.randomNormal([batch, widths[0]], 0, 1, 'float32', 21);
  const y = tf.randomNormal([batch, widths[widths.length - 1]], 0, 1, 'float32', 22);
  const locs = initialLocs(shapes);
  const variables: tf.Variable[] =
    layout === 'flat'
      ? [tf.variable(tf.concat(locs.map((l) => l.reshape([-1])))), tf.variable(tf.fill([total], RAW_SCALE_INIT))]
      : locs.flatMap((loc, i) => [tf.variable(loc), tf.variable(tf.fill(shapes[i], RAW_SCALE_INIT))]);
  tf.dispose(locs);
  const adamOptimizer = optimizer === 'tfjs' ? tf.train.adam(LEARNING_RATE) : adam(LEARNING_RATE);

  /** Sampled weights in `shapes` order and the summed KL. */
  const sample = (seed: number): { weights: tf.Tensor[]; kl: tf.Scalar } => {
    if (layout !== 'per-variable') {
      const gather = (offset: number) =>
        tf.concat(shapes.map((shape, i) => (shape.length === 1 ? variables[2 * i + offset] : tf.reshape(variables[2 * i + offset], [-1]))));
      const [loc, rawScale] = layout === 'flat' ? variables : [gather(0), gather(1)];
      const scale = tf.softplus(rawScale);
      const w = tf.add(loc, tf.mul(scale, tf.randomNormal([total], 0, 1, 'float32', seed)));
      const parts = tf.split(w, sizes);
      return { weights: parts.map((p, i) => (shapes[i].length === 1 ? p : tf.reshape(p, shapes[i]))), kl: klToStandardNormal(loc, scale) };
    }
    const kls: tf.Scalar[] = [];
    const weights = shapes.map((shape, i) => {
      const [loc, rawScale] = [variables[2 * i], variables[2 * i + 1]];
      const scale = tf.softplus(rawScale);
      kls.push(klToStandardNormal(loc, scale));
      return tf.add(loc, tf.mul(scale, tf.randomNormal(shape, 0, 1, 'float32', seed * shapes.length + i)));
    });
    return { weights, kl: tf.addN(kls) };
  };

  const step = async (seed: number) => {
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const { weights, kl } = sample(seed);
        let h: tf.Tensor = x;
        for (let layer = 0; layer < widths.length - 1; layer++) {
          h = tf.add(tf.matMul(h as tf.Tensor2D, weights[2 * layer] as tf.Tensor2D), weights[2 * layer + 1]);
          if (layer < widths.length - 2) h = tf.relu(h);
        }
        const nll = tf.mean(tf.add(tf.mul(0.5, tf.squaredDifference(y, h)), HALF_LOG_TWO_PI));
        return tf.add(nll, tf.div(kl, DATASET_SIZE)) as tf.Scalar;
      }),
    );
    adamOptimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  return {
    step,
    dispose: () => {
      adamOptimizer.dispose();
      tf.dispose([x, y, ...variables]);
    },
  };
}

async function main(): Promise<void> {
  const argv = checkedArgv(
    process.argv.slice(2),
    'bench/flat-parameters',
    'Usage: TFJS_BNN_BACKEND=<backend> node dist/bench/flat-parameters.js [--steps N] [--warmup N]',
    { values: ['--steps', '--warmup'], switches: [] },
  );
  const steps = integerFlag(argv, '--steps', 30, 'bench/flat-parameters');
  const warmup = integerFlag(argv, '--warmup', 3, 'bench/flat-parameters');
  const info = await initBackend();
  console.log(`backend ${info.name}; ${steps} interleaved steps per variant after ${warmup} warm-up; times under the current load`);
  console.log('| MLP, batch | variant | kernels | non-Identity kernels | median ms | × per-variable | median CPU ms | × per-variable |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  const configs: Array<[string, number[], number]> = [
    ['13-50-1, 32', [13, 50, 1], 32],
    ['784-400-400-10, 128', [784, 400, 400, 10], 128],
  ];
  for (const [label, widths, batch] of configs) {
    const variants: Array<[string, HandWrittenBbb]> = [
      ['per-variable, tf.train.adam', handWrittenBbb(widths, batch, 'per-variable', 'tfjs')],
      ['per-variable, multi-tensor Adam', handWrittenBbb(widths, batch, 'per-variable', 'multi-tensor')],
      ['flat, tf.train.adam', handWrittenBbb(widths, batch, 'flat', 'tfjs')],
      ['gathered, multi-tensor Adam', handWrittenBbb(widths, batch, 'gathered', 'multi-tensor')],
    ];
    const times = variants.map(() => [] as number[]);
    const cpuTimes = variants.map(() => [] as number[]);
    const kernels: Array<[number, number]> = [];
    for (const [, variant] of variants) {
      for (let s = 0; s < warmup; s++) await variant.step(s);
      const cost = await stepCost(() => variant.step(warmup));
      kernels.push([cost.kernels, cost.kernels - (cost.kernelNames.get('Identity') ?? 0)]);
    }
    for (let s = 0; s < steps; s++) {
      const order = s % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i);
      for (const i of order) {
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        await variants[i][1].step(warmup + 1 + s);
        const cpu = process.cpuUsage(cpuStart);
        times[i].push(performance.now() - start);
        cpuTimes[i].push((cpu.user + cpu.system) / 1000);
      }
    }
    const base = median(times[0]);
    const cpuBase = median(cpuTimes[0]);
    variants.forEach(([name, variant], i) => {
      const ms = median(times[i]);
      const cpuMs = median(cpuTimes[i]);
      console.log(
        `| ${label} | ${name} | ${kernels[i][0]} | ${kernels[i][1]} | ${ms.toFixed(2)} | ${(ms / base).toFixed(2)} | ${cpuMs.toFixed(2)} | ${(cpuMs / cpuBase).toFixed(2)} |`,
      );
      variant.dispose();
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
