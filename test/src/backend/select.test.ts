import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend, installedNativePackages, BACKEND_ENV_VAR, NATIVE_PACKAGES } from '../../../src/backend/index.js';

test('initBackend reports the backend tfjs runs and a reason, and is idempotent', async (t) => {
  const info = await initBackend();
  t.is(info.name, tf.getBackend());
  t.true(['cpu', 'tensorflow'].includes(info.name));
  t.true(info.reason.length > 0);
  t.is(info.versions['tfjs-core'], tf.version_core);
  t.is(await initBackend(), info);
  t.is(backendInfo(), info);
  if (info.name === 'cpu') t.is(info.nativePackage, null);
  else t.truthy(info.nativePackage);
  const forced = process.env[BACKEND_ENV_VAR];
  if (forced) t.is(info.name, forced);
});

test('installedNativePackages lists the native packages present without loading them, including the one in use', async (t) => {
  const info = await initBackend();
  const present = installedNativePackages();
  t.true(present.every((pkg) => (NATIVE_PACKAGES as readonly string[]).includes(pkg)));
  if (info.nativePackage !== null) t.true(present.includes(info.nativePackage));
});
