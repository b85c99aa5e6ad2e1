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
  t.not(tf.getGradient('Relu'), gradient);
  uninstallNativeKernels();
  uninstallNativeKernels();
  t.is(tf.getGradient('Relu') as unknown, gradient as unknown);
  t.is(tf.getKernel('Step', 'tensorflow') as unknown, step as unknown);
  t.is(tf.getKernel('TfjsBnnReluGrad', 'tensorflow') as unknown, undefined);
  t.is(tf.getGradient('TfjsBnnReluGrad') as unknown, undefined);
  if (wasInstalled) installNativeKernels();
});
