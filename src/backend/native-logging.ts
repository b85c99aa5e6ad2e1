/**
 * Quieting the native TensorFlow library's start-up logging for library users. TensorFlow reads
 * `TF_CPP_MIN_LOG_LEVEL` once, when its C library loads, so the value must be in the environment
 * before `@tensorflow/tfjs-node` is imported; `initBackend` calls this just before that import.
 */

/** The environment variable TensorFlow's C++ logging reads (0 all, 1 no INFO, 2 no WARNING, 3 no ERROR). */
export const NATIVE_LOG_LEVEL_ENV_VAR = 'TF_CPP_MIN_LOG_LEVEL';

/** Level set when the user has not chosen one: INFO and WARNING lines hidden, errors shown. */
export const DEFAULT_NATIVE_LOG_LEVEL = '2';

/**
 * Sets `TF_CPP_MIN_LOG_LEVEL` to `DEFAULT_NATIVE_LOG_LEVEL` unless it is already set (the documented
 * switch: set it yourself, e.g. to `0`, before the backend loads to see TensorFlow's logs). Returns
 * the level in effect. Lines absl writes before it reads the level (its preamble and "oneDNN custom
 * operations are on") are not affected; only `TF_ENABLE_ONEDNN_OPTS=0` removes the latter, by
 * switching oneDNN off (slower; see docs/native-backend.md). No-op outside Node.
 */
export function quietNativeLogs(
  env: Record<string, string | undefined> | undefined = typeof process === 'undefined' ? undefined : process.env,
): string | undefined {
  if (env === undefined) return undefined;
  if (env[NATIVE_LOG_LEVEL_ENV_VAR] === undefined || env[NATIVE_LOG_LEVEL_ENV_VAR] === '')
    env[NATIVE_LOG_LEVEL_ENV_VAR] = DEFAULT_NATIVE_LOG_LEVEL;
  return env[NATIVE_LOG_LEVEL_ENV_VAR];
}
