/**
 * One tfjs, checked at import in Node: the tfjs-core that tfjs-bnn resolves must be the one the
 * application resolves (from its working directory and its main script). Two different files
 * mean two engines, kernel registries and layer class hierarchies.
 */
import { createRequire } from 'node:module';
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuplicateTfjsError } from '../errors.js';
import { setTfjsCopyDescriber } from './single-tfjs.js';

const CORE_PACKAGE = '@tensorflow/tfjs-core/package.json';

/** tfjs-core's package.json as resolved from `directory` (through @tensorflow/tfjs first), or null. */
function resolveCoreFrom(directory: string): string | null {
  const require = createRequire(path.join(directory, 'noop.js'));
  for (const attempt of [
    () => createRequire(require.resolve('@tensorflow/tfjs/package.json')).resolve(CORE_PACKAGE),
    () => require.resolve(CORE_PACKAGE),
  ]) {
    try {
      return realpathSync(path.dirname(attempt()));
    } catch {
      // Not resolvable this way; try the next.
    }
  }
  return null;
}

/** tfjs-core as tfjs-bnn resolves it, and as the application does from `directories` (deduplicated, unresolvable ones left out). */
export function tfjsCoreLocations(directories: readonly string[] = applicationDirectories()): {
  own: string | null;
  application: string[];
} {
  const own = resolveCoreFrom(path.dirname(fileURLToPath(import.meta.url)));
  const application = [...new Set(directories.map(resolveCoreFrom).filter((p): p is string => p !== null))];
  return { own, application };
}

function applicationDirectories(): string[] {
  const main = process.argv[1];
  return [process.cwd(), ...(main === undefined ? [] : [path.dirname(path.resolve(main))])];
}

/**
 * Throws `DuplicateTfjsError` naming both tfjs-core paths when the application resolves another
 * copy than tfjs-bnn does; also makes the runtime check (`requireOwnTensor`) name them.
 */
export function requireSingleTfjs(directories?: readonly string[]): void {
  const { own, application } = tfjsCoreLocations(directories);
  if (own === null) return;
  const others = application.filter((location) => location !== own);
  setTfjsCopyDescriber(() => [own, ...others]);
  if (others.length > 0) throw new DuplicateTfjsError('tfjs-bnn (import)', [own, ...others]);
}
