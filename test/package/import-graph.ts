/** Walks the static and dynamic import graph of compiled ES modules (for the package-entry tests). */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

/** One import found in a module: the importing file (relative to `root`) and the specifier. */
export interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s+['"]([^'"]+)['"]/g;
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Every module reachable from `entry` (absolute paths) and every bare or builtin import they make. */
export function importGraph(entry: string, root: string): { files: string[]; external: ImportEdge[] } {
  const files = new Set<string>();
  const external: ImportEdge[] = [];
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = withoutComments(readFileSync(file, 'utf8'));
    for (const match of source.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else external.push({ from: path.relative(root, file), specifier });
    }
  };
  visit(entry);
  return { files: [...files], external };
}

/** Whether `specifier` names a Node built-in module (`fs`, `node:fs`, `fs/promises`, …). */
export function isNodeBuiltin(specifier: string): boolean {
  return NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]);
}

/** Source text without comments (block and line), for scanning code for global Node APIs. */
export function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}
