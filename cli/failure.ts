/**
 * Turns any error that reaches the top of the CLI into an exit status and ONE line on stderr:
 * `tfjs-bnn: <message>`. The stack trace is printed only with `--verbose`.
 */
import { CommanderError } from 'commander';
import { BnnError, DtypeError, FormatError, InvalidArgumentError, ResumeMismatchError, ShapeError } from '../src/errors.js';
import { ConfigError } from './config.js';
import { INTERRUPTED_EXIT_CODE, InterruptedError } from './interrupt.js';

/** Exit status for bad input: unknown option, bad value, malformed config, missing or unreadable file. */
export const USAGE_EXIT_CODE = 2;
/** Exit status for a run that failed (non-finite loss, unavailable backend, internal error). */
export const FAILURE_EXIT_CODE = 1;

/** What to print and which status to exit with. */
export interface FailureReport {
  readonly exitCode: number;
  /** The single line for stderr, starting with `tfjs-bnn: `. */
  readonly line: string;
  /** The stack, for `--verbose`. */
  readonly stack: string | undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** `tfjs-bnn: message`, without doubling the prefix of messages that already name the command ("tfjs-bnn segment: …"). */
function prefixed(message: string): string {
  return /^tfjs-bnn[\s:]/.test(message) ? message : `tfjs-bnn: ${message}`;
}

/** Classifies an error thrown by parsing or by a command. */
export function describeFailure(error: unknown): FailureReport {
  if (error instanceof CommanderError) {
    // commander prefixes its messages with "error: ".
    const message = firstLine(error.message).replace(/^error:\s*/, '');
    return { exitCode: USAGE_EXIT_CODE, line: `tfjs-bnn: ${message}`, stack: error.stack };
  }
  if (error instanceof InterruptedError)
    return { exitCode: INTERRUPTED_EXIT_CODE, line: prefixed(firstLine(error.message)), stack: error.stack };
  if (error instanceof BnnError) {
    const usage =
      error instanceof ConfigError ||
      error instanceof InvalidArgumentError ||
      error instanceof FormatError ||
      error instanceof ShapeError ||
      error instanceof DtypeError ||
      error instanceof ResumeMismatchError;
    return { exitCode: usage ? USAGE_EXIT_CODE : FAILURE_EXIT_CODE, line: prefixed(firstLine(error.message)), stack: error.stack };
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') {
      return { exitCode: USAGE_EXIT_CODE, line: `tfjs-bnn: ${firstLine(error.message)}`, stack: error.stack };
    }
    return {
      exitCode: FAILURE_EXIT_CODE,
      line: `tfjs-bnn: internal error: ${firstLine(error.message)} (run with --verbose for the stack trace)`,
      stack: error.stack,
    };
  }
  return { exitCode: FAILURE_EXIT_CODE, line: `tfjs-bnn: internal error: ${firstLine(String(error))}`, stack: undefined };
}
