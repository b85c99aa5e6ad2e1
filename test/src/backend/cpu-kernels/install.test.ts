import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../../../src/errors.js';
import {
  FAST_CPU_KERNEL_NAMES,
  FAST_CPU_KERNELS_ENV_VAR,
  fastCpuKernelsInstalled,
  fastCpuKernelsRequested,
  installFastCpuKernels,
  originalCpuKernel,
  uninstallFastCpuKernels,
  withOriginalCpuKernels,
} from '../../../../src/backend/cpu-kernels/index.js';
import { randomTensor, useFastCpuBackend } from './compare.js';

test.before(useFastCpuBackend);

const EXPECTED_NAMES = [
  'BatchMatMul',
  'Conv2D',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'Conv3D',
  'Conv3DBackpropFilterV2',
  'Conv3DBackpropInputV2',
  'FusedConv2D',
  'MaxPoolGrad',
  'SplitV',
  '_FusedMatMul',
];

test('installFastCpuKernels replaces the conv (2D, 3D, gradients, fused), matmul, SplitV and MaxPoolGrad kernels of the cpu backend', (t) => {
  t.deepEqual([...FAST_CPU_KERNEL_NAMES].sort(), EXPECTED_NAMES);
  t.deepEqual([...installFastCpuKernels()].sort(), EXPECTED_NAMES, 'idempotent: the same names again');
  t.true(fastCpuKernelsInstalled());
  for (const name of EXPECTED_NAMES) t.not(tf.getKernel(name, 'cpu').kernelFunc, originalCpuKernel(name), name);
});

test('uninstallFastCpuKernels restores tfjs’s own kernel functions, and installing again replaces them again', (t) => {
  const originals = EXPECTED_NAMES.map((name) => originalCpuKernel(name));
  uninstallFastCpuKernels();
  try {
    t.false(fastCpuKernelsInstalled());
    EXPECTED_NAMES.forEach((name, i) => t.is(tf.getKernel(name, 'cpu').kernelFunc, originals[i], name));
    uninstallFastCpuKernels();
    t.false(fastCpuKernelsInstalled(), 'idempotent');
  } finally {
    installFastCpuKernels();
  }
  EXPECTED_NAMES.forEach((name, i) => t.not(tf.getKernel(name, 'cpu').kernelFunc, originals[i], name));
  t.is(
    withOriginalCpuKernels(() => tf.getKernel('Conv2D', 'cpu').kernelFunc),
    originals[EXPECTED_NAMES.indexOf('Conv2D')],
  );
  t.true(fastCpuKernelsInstalled(), 'withOriginalCpuKernels reinstalls');
});

/** One op per replaced kernel, on channels-last float32 data (the fast path). */
const OPS: Record<string, () => tf.Tensor | tf.Tensor[]> = {
  Conv2D: () => tf.conv2d(randomTensor([1, 4, 4, 2], 1) as tf.Tensor4D, randomTensor([3, 3, 2, 2], 2) as tf.Tensor4D, 1, 'same'),
  FusedConv2D: () =>
    tf.fused.conv2d({
      x: randomTensor([1, 4, 4, 2], 1) as tf.Tensor4D,
      filter: randomTensor([3, 3, 2, 2], 2) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: tf.ones([2]),
      activation: 'relu',
    }),
  Conv2DBackpropInput: () =>
    tf.conv2dTranspose(randomTensor([1, 4, 4, 2], 1) as tf.Tensor4D, randomTensor([3, 3, 3, 2], 2) as tf.Tensor4D, [1, 4, 4, 3], 1, 'same'),
  Conv2DBackpropFilter: () =>
    tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(randomTensor([1, 4, 4, 2], 1) as tf.Tensor4D, f as tf.Tensor4D, 1, 'same')))(
      randomTensor([3, 3, 2, 2], 2),
    ),
  Conv3D: () => tf.conv3d(randomTensor([1, 3, 3, 3, 1], 1) as tf.Tensor5D, randomTensor([2, 2, 2, 1, 2], 2) as tf.Tensor5D, 1, 'same'),
  Conv3DBackpropInputV2: () =>
    tf.conv3dTranspose(
      randomTensor([1, 3, 3, 3, 2], 1) as tf.Tensor5D,
      randomTensor([2, 2, 2, 1, 2], 2) as tf.Tensor5D,
      [1, 3, 3, 3, 1],
      1,
      'same',
    ),
  Conv3DBackpropFilterV2: () =>
    tf.grad((f: tf.Tensor) => tf.sum(tf.conv3d(randomTensor([1, 3, 3, 3, 1], 1) as tf.Tensor5D, f as tf.Tensor5D, 1, 'same')))(
      randomTensor([2, 2, 2, 1, 2], 2),
    ),
  BatchMatMul: () => tf.matMul(randomTensor([3, 4], 1), randomTensor([4, 2], 2)),
  _FusedMatMul: () => tf.fused.matMul({ a: randomTensor([3, 4], 1), b: randomTensor([4, 2], 2), bias: tf.ones([2]), activation: 'relu' }),
  SplitV: () => tf.split(randomTensor([1, 2, 2, 3], 1), [1, 2], 3),
  MaxPoolGrad: () => tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(randomTensor([1, 4, 4, 2], 1)),
};

