// tfjs-bnn's fast paths for the native backend: a lean Step kernel and a one-op relu gradient.
// On `tensorflow` they are checked against tfjs-node's own kernel and tfjs's own gradient, value for
// value; on every other backend, that the relu gradient still runs tfjs's formula exactly.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  backendInfo,
  initBackend,
  installNativeKernels,
  nativeKernelsInstalled,
  nativeKernelsRequested,
  uninstallNativeKernels,
  NATIVE_KERNELS_ENV_VAR,
} from '../../../src/backend/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, take } from '../../helpers/leak.js';

const onNative = () => tf.getBackend() === 'tensorflow';

/** Values with −0 written as 0 (the fused gradient's zeros are always +0). */
const unsigned = (values: number[]) => values.map((v) => v + 0);

/** Inputs around the kink: negatives, ±0, tiny and large positives. */
const X = [-3, -1e-30, -0, 0, 1e-30, 0.5, 2, 1e6];
const UPSTREAM = [0.7, -1.5, 2, -2, 3, -0.25, 1e-3, -4];

/** ∂/∂x Σ upstream · relu(x). */
function reluGradient(x: tf.Tensor, upstream: tf.Tensor): tf.Tensor {
  return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.relu(input), upstream)))(x);
}

/** `fn` with tfjs's own Step kernel and relu gradient, then the fast paths back if they were installed. */
function withOriginals<T>(fn: () => T): T {
  const wasInstalled = nativeKernelsInstalled();
  uninstallNativeKernels();
  try {
    return fn();
  } finally {
    if (wasInstalled) installNativeKernels();
  }
}

test('TFJS_BNN_NATIVE_KERNELS: unset or 1 turns the fast paths on, 0 off, anything else is a named error', (t) => {
  t.true(nativeKernelsRequested({}));
  t.true(nativeKernelsRequested({ [NATIVE_KERNELS_ENV_VAR]: '1' }));
  t.false(nativeKernelsRequested({ [NATIVE_KERNELS_ENV_VAR]: 'off' }));
  const error = t.throws(() => nativeKernelsRequested({ [NATIVE_KERNELS_ENV_VAR]: 'maybe' }), { instanceOf: InvalidArgumentError });
  t.regex(error.message, /TFJS_BNN_NATIVE_KERNELS.*maybe/);
});

test('initBackend installs the fast paths on tensorflow only, and says so in backendInfo', async (t) => {
  await initBackend();
  t.is(backendInfo()?.nativeKernels, onNative());
  t.is(nativeKernelsInstalled(), onNative());
});

test('the relu gradient is upstream where x > 0 and 0 elsewhere (x = 0 included), on every backend, without leaks', async (t) => {
  await initBackend();
  const x = tf.tensor1d(X);
  const upstream = tf.tensor1d(UPSTREAM);
  const expected = X.map((v, i) => (v > 0 ? Math.fround(UPSTREAM[i]) : 0));
  await expectNoLeak(t, () => t.deepEqual(unsigned(take(reluGradient(x, upstream))), expected));
  const installedHere = !nativeKernelsInstalled();
  installNativeKernels();
  await expectNoLeak(t, () => t.deepEqual(unsigned(take(reluGradient(x, upstream))), expected), 'with the fast paths installed');
  if (installedHere) uninstallNativeKernels();
  tf.dispose([x, upstream]);
});

test('with the fast paths the relu gradient gives tfjs´s own values, and on tensorflow runs one ReluGrad instead of Step/Cast/Mul', async (t) => {
  await initBackend();
  const installedHere = !nativeKernelsInstalled();
  installNativeKernels();
  const x = tf.randomNormal([4, 9, 9, 3], 0, 1, 'float32', 7);
  const upstream = tf.randomNormal([4, 9, 9, 3], 0, 1, 'float32', 8);
  const original = withOriginals(() => take(reluGradient(x, upstream)));
  t.deepEqual(unsigned(take(reluGradient(x, upstream))), unsigned(original));
  const profile = await tf.profile(() => reluGradient(x, upstream));
  const kernels = profile.kernels.map((k) => k.name);
  if (onNative()) {
    t.true(kernels.includes('TfjsBnnReluGrad'), kernels.join(','));
    t.false(kernels.includes('Step'), kernels.join(','));
  } else {
    t.false(kernels.includes('TfjsBnnReluGrad'), 'other backends keep tfjs´s gradient');
  }
  if (installedHere) uninstallNativeKernels();
  tf.dispose([x, upstream]);
});

