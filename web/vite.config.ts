/**
 * Vite configuration of the browser app (`npm run web:dev`, `npm run web:build`).
 * `tfjs-bnn` resolves to web/src/bnn.ts, the browser-safe names the app uses.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

const { version } = JSON.parse(readFileSync(here('../package.json'), 'utf8')) as { version: string };

/**
 * Fails the build when a Node built-in (`node:fs`, `zlib`, …) is imported by tfjs-bnn's own code
 * that the page bundles, instead of Vite's silent empty stub: the page must only reach
 * browser-safe modules. (Dependencies such as tfjs guard their Node-only requires themselves.)
 */
function forbidNodeBuiltins(): Plugin {
  return {
    name: 'tfjs-bnn:forbid-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (isBuiltin(source) && importer !== undefined && !importer.includes('/node_modules/'))
        this.error(`'${source}' is a Node built-in, imported by ${importer}; the browser app may only import browser-safe modules.`);
      return null;
    },
  };
}

/**
 * Cross-origin isolation for `web:dev` and `web:preview`: with these headers the page gets
 * SharedArrayBuffer, so tfjs-backend-wasm runs its threaded SIMD build (docs/browser.md says how to
 * serve them in production).
 */
const CROSS_ORIGIN_ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  define: { __TFJS_BNN_VERSION__: JSON.stringify(version) },
  plugins: [forbidNodeBuiltins()],
  root: here('.'),
  base: './',
  resolve: { alias: { 'tfjs-bnn': here('./src/bnn.ts') } },
  build: { outDir: here('./dist'), emptyOutDir: true, target: 'es2022', minify: false, chunkSizeWarningLimit: 4096 },
  worker: { format: 'es', plugins: () => [forbidNodeBuiltins()] },
  server: { fs: { allow: [here('..')] }, headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
});
