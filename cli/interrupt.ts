/**
 * Ctrl-C handling: the first SIGINT aborts the run's `AbortController` (the trainer stops after
 * the current step, keeps its last checkpoint and the command writes a partial report); a second
 * SIGINT exits at once with status 130.
 */
import { BnnError } from '../src/errors.js';

/** Exit status of a run stopped by SIGINT (128 + signal 2, the shell convention). */
export const INTERRUPTED_EXIT_CODE = 130;

/** A SIGINT listener bound to an AbortController; call `release()` when the run ends. */
export interface InterruptHandle {
  readonly signal: AbortSignal;
  /** Removes the SIGINT listener. */
  release(): void;
}

/**
 * Installs the SIGINT listener.
 * @param notify called once with a line for the user when the first SIGINT arrives.
 */
export function abortOnSigint(notify: (line: string) => void): InterruptHandle {
  const controller = new AbortController();
  const listener = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    notify('tfjs-bnn: interrupted; stopping after the current step and writing a partial report (Ctrl-C again to quit now).');
    controller.abort(new Error('interrupted by SIGINT'));
  };
  process.on('SIGINT', listener);
  return {
    signal: controller.signal,
    release: () => void process.off('SIGINT', listener),
  };
}

/**
 * A command stopped by Ctrl-C in a stage that cannot produce partial results (e.g. Monte Carlo
 * prediction): the CLI reports it in one line and exits with `INTERRUPTED_EXIT_CODE`.
 */
export class InterruptedError extends BnnError {
  /**
   * @param stage what was running, e.g. `'Monte Carlo prediction'`.
   * @param detail how far it got and what was kept, e.g. `'after 8 of 32 slices; the checkpoint in runs/x/checkpoint holds the trained weights'`.
   */
  constructor(
    readonly stage: string,
    readonly detail: string,
  ) {
    super(`tfjs-bnn: interrupted by Ctrl-C during ${stage} ${detail}.`);
  }
}

/** Throws `InterruptedError` when `signal` is aborted. */
export function throwIfInterrupted(signal: AbortSignal | undefined, stage: string, detail: () => string): void {
  if (signal?.aborted === true) throw new InterruptedError(stage, detail());
}

/** Lets pending events (a SIGINT listener) run: awaited between chunks of synchronous tensor work. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
