import test from 'ava';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph, isNodeBuiltin, withoutComments } from './import-graph.js';

const DIST = fileURLToPath(new URL('../../', import.meta.url));
const CORE_ENTRY = path.join(DIST, 'src/index.js');
/**
 * Dependencies of the core that are plain JavaScript with no Node API (tfjs-backend-wasm is tfjs's
 * browser wasm backend, imported on demand by `loadWasmBackend`; the browser tests bundle and run it).
 */
const BROWSER_SAFE_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  'seedrandom',
  'mathjs',
  'fflate',
  'nifti-reader-js',
  'vega',
  'vega-lite',
];

test('no Node built-in and no Node-only package is reachable from the core entry (dist/src/index.js)', (t) => {
  const { files, external } = importGraph(CORE_ENTRY, DIST);
  t.true(files.length > 50, `the walk found only ${files.length} modules`);
  const builtins = external.filter((edge) => isNodeBuiltin(edge.specifier));
  t.deepEqual(builtins, [], `Node built-ins reachable from the core: ${builtins.map((e) => `${e.from} → ${e.specifier}`).join(', ')}`);
  const unknown = external.filter(
    (edge) =>
      !isNodeBuiltin(edge.specifier) && !BROWSER_SAFE_PACKAGES.some((p) => edge.specifier === p || edge.specifier.startsWith(`${p}/`)),
  );
  t.deepEqual(
    unknown,
    [],
    `packages not known to be browser-safe reachable from the core: ${unknown.map((e) => `${e.from} → ${e.specifier}`).join(', ')}`,
  );
});

test('no core module uses process, Buffer, require or __dirname in code', (t) => {
  const { files } = importGraph(CORE_ENTRY, DIST);
  const uses = files.flatMap((file) => {
    const code = withoutComments(readFileSync(file, 'utf8'));
    return [...code.matchAll(/\b(process\.|Buffer\.|require\(|__dirname)/g)].map((m) => `${path.relative(DIST, file)}: ${m[1]}`);
  });
  t.deepEqual(uses, []);
});

test('the walker finds what it is looking for: the Node entry reaches node:fs and the native backend choice', (t) => {
  const { external } = importGraph(path.join(DIST, 'src/node.js'), DIST);
  t.true(external.some((edge) => edge.specifier === 'node:fs/promises'));
  t.true(external.some((edge) => edge.specifier === 'node:module' && edge.from.endsWith('select.js')));
});

test('package.json maps the entries: Node gets node.js, bundlers get the core, require gets the explanation', (t) => {
  const pkg = JSON.parse(readFileSync(path.join(DIST, '../package.json'), 'utf8')) as {
    exports: Record<string, Record<string, unknown>>;
    peerDependencies: Record<string, string>;
    dependencies: Record<string, string>;
  };
  const root = pkg.exports['.'];
  t.deepEqual(Object.keys(root), ['node', 'types', 'default'], 'the node condition must come first');
  t.is((root.node as Record<string, string>).default, './dist/src/node.js');
  t.is((root.node as Record<string, string>).require, './dist/src/require.cjs');
  t.is(root.default, './dist/src/index.js');
  t.is(pkg.exports['./core'].default, './dist/src/index.js');
  t.is(pkg.exports['./node'].default, './dist/src/node.js');
  t.is(pkg.peerDependencies['@tensorflow/tfjs'], '^4.22.0');
  t.false('@tensorflow/tfjs' in pkg.dependencies, "@tensorflow/tfjs must be a peer, not a dependency (one tfjs in the user's project)");
});
