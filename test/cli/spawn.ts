/** Runs the compiled `tfjs-bnn` command in a child process. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `dist/cli/main.js`, from `dist/test/cli/`. */
export const CLI_PATH = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Non-empty stderr lines. */
  readonly errorLines: string[];
}

/** Runs `node dist/cli/main.js ...args` synchronously (cwd: `cwd` or the working directory). */
export function runTfjsBnn(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    errorLines: result.stderr.split('\n').filter((line) => line.trim().length > 0),
  };
}
