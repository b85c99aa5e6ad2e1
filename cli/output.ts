/**
 * Where a command writes: human lines go to stdout, or to stderr under `--json`, so that with
 * `--json` stdout holds exactly one line, the result object.
 */

/** The output channel of one command run. */
export interface CommandOutput {
  /** Whether `--json` was given. */
  readonly json: boolean;
  /** A line for people (stdout, or stderr under `--json`). */
  log(line: string): void;
  /** Writes the result: one JSON line on stdout under `--json`, else `human()`'s lines on stdout. */
  result(value: unknown, human: () => readonly string[]): void;
}

/** Sinks of a `CommandOutput` (process streams by default; arrays in tests). */
export interface OutputSinks {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The process's own streams. */
export const PROCESS_SINKS: OutputSinks = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Makes the output channel of a run. */
export function createOutput(json: boolean, sinks: OutputSinks = PROCESS_SINKS): CommandOutput {
  return {
    json,
    log(line) {
      (json ? sinks.stderr : sinks.stdout)(`${line}\n`);
    },
    result(value, human) {
      if (json) sinks.stdout(`${JSON.stringify(value)}\n`);
      else for (const line of human()) sinks.stdout(`${line}\n`);
    },
  };
}
