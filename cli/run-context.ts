/** What a command body receives besides its options, and the shape of a command body (its own file, so commands do not import the program that loads them). */
import type { CommandOutput } from './output.js';
import type { ResolvedOptions } from './resolve.js';

/** What a run command receives besides its options. */
export interface RunContext {
  readonly output: CommandOutput;
  /** Aborted on the first Ctrl-C. */
  readonly signal: AbortSignal;
}

/** A command body: resolves to its exit status (0, or `INTERRUPTED_EXIT_CODE` when stopped early). */
export type RunCommand = (options: ResolvedOptions, context: RunContext) => Promise<number>;
