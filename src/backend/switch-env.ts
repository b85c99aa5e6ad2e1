/**
 * On/off switches read from environment variables (`TFJS_BNN_FAST_CPU_KERNELS`,
 * `TFJS_BNN_NATIVE_KERNELS`): unset or `1`/`true`/`on`/`yes` mean on, `0`/`false`/`off`/`no` off.
 */
import { InvalidArgumentError } from '../errors.js';

/** `process.env` in Node, an empty record where there is no process (browsers). */
export function environment(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

const ON = ['', '1', 'true', 'on', 'yes'];
const OFF = ['0', 'false', 'off', 'no'];

/**
 * Whether the switch `name` is on in `env` (unset counts as on). Throws `InvalidArgumentError`
 * naming `where`, the variable and `expected` for any other value.
 */
export function switchOn(env: Readonly<Record<string, string | undefined>>, name: string, where: string, expected: string): boolean {
  const raw = env[name];
  const value = (raw ?? '').trim().toLowerCase();
  if (ON.includes(value)) return true;
  if (OFF.includes(value)) return false;
  throw new InvalidArgumentError(where, name, raw, expected);
}
