import test from 'ava';
import { spawnSync } from 'node:child_process';
import { DEFAULT_NATIVE_LOG_LEVEL, NATIVE_LOG_LEVEL_ENV_VAR, quietNativeLogs } from '../../../src/backend/native-logging.js';

test('quietNativeLogs sets TF_CPP_MIN_LOG_LEVEL only when the user has not set it', (t) => {
  const unset: Record<string, string | undefined> = {};
  t.is(quietNativeLogs(unset), DEFAULT_NATIVE_LOG_LEVEL);
  t.is(unset[NATIVE_LOG_LEVEL_ENV_VAR], '2');
  const empty: Record<string, string | undefined> = { TF_CPP_MIN_LOG_LEVEL: '' };
  t.is(quietNativeLogs(empty), '2');
  const chosen: Record<string, string | undefined> = { TF_CPP_MIN_LOG_LEVEL: '0' };
  t.is(quietNativeLogs(chosen), '0', 'the user’s choice is the switch');
});

test('initBackend sets TF_CPP_MIN_LOG_LEVEL in a process that had none, before trying the native packages', (t) => {
  const select = new URL('../../../src/backend/select.js', import.meta.url).href;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && key !== NATIVE_LOG_LEVEL_ENV_VAR && key !== 'TFJS_BNN_BACKEND') env[key] = value;
  const script = `const {initBackend} = await import(${JSON.stringify(select)}); await initBackend(); process.stdout.write(String(process.env.${NATIVE_LOG_LEVEL_ENV_VAR}));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, timeout: 60_000 });
  t.is(run.stdout, DEFAULT_NATIVE_LOG_LEVEL, run.stderr);
});
