/** A command whose library module is not part of this build yet. */
import { BnnError } from '../src/errors.js';

/** Raised by a command that needs a module this build does not include; exits with status 1. */
export class FeatureUnavailableError extends BnnError {
  constructor(command: string, needs: string) {
    super(`${command}: this build does not include ${needs} yet, so the command cannot run; see docs/cli.md.`);
  }
}
