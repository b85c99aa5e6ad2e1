/**
 * The app's Vite configuration refuses Node built-ins in tfjs-bnn's own code: an entry that imports
 * a file with `node:` imports fails the build with a message naming the module and its importer,
 * while the app's own entry (web/src/bnn.ts, all it re-exports) builds.
 */
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.js';

async function buildEntry(source: string): Promise<void> {
  const { build } = await import('vite');
  const folder = await mkdtemp(join(tmpdir(), 'tfjs-bnn-web-guard-'));
  const entry = join(folder, 'entry.ts');
  await writeFile(entry, source);
  try {
    await build({
      configFile: join(REPO_ROOT, 'web', 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir: join(folder, 'out'), write: false, lib: { entry, formats: ['es'], fileName: 'entry' } },
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

test('a browser build that reaches a node: import fails and names it', async (t) => {
  const error = await t.throwsAsync(buildEntry(`export { saveModel } from '${join(REPO_ROOT, 'layers', 'io.ts')}';\n`));
  t.regex(error?.message ?? '', /'node:(fs\/promises|path)' is a Node built-in, imported by .*layers\/io\.ts/);
});

test('the browser entry web/src/bnn.ts builds without any Node built-in', async (t) => {
  await t.notThrowsAsync(buildEntry(`export * from '${join(REPO_ROOT, 'web', 'src', 'bnn.ts')}';\n`));
});
