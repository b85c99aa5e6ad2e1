import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend, installedNativePackages, BACKEND_ENV_VAR, NATIVE_PACKAGES } from '../../../src/backend/index.js';

test('initBackend reports the backend tfjs runs and a reason, and is idempotent', async (t) => {
  const info = await initBackend();
  t.is(info.name, tf.getBackend());
  t.true(['cpu', 'wasm', 'tensorflow'].includes(info.name));
  t.true(info.reason.length > 0);
  t.is(info.versions['tfjs-core'], tf.version_core);
  t.is(await initBackend(), info);
  t.is(backendInfo(), info);
  if (info.name === 'tensorflow') t.truthy(info.nativePackage);
  else t.is(info.nativePackage, null);
  t.is(info.wasm !== null, info.name === 'wasm');
  const forced = process.env[BACKEND_ENV_VAR];
  if (forced) t.is(info.name, forced);
});

test('installedNativePackages lists the native packages present without loading them, including the one in use', async (t) => {
  const info = await initBackend();
  const present = installedNativePackages();
  t.true(present.every((pkg) => (NATIVE_PACKAGES as readonly string[]).includes(pkg)));
  if (info.nativePackage !== null) t.true(present.includes(info.nativePackage));
});

const run = promisify(execFile);
const backendModule = new URL('../../../src/backend/index.js', import.meta.url).href;
const probe = `const m = await import(${JSON.stringify(backendModule)});
try { const i = await m.initBackend(); console.log(JSON.stringify({ name: i.name, reason: i.reason, wasm: i.wasm, wasmError: i.wasmError })); }
catch (e) { console.log(JSON.stringify({ error: e.name + ': ' + e.message })); }`;

async function initBackendWith(backend: string | undefined): Promise<Record<string, unknown>> {
  const env: Record<string, string | undefined> = { ...process.env, [BACKEND_ENV_VAR]: backend };
  if (backend === undefined) delete env[BACKEND_ENV_VAR];
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { env, cwd: process.cwd() });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

test('TFJS_BNN_BACKEND=wasm runs tfjs-backend-wasm’s SIMD binary from node_modules and says why it has no threads in Node', async (t) => {
  const info = await initBackendWith('wasm');
  t.is(info.name, 'wasm');
  t.is(info.reason, `${BACKEND_ENV_VAR}=wasm`);
  const wasm = info.wasm as { binary: string; simd: boolean; threads: number; reason: string; version: string };
  t.is(wasm.binary, 'tfjs-backend-wasm-simd.wasm', 'Node 20 has WebAssembly SIMD');
  t.true(wasm.simd);
  t.is(wasm.threads, 1);
  t.regex(wasm.reason, /turns threads off in Node/);
  t.is(wasm.version, tf.version_core);
});

test('without native packages the automatic choice is wasm; TFJS_BNN_BACKEND=cpu keeps cpu; an unknown name is an InvalidArgumentError', async (t) => {
  const [auto, cpu, bad] = await Promise.all([initBackendWith(undefined), initBackendWith('cpu'), initBackendWith('webgpu')]);
  if (installedNativePackages().length === 0) {
    t.is(auto.name, 'wasm');
    t.regex(String(auto.reason), /no native backend is installed; tfjs-backend-wasm loads/);
  } else {
    t.is(auto.name, 'tensorflow');
  }
  t.is(cpu.name, 'cpu');
  t.is(cpu.wasm, null);
  t.regex(
    String(bad.error),
    /InvalidArgumentError: initBackend: argument 'TFJS_BNN_BACKEND' was .*webgpu.*; expected 'tensorflow', 'wasm' or 'cpu'/,
  );
});

test('loadWasmBackend with a folder that holds no .wasm binaries throws a BackendUnavailableError with tfjs’s reason', async (t) => {
  const wasmModule = new URL('../../../src/backend/wasm-backend.js', import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(wasmModule)});
try { await m.loadWasmBackend('/nonexistent-folder/'); console.log(JSON.stringify({ loaded: true })); }
catch (e) { console.log(JSON.stringify({ error: e.name + ': ' + e.message })); }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { error?: string };
  t.regex(result.error ?? '', /^BackendUnavailableError: loadWasmBackend: the wasm backend failed to start/);
});
