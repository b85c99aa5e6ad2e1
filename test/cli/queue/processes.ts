/**
 * Child processes of the queue tests: `tfjs-bnn worker`s and `tfjs-bnn study kl --redis` runs,
 * with their output kept, every one stopped by `stopAll()` (and killed when the test process exits).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { CLI_PATH } from '../spawn.js';

/** Short lock and stalled-check interval of the test workers, ms: a killed worker's job is handed on within ~10 s; the lock is long enough that a loaded machine does not make a live worker look stalled. */
export const TEST_LOCK_DURATION_MS = 8000;
export const TEST_STALLED_INTERVAL_MS = 1000;

/** A spawned tfjs-bnn process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  stdout(): string;
  /** Resolves with the exit status (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** BullMQ worker name of a `worker` process (`host:pid`). */
  readonly workerName: string;
}

const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts `node dist/cli/main.js ...args`. */
export function startCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let out = '';
  let all = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    all += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    all += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, output: () => all, stdout: () => out, exited, workerName: `${hostname()}:${child.pid ?? 0}` };
}

/** Starts a worker on `url` with the short test lock. */
export function startWorker(url: string, extra: readonly string[] = []): CliProcess {
  return startCli([
    'worker',
    '--redis',
    url,
    '--lock-duration',
    String(TEST_LOCK_DURATION_MS),
    '--stalled-interval',
    String(TEST_STALLED_INTERVAL_MS),
    ...extra,
  ]);
}

/** Stops every process still running: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAll(graceMs = 5000): Promise<void> {
  const alive = [...started].filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    alive.map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            started.delete(child);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The last line of stdout parsed as JSON (the `--json` result). */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}