test('second derivatives through the relu gradient: ∂/∂c Σ d · ∂/∂x Σ c · relu(x) = d · [x > 0]', async (t) => {
  await initBackend();
  const x = tf.tensor1d(X);
  const d = tf.tensor1d(UPSTREAM.map((v) => v * 3));
  const c0 = tf.onesLike(x);
  await expectNoLeak(t, () => {
    const outer = tf.grad((c: tf.Tensor) => tf.sum(tf.mul(d, reluGradient(x, c))))(c0);
    t.deepEqual(
      unsigned(take(outer)),
      X.map((v, i) => (v > 0 ? Math.fround(UPSTREAM[i] * 3) : 0)),
    );
  });
  tf.dispose([x, d, c0]);
});

test('the lean Step gives tfjs-node´s values: 1 above 0, alpha at and below 0, NaN for NaN', async (t) => {
  await initBackend();
  const x = tf.tensor1d([-2, -0, 0, 1e-30, 3, NaN, -Infinity, Infinity]);
  for (const alpha of [0, 0.25, -1]) {
    const expected = [alpha, alpha, alpha, 1, 1, NaN, alpha, 1].map(Math.fround);
    await expectNoLeak(t, () => t.deepEqual(take(tf.step(x, alpha)), expected), `alpha ${alpha}`);
    t.deepEqual(
      take(tf.step(x, alpha)),
      withOriginals(() => take(tf.step(x, alpha))),
    );
  }
  tf.dispose(x);
});

test('install is idempotent and uninstall restores tfjs´s kernel and gradient objects exactly', async (t) => {
  await initBackend();
  const wasInstalled = nativeKernelsInstalled();
  uninstallNativeKernels();
  const step = tf.getKernel('Step', 'tensorflow');
  const gradient = tf.getGradient('Relu');
  const first = installNativeKernels();
  t.deepEqual(installNativeKernels(), first);
  t.true(first.includes('Relu gradient'));
  if (onNative()) t.deepEqual([...first].sort(), ['MaxPool3D', 'MaxPool3DGrad', 'Relu gradient', 'Step']);
  t.not(tf.getGradient('Relu'), gradient);
  uninstallNativeKernels();
  uninstallNativeKernels();
  t.is(tf.getGradient('Relu') as unknown, gradient as unknown);
  t.is(tf.getKernel('Step', 'tensorflow') as unknown, step as unknown);
  t.is(tf.getKernel('TfjsBnnReluGrad', 'tensorflow') as unknown, undefined);
  t.is(tf.getGradient('TfjsBnnReluGrad') as unknown, undefined);
  if (wasInstalled) installNativeKernels();
});

/** ∂/∂x Σ upstream · maxPool3d(x) with windows `filter`, strides `stride`. */
function maxPool3dGradient(x: tf.Tensor5D, upstream: tf.Tensor, filter: number, stride: number, pad: 'valid' | 'same'): tf.Tensor {
  return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool3d(input as tf.Tensor5D, filter, stride, pad), upstream)))(x);
}