test('every replaced kernel computes channels-last float32 ops itself, without calling tfjs’s original', (t) => {
  for (const name of EXPECTED_NAMES) {
    const original = originalCpuKernel(name);
    uninstallFastCpuKernels();
    const config = tf.getKernel(name, 'cpu');
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({
      ...config,
      kernelFunc: () => {
        throw new Error(`original ${name} called`);
      },
    });
    installFastCpuKernels();
    try {
      t.notThrows(() => tf.dispose(tf.tidy(OPS[name])), name);
    } finally {
      uninstallFastCpuKernels();
      tf.unregisterKernel(name, 'cpu');
      tf.registerKernel(config);
      installFastCpuKernels();
    }
    t.is(originalCpuKernel(name), original, `${name} restored`);
  }
});

test('fastCpuKernelsRequested reads TFJS_BNN_FAST_CPU_KERNELS: unset/1/true/on → yes, 0/false/off → no, anything else → InvalidArgumentError', (t) => {
  t.is(FAST_CPU_KERNELS_ENV_VAR, 'TFJS_BNN_FAST_CPU_KERNELS');
  t.true(fastCpuKernelsRequested({}));
  for (const value of ['1', 'true', 'ON', ' yes ', '']) t.true(fastCpuKernelsRequested({ [FAST_CPU_KERNELS_ENV_VAR]: value }), value);
  for (const value of ['0', 'false', 'Off', 'no']) t.false(fastCpuKernelsRequested({ [FAST_CPU_KERNELS_ENV_VAR]: value }), value);
  const error = t.throws(() => fastCpuKernelsRequested({ [FAST_CPU_KERNELS_ENV_VAR]: 'fast' }), { instanceOf: InvalidArgumentError });
  t.regex(error?.message ?? '', /initBackend: argument 'TFJS_BNN_FAST_CPU_KERNELS' was .*fast.*; expected '1' .* or '0'/);
});

test('originalCpuKernel names the function, argument and value when the cpu backend has no such kernel', (t) => {
  const error = t.throws(() => originalCpuKernel('NoSuchKernel'), { instanceOf: InvalidArgumentError });
  t.regex(
    error?.message ?? '',
    /originalCpuKernel: argument 'name' was .*NoSuchKernel.*; expected a kernel registered for the cpu backend/,
  );
});

const run = promisify(execFile);
const backendModule = new URL('../../../../src/backend/index.js', import.meta.url).href;
const probe = `const m = await import(${JSON.stringify(backendModule)}); const tf = await import('@tensorflow/tfjs');
try { const info = await m.initBackend(); console.log(JSON.stringify({ fast: info.fastCpuKernels, installed: m.fastCpuKernelsInstalled(), name: info.name })); }
catch (e) { console.log(JSON.stringify({ error: e.name + ': ' + e.message })); }`;

async function initBackendWith(fastKernels: string): Promise<{ fast?: boolean; installed?: boolean; name?: string; error?: string }> {
  const env = { ...process.env, TFJS_BNN_BACKEND: 'cpu', [FAST_CPU_KERNELS_ENV_VAR]: fastKernels };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { env, cwd: process.cwd() });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

test('initBackend on cpu installs the fast kernels and says so in BackendInfo; TFJS_BNN_FAST_CPU_KERNELS=0 keeps tfjs’s own', async (t) => {
  const [on, off, bad] = await Promise.all([initBackendWith('1'), initBackendWith('0'), initBackendWith('sometimes')]);
  t.deepEqual(on, { fast: true, installed: true, name: 'cpu' });
  t.deepEqual(off, { fast: false, installed: false, name: 'cpu' });
  t.regex(bad.error ?? '', /InvalidArgumentError: initBackend: argument 'TFJS_BNN_FAST_CPU_KERNELS' was .*sometimes/);
});
