/**
 * Shared pieces of the browser tests: build the app with Vite's JS API into a temporary folder,
 * serve it on a free loopback port with a tiny static server, and drive Debian's headless
 * Chromium through playwright-core, recording console errors, page errors and every request that
 * leaves the page's own origin.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The repository root (this file runs from dist/test/web). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
/** Where Debian installs Chromium; `TFJS_BNN_CHROMIUM` overrides. */
export const CHROMIUM_PATH = process.env.TFJS_BNN_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for a quiet, offline, headless Chromium. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Builds web/ with Vite into a new temporary folder and returns it. */
export async function buildApp(): Promise<string> {
  const { build } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'tfjs-bnn-web-'));
  await build({ configFile: join(REPO_ROOT, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, so tfjs-backend-wasm's threaded build). */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** A static server of `root` on 127.0.0.1 and a free port; `isolated` adds the cross-origin isolation headers to every response. */
export async function serve(root: string, isolated = false): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, {
            'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
            ...(isolated ? CROSS_ORIGIN_ISOLATION : {}),
          })
          .end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * Launches headless Chromium. A missing browser is a failure, never a skip (under `CI=true` and
 * outside it): install it with `apt-get install -y chromium` or point `TFJS_BNN_CHROMIUM` at one.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `browser tests: no Chromium at ${CHROMIUM_PATH}${process.env.CI === 'true' ? ' (CI=true: the browser tests must run)' : ''}; install it with 'apt-get install -y chromium' or set TFJS_BNN_CHROMIUM.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a page did that the tests forbid. */
export interface PageWatch {
  readonly consoleErrors: string[];
  readonly foreignRequests: string[];
}

/**
 * Opens `url` in a new page, recording console errors, uncaught page errors and requests outside
 * `origin`. `initScript` (JavaScript text) runs in the page before its own scripts.
 */
export async function openPage(
  browser: Browser,
  origin: string,
  url: string,
  initScript?: string,
): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  if (initScript !== undefined) await page.addInitScript(initScript);
  const watch: PageWatch = { consoleErrors: [], foreignRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watch.consoleErrors.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const target = new URL(request.url());
    if ((target.protocol === 'http:' || target.protocol === 'https:' || target.protocol === 'ws:') && target.origin !== origin)
      watch.foreignRequests.push(request.url());
  });
  await page.goto(`${origin}${url}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return { page, watch };
}

/** Saves a screenshot to `$TFJS_BNN_WEB_SCREENSHOTS/<name>.png` when that variable names a folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.TFJS_BNN_WEB_SCREENSHOTS;
  if (folder !== undefined && folder !== '') await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
}