test('the max-pool 3D gradient routes each window´s dy to its maxima: to all of them on tensorflow, as TensorFlow´s kernel does', async (t) => {
  await initBackend();
  // Integer values in [0, 4): most 2×2×2 windows hold ties.
  const x = tf.tidy(() => tf.floor(tf.randomUniform([2, 4, 6, 8, 3], 0, 4, 'float32', 11))) as tf.Tensor5D;
  const upstream = tf.randomNormal([2, 2, 3, 4, 3], 0, 1, 'float32', 12);
  const allMaxima: number[] = [];
  const windowOf: number[] = [];
  const xs = Array.from(x.dataSync());
  const pooled = take(tf.maxPool3d(x, 2, 2, 'valid'));
  const dy = Array.from(upstream.dataSync());
  // Reference by loops: element (b, d, h, w, c) gets dy of its window when it equals the window's maximum.
  for (let b = 0; b < 2; b++)
    for (let d = 0; d < 4; d++)
      for (let h = 0; h < 6; h++)
        for (let w = 0; w < 8; w++)
          for (let c = 0; c < 3; c++) {
            const input = xs[(((b * 4 + d) * 6 + h) * 8 + w) * 3 + c];
            const window = (((b * 2 + (d >> 1)) * 3 + (h >> 1)) * 4 + (w >> 1)) * 3 + c;
            allMaxima.push(input === pooled[window] ? dy[window] : 0);
            windowOf.push(window);
          }
  t.true(allMaxima.filter((v) => v !== 0).length > pooled.length, 'the data has ties');
  for (const pad of ['valid', 'same'] as const) {
    const gradient = await expectNoLeak(t, () => unsigned(take(maxPool3dGradient(x, upstream, 2, 2, pad))), pad);
    if (onNative()) {
      // TensorFlow gives dy to every maximum of a window, and so does the tiled kernel.
      t.deepEqual(gradient, allMaxima, pad);
      t.deepEqual(gradient, unsigned(withOriginals(() => take(maxPool3dGradient(x, upstream, 2, 2, pad)))), pad);
    } else {
      // tfjs-backend-cpu and -wasm give it to one maximum: each window's gradient sums to its dy, on maxima only.
      const sums = new Array<number>(pooled.length).fill(0);
      gradient.forEach((v, i) => {
        if (v !== 0) t.not(allMaxima[i], 0, `element ${i} is not a maximum of its window`);
        sums[windowOf[i]] += v;
      });
      t.deepEqual(sums, dy, pad);
    }
  }
  tf.dispose([x, upstream]);
});

test('overlapping or padded max-pool 3D windows keep tfjs-node´s kernel and give its values', async (t) => {
  await initBackend();
  const x = tf.randomNormal([1, 5, 5, 5, 2], 0, 1, 'float32', 13) as tf.Tensor5D;
  for (const [filter, stride, pad] of [
    [3, 1, 'same'],
    [2, 2, 'same'],
    [3, 2, 'valid'],
  ] as const) {
    const shape = tf.maxPool3d(x, filter, stride, pad).shape;
    const upstream = tf.randomNormal(shape, 0, 1, 'float32', 14);
    await expectNoLeak(t, () => {
      t.deepEqual(
        unsigned(take(maxPool3dGradient(x, upstream, filter, stride, pad))),
        unsigned(withOriginals(() => take(maxPool3dGradient(x, upstream, filter, stride, pad)))),
        `${filter}/${stride}/${pad}`,
      );
    });
    upstream.dispose();
  }
  x.dispose();
});

test('the max-pool 3D forward pass gives tfjs-node´s values, for tiling and for other windows', async (t) => {
  await initBackend();
  const x = tf.randomNormal([2, 4, 6, 8, 3], 0, 1, 'float32', 15) as tf.Tensor5D;
  const xs = Array.from(x.dataSync());
  // Loop reference of the 2×2×2 tiling case.
  const expected = new Array<number>(2 * 2 * 3 * 4 * 3).fill(-Infinity);
  xs.forEach((v, i) => {
    const c = i % 3;
    const w = Math.floor(i / 3) % 8;
    const h = Math.floor(i / 24) % 6;
    const d = Math.floor(i / 144) % 4;
    const b = Math.floor(i / 576);
    const window = (((b * 2 + (d >> 1)) * 3 + (h >> 1)) * 4 + (w >> 1)) * 3 + c;
    expected[window] = Math.max(expected[window], v);
  });
  await expectNoLeak(t, () => t.deepEqual(take(tf.maxPool3d(x, 2, 2, 'valid')), expected));
  t.deepEqual(
    take(tf.maxPool3d(x, [2, 3, 4], [2, 3, 4], 'same')),
    withOriginals(() => take(tf.maxPool3d(x, [2, 3, 4], [2, 3, 4], 'same'))),
  );
  for (const [filter, stride, pad] of [
    [3, 1, 'same'],
    [3, 2, 'valid'],
  ] as const) {
    t.deepEqual(
      take(tf.maxPool3d(x, filter, stride, pad)),
      withOriginals(() => take(tf.maxPool3d(x, filter, stride, pad))),
    );
  }
  x.dispose();
});
