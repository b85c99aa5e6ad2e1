/**
 * Before/after timings of tfjs-bnn's fast `cpu` kernels against tfjs-backend-cpu's own.
 *
 *   node dist/bench/cpu-kernels.js [--reps 5] [--before-reps 5] [--only conv2d] [--unet 3]
 *
 * Each row: median wall time of `reps` runs after one warm-up run, and GFLOP/s (2 flops per
 * multiply-add of the matmul or convolution). "before" uses tfjs's original kernels, "after" the fast
 * ones; the outputs of both are compared (max |difference| relative to the output's scale).
 * The originals are slow (a conv filter gradient ≈ 15 s): `--before-reps 1` keeps a full run short.
 * `--unet N` instead trains a small 3D U-Net on one [1, 64, 64, 64, 1] volume for N adam steps with the
 * fast kernels only (with tfjs's own kernels one step takes minutes), printing the loss and time per step.
 */
import * as tf from '@tensorflow/tfjs';
import { registerConv3dTransposeGradient } from '../src/backend/conv3d-transpose-gradient.js';
import { installFastCpuKernels, withOriginalCpuKernels } from '../src/backend/cpu-kernels/index.js';
import { checkedArgv } from './flags.js';

interface BenchCase {
  readonly name: string;
  /** Multiply-adds × 2, or 0 when a GFLOP/s figure means nothing (a whole training step). */
  readonly flops: number;
  /** Runs the measured work once and returns a tensor to compare (owned by the caller). */
  readonly run: () => tf.Tensor;
  readonly dispose?: () => void;
}

interface Options {
  reps: number;
  beforeReps: number;
  only: string | null;
  unetSteps: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { reps: 5, beforeReps: 5, only: null, unetSteps: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--reps') options.reps = Number(value);
    else if (argv[i] === '--before-reps') options.beforeReps = Number(value);
    else if (argv[i] === '--only') options.only = value;
    else if (argv[i] === '--unet') options.unetSteps = Number(value);
    else throw new Error(`cpu-kernels bench: unknown option '${argv[i]}'; expected --reps N, --before-reps N, --only NAME or --unet STEPS`);
  }
  if (!(options.reps >= 1 && options.beforeReps >= 1)) throw new Error('cpu-kernels bench: --reps and --before-reps must be ≥ 1');
  return options;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median milliseconds of `reps` runs after one warm-up, and the last output's values. */
function time(run: () => tf.Tensor, reps: number): { ms: number; values: Float32Array } {
  let values: Float32Array = new Float32Array(0);
  const times: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const start = performance.now();
    const out = run();
    values = out.dataSync() as Float32Array;
    const elapsed = performance.now() - start;
    out.dispose();
    if (r > 0) times.push(elapsed);
  }
  return { ms: median(times), values };
}

function random(shape: number[]): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', 7);
}

function convCases(): BenchCase[] {
  const x2 = random([8, 64, 64, 16]);
  const w2 = random([3, 3, 16, 32]);
  const dy2 = random([8, 64, 64, 32]);
  const flops2 = 2 * 8 * 64 * 64 * 3 * 3 * 16 * 32;
  const attrs2 = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: 'floor' };
  const x3 = random([1, 32, 32, 32, 8]);
  const w3 = random([3, 3, 3, 8, 16]);
  const dy3 = random([1, 32, 32, 32, 16]);
  const flops3 = 2 * 32 * 32 * 32 * 27 * 8 * 16;
  const attrs3 = { strides: [1, 1, 1], pad: 'same' };
  const kernel = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) => () =>
    tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;
  return [
    { name: 'conv2d forward [8,64,64,16]*3x3x16x32', flops: flops2, run: () => tf.conv2d(x2 as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'same') },
    {
      name: 'conv2d filter grad',
      flops: flops2,
      run: kernel('Conv2DBackpropFilter', { x: x2, dy: dy2 }, { ...attrs2, filterShape: [3, 3, 16, 32] }),
    },
    {
      name: 'conv2d input grad',
      flops: flops2,
      run: kernel('Conv2DBackpropInput', { dy: dy2, filter: w2 }, { ...attrs2, inputShape: [8, 64, 64, 16] }),
    },
    {
      name: 'conv3d forward [1,32,32,32,8]*3x3x3x8x16',
      flops: flops3,
      run: () => tf.conv3d(x3 as tf.Tensor5D, w3 as tf.Tensor5D, 1, 'same'),
    },
    {
      name: 'conv3d filter grad',
      flops: flops3,
      run: kernel('Conv3DBackpropFilterV2', { x: x3, dy: dy3 }, { ...attrs3, filterShape: [3, 3, 3, 8, 16] }),
    },
    {
      name: 'conv3d input grad',
      flops: flops3,
      run: kernel('Conv3DBackpropInputV2', { dy: dy3, filter: w3 }, { ...attrs3, inputShape: [1, 32, 32, 32, 8] }),
    },
  ];
}

function matmulCases(): BenchCase[] {
  const a = random([1024, 1024]);
  const b = random([1024, 1024]);
  const x = random([128, 784]);
  const w = random([784, 400]);
  return [
    { name: 'matMul 1024x1024x1024', flops: 2 * 1024 ** 3, run: () => tf.matMul(a, b) },
    { name: 'dense matMul [128,784]x[784,400]', flops: 2 * 128 * 784 * 400, run: () => tf.matMul(x, w) },
  ];
}

