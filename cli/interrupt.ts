/**
 * Ctrl-C handling: the first SIGINT aborts the run's `AbortController` (the trainer stops after
 * the current step, keeps its last checkpoint and the command writes a partial report); a second
 * SIGINT exits at once with status 130.
 */

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
