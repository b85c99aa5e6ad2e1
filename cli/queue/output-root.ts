/**
 * Paths of a job, confined to the worker's output root (`tfjs-bnn worker --output-root DIR`, a
 * folder every host mounts, possibly at different places). A job names paths relative to that
 * root; absolute paths, `..` escapes and symbolic links leading out of it are refused.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError } from '../../src/errors.js';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** The deepest existing ancestor of `path` (itself when it exists), with links resolved. */
function realExisting(path: string): string {
  let current = path;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return realpathSync(current);
}

/**
 * `root`/`relativePath`, checked to stay inside `root`.
 * @param argument the payload key, for the error.
 * @throws InvalidArgumentError for an absolute path, an empty one, or one that leaves the root
 *   (by `..` or through a symbolic link).
 */
export function confinedPath(root: string, relativePath: string, where: string, argument: string): string {
  const expected = `a path relative to the output root that stays inside it (no absolute path, no '..' out of it, no link out of it)`;
  if (relativePath.length === 0 || isAbsolute(relativePath) || /^[A-Za-z]:/.test(relativePath) || relativePath.includes('\0')) {
    throw new InvalidArgumentError(where, argument, relativePath, expected);
  }
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, relativePath);
  if (target === absoluteRoot || !inside(absoluteRoot, target)) throw new InvalidArgumentError(where, argument, relativePath, expected);
  const realRoot = realExisting(absoluteRoot);
  if (!inside(realRoot, realExisting(target))) throw new InvalidArgumentError(where, argument, relativePath, expected);
  return target;
}
