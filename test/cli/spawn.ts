/** Runs the compiled `tfjs-bnn` command in a child process. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `dist/cli/main.js`, from `dist/test/cli/`. */
export const CLI_PATH = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Non-empty stderr lines, without the native TensorFlow library's own start-up log lines. */
  readonly errorLines: string[];
}

/**
 * Lines the native TensorFlow library (backend `tensorflow`) writes to stderr while it loads,
 * before absl reads TF_CPP_MIN_LOG_LEVEL: absl's preamble and info lines such as "oneDNN custom
 * operations are on". They are not tfjs-bnn's output.
 */
const TENSORFLOW_STARTUP_LINE =
  /^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR|I\d{4} [\d:.]+ +\d+ \S+\.cc:\d+\] )/;

function isTensorFlowStartupLine(line: string): boolean {
  return TENSORFLOW_STARTUP_LINE.test(line);
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
    errorLines: result.stderr.split('\n').filter((line) => line.trim().length > 0 && !isTensorFlowStartupLine(line)),
  };
}