/** One adam step of the conv net 1→16→32→16→1 (3×3, same, relu; plain tf.layers) on [8, 64, 64, 1]. */
function trainingStepCase(): BenchCase {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }),
    ],
  });
  const optimizer = tf.train.adam(1e-3);
  const x = random([8, 64, 64, 1]);
  const y = random([8, 64, 64, 1]);
  return {
    name: 'train step conv net 1-16-32-16-1 [8,64,64,1]',
    flops: 0,
    run: () => optimizer.minimize(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor), true) as tf.Tensor,
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}

/**
 * A two-level 3D U-Net (conv3d 8-8, max-pool, conv3d 16-16, conv3dTranspose, skip concatenation, conv3d 8, 1×1×1 logits)
 * trained with adam and sigmoid cross-entropy on one [1, 64, 64, 64, 1] volume whose target is a ball.
 */
function trainUNet(steps: number): void {
  const size = 64;
  const input = tf.input({ shape: [size, size, size, 1] });
  const conv = (filters: number, x: tf.SymbolicTensor, kernelSize = 3) =>
    tf.layers
      .conv3d({ filters, kernelSize, padding: 'same', activation: kernelSize === 1 ? 'linear' : 'relu' })
      .apply(x) as tf.SymbolicTensor;
  const level1 = conv(8, conv(8, input));
  const pooled = tf.layers.maxPooling3d({ poolSize: 2 }).apply(level1) as tf.SymbolicTensor;
  const level2 = conv(16, conv(16, pooled));
  const up = tf.layers.conv3dTranspose({ filters: 8, kernelSize: 2, strides: 2, padding: 'same' }).apply(level2) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate().apply([up, level1]) as tf.SymbolicTensor;
  const output = conv(1, conv(8, merged), 1);
  const model = tf.model({ inputs: input, outputs: output });
  const optimizer = tf.train.adam(1e-2);
  const { x, y } = tf.tidy(() => {
    const r = tf
      .range(0, size)
      .sub(size / 2)
      .square();
    const distance = r
      .reshape([size, 1, 1])
      .add(r.reshape([1, size, 1]))
      .add(r.reshape([1, 1, size]));
    const target = distance
      .less(15 * 15)
      .cast('float32')
      .reshape([1, size, size, size, 1]);
    return { x: target.mul(0.5).add(tf.randomUniform(target.shape, 0, 0.5, 'float32', 3)), y: target };
  });
  console.log(`\n3D U-Net on [1, ${size}, ${size}, ${size}, 1], ${model.countParams()} parameters, fast kernels:`);
  for (let step = 1; step <= steps; step++) {
    const start = performance.now();
    const loss = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.predict(x) as tf.Tensor), true) as tf.Scalar;
    const value = loss.dataSync()[0];
    loss.dispose();
    console.log(`  step ${step}: loss ${value.toFixed(4)}, ${format(performance.now() - start)}, ${tf.memory().numTensors} tensors`);
  }
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
}

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let scale = 1e-30;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / scale;
}

function format(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function gflops(flops: number, ms: number): string {
  return flops === 0 ? '–' : (flops / ms / 1e6).toFixed(2);
}

async function main(): Promise<void> {
  const usage = 'Usage: node dist/bench/cpu-kernels.js [--reps 5] [--before-reps 5] [--only conv2d] [--unet 3]';
  const options = parseOptions(
    checkedArgv(process.argv.slice(2), 'bench/cpu-kernels', usage, { values: ['--reps', '--before-reps', '--only', '--unet'] }),
  );
  await tf.setBackend('cpu');
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && 'firstUse' in cpu) cpu.firstUse = false;
  installFastCpuKernels();
  // tfjs-core 4.22 has no gradient for conv3dTranspose; src/backend registers one.
  registerConv3dTransposeGradient();
  if (options.unetSteps > 0) {
    trainUNet(options.unetSteps);
    return;
  }
  console.log(
    `tfjs ${tf.version_core}, node ${process.version}, reps ${options.reps} (before: ${options.beforeReps}), median after 1 warm-up\n`,
  );
  console.log('| case | before (tfjs cpu) | after (fast kernels) | speed-up | GFLOP/s before | GFLOP/s after |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const groups = [matmulCases, convCases];
  const cases = groups.flatMap((make) => make());
  for (const c of cases) {
    if (options.only !== null && !c.name.includes(options.only)) continue;
    const after = time(c.run, options.reps);
    const before = withOriginalCpuKernels(() => time(c.run, options.beforeReps));
    const difference = maxRelativeDifference(after.values, before.values);
    console.log(
      `| ${c.name} | ${format(before.ms)} | ${format(after.ms)} | ${(before.ms / after.ms).toFixed(1)}× | ${gflops(c.flops, before.ms)} | ${gflops(c.flops, after.ms)} |` +
        (difference > 1e-4 ? ` (outputs differ: ${difference.toExponential(1)})` : ''),
    );
  }
  if (options.only === null || 'train step'.includes(options.only) || options.only.startsWith('train')) {
    // Separate models for before and after: the same weights would be trained twice otherwise.
    const after = trainingStepCase();
    const afterTime = time(after.run, options.reps);
    after.dispose?.();
    const before = trainingStepCase();
    const beforeTime = withOriginalCpuKernels(() => time(before.run, options.beforeReps));
    before.dispose?.();
    console.log(
      `| ${after.name} | ${format(beforeTime.ms)} | ${format(afterTime.ms)} | ${(beforeTime.ms / afterTime.ms).toFixed(1)}× | – | – |`,
    );
  }
}

await main();
