/**
 * The browser app (web/) in a real headless Chromium: it loads cleanly and offline, the toy's band
 * widens away from the data, the viewer's maps equal Node's for the same saved model, slice and
 * seed, and bad files give visible messages. Timing: one build (~10 s) and one browser for all
 * tests; the toy trains 600 steps of a 1-32-1 MLP, the viewer's model is segment's U-Net on 16×16.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildApp, launchChromium, openPage, screenshot, serve } from './harness.js';
import {
  MAP_NAMES,
  SAMPLES,
  SEED,
  SIZE,
  TOY_ELBOS,
  nodeMaps,
  nodeToyLosses,
  writeViewerFiles,
  type MapName,
  type ViewerFiles,
} from './fixtures.js';

/** Same backend family (page `?backend=cpu` vs Node `cpu`, both with tfjs-bnn's fast cpu kernels). */
const SAME_BACKEND_TOLERANCE = 1e-4;

let browser: Browser;
let server: { origin: string; close: () => Promise<void> };
/** The same build served with COOP/COEP headers (cross-origin isolated: SharedArrayBuffer, wasm threads). */
let isolatedServer: { origin: string; close: () => Promise<void> };
let dist: string;
let files: ViewerFiles;

test.before(async () => {
  const [built, launched] = await Promise.all([buildApp(), launchChromium()]);
  [dist, browser] = [built, launched];
  server = await serve(dist);
  isolatedServer = await serve(dist, true);
  files = await writeViewerFiles(await mkdtemp(join(tmpdir(), 'tfjs-bnn-web-files-')));
});

test.after.always(async () => {
  await browser?.close();
  await server?.close();
  await isolatedServer?.close();
  await Promise.all([dist, files?.folder].filter((path) => path !== undefined).map((path) => rm(path, { recursive: true, force: true })));
});

test('the app loads with no console errors, no request outside its origin, and says which backend it runs and why', async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/');
  const line = await page.textContent('#backend');
  t.regex(line ?? '', /^backend: (webgl|wasm|cpu) — /);
  const backend = await page.getAttribute('#backend', 'data-backend');
  // Chromium runs with --disable-gpu: without WebGL the page must say it fell back and why.
  if (backend !== 'webgl') t.regex(line ?? '', /fell back: webgl: /);
  await screenshot(page, 'loaded');
  t.deepEqual(watch.consoleErrors, []);
  t.deepEqual(watch.foreignRequests, []);
  await page.close();
});

test("?backend=wasm runs the wasm backend from the page's own origin, SIMD build with tfjs-bnn's compiled kernels", async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/?backend=wasm');
  t.is(await page.getAttribute('#backend', 'data-backend'), 'wasm');
  t.is(await page.getAttribute('#backend', 'data-wasm-binary'), 'tfjs-backend-wasm-simd.wasm');
  t.is(await page.getAttribute('#backend', 'data-wasm-threads'), '1');
  t.is(await page.getAttribute('#backend', 'data-wasm-kernels'), 'compiled');
  t.regex(
    (await page.getAttribute('#backend', 'title')) ?? '',
    /single thread: threads need SharedArrayBuffer, i\.e\. a cross-origin isolated page \(COOP\/COEP headers\)$/,
  );
  t.deepEqual(watch.consoleErrors, []);
  t.deepEqual(watch.foreignRequests, []);
  await page.close();
});

test('an unknown ?backend= name is shown on the page, not thrown', async (t) => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.origin}/?backend=metal`);
  await page.waitForSelector('.message.error');
  t.is(
    await page.textContent('.message.error span'),
    'InvalidArgumentError: page address: argument \'?backend\' was "metal"; expected one of webgl, wasm, cpu.',
  );
  t.deepEqual(errors, []);
  await page.close();
});

/** Page script that makes every canvas refuse WebGL, as a browser without WebGL does. */
const WITHOUT_WEBGL = `for (const C of [HTMLCanvasElement, OffscreenCanvas]) {
  const original = C.prototype.getContext;
  C.prototype.getContext = function (type, ...rest) { return String(type).startsWith('webgl') || String(type).startsWith('experimental-webgl') ? null : original.call(this, type, ...rest); };
}`;

test('in a browser without WebGL the page says it fell back to wasm and why', async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/', WITHOUT_WEBGL);
  t.is(await page.getAttribute('#backend', 'data-backend'), 'wasm');
  t.is(
    await page.textContent('#backend'),
    'backend: wasm — fell back: webgl: this browser gives no WebGL context (WebGL is disabled or no GPU is available)' +
      ' (tfjs-backend-wasm-simd.wasm, 1 thread, tfjs-bnn kernels compiled (SIMD128))',
  );
  t.deepEqual(watch.consoleErrors, []);
  await page.close();
});

test('for each KL weighting of the selector, the toy on ?backend=cpu trains to the same losses as fit() in Node with the same seed', async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/?backend=cpu#toy');
  await page.fill('#toy-epochs', '2');
  const losses: number[] = [];
  for (const weighting of Object.keys(TOY_ELBOS) as Array<keyof typeof TOY_ELBOS>) {
    await page.selectOption('#toy-weighting', weighting);
    if (weighting === 'tempered') await page.fill('#toy-temperature', '0.1');
    await page.click('#toy-train');
    await page.waitForSelector('#toy-train:not([disabled])', { timeout: 60_000 });
    t.is(await page.getAttribute('#toy-band', 'data-state'), 'done', weighting);
    const inPage = await Promise.all(
      ['data-loss', 'data-nll', 'data-kl'].map(async (name) => Number(await page.getAttribute('#toy-status', name))),
    );
    const inNode = await nodeToyLosses(weighting);
    t.log(`${weighting}: epoch 2 loss, nll, kl: page ${inPage.join(', ')}; Node ${inNode.join(', ')}`);
    inPage.forEach((value, i) =>
      t.true(
        Math.abs(value - inNode[i]) <= 1e-5 * Math.max(1, Math.abs(inNode[i])),
        `${weighting} term ${i}: page ${value}, Node ${inNode[i]}`,
      ),
    );
    losses.push(inPage[0]);
  }
  t.is(new Set(losses).size, 3, 'the three weightings give three different objectives');
  t.deepEqual(watch.consoleErrors, []);
  await page.close();
});

test('the toy trains 600 steps in the page and its band outside the data is more than 3x as wide as inside', async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/?backend=cpu#toy');
  const tensorsBefore = (await page.evaluate('window.tfjsBnnPage.numTensors()')) as number;
  await page.fill('#toy-epochs', '120');
  await page.click('#toy-train');
  await page.waitForSelector('#toy-band[data-state="done"]', { timeout: 100_000 });
  t.is(await page.evaluate('window.tfjsBnnPage.numTensors()'), tensorsBefore, 'no tensor leaks in the page after training');
  const read = async (name: string) => Number(await page.getAttribute('#toy-band', name));
  const [step, inside, outside] = [await read('data-step'), await read('data-width-inside'), await read('data-width-outside')];
  t.log(
    `after ${step} steps: band width inside ${inside.toFixed(4)}, outside ${outside.toFixed(4)}, ratio ${(outside / inside).toFixed(2)}`,
  );
  t.is(step, 600);
  t.true(outside > 3 * inside, `outside ${outside} vs inside ${inside}`);
  const rows = (await page.evaluate(
    `Array.from(document.querySelectorAll('#toy-inspector-rows tr'), (tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent))`,
  )) as string[][];
  t.deepEqual(
    rows.map((r) => r[0]),
    ['hidden', 'output'],
  );
  for (const row of rows) t.true(Number(row[3]) > 0 && Number.isFinite(Number(row[3])), `ratio of ${row[0]}: ${row[3]}`);
  await screenshot(page, 'toy');
  t.deepEqual(watch.consoleErrors, []);
  t.deepEqual(watch.foreignRequests, []);
  await page.close();
});

/** Node's maps for the saved model and slice, on the cpu backend with the fast kernels, as the page computes them. */
/** Computes the maps in the page for the files loaded and returns them as plain arrays. */
async function pageMaps(page: Page): Promise<Record<MapName, number[]> | null> {
  await page.waitForSelector('#viewer-state[data-state="ready"]');
  await page.click('#viewer-compute');
  await page.waitForSelector('#viewer-state[data-state="done"]', { timeout: 60_000 });
  // Page-side code is passed as text: this file compiles without the DOM library.
  return (await page.evaluate(`(() => {
    const maps = window.tfjsBnnViewer?.maps;
    return maps == null ? null : { meanProbability: Array.from(maps.meanProbability), predictiveEntropy: Array.from(maps.predictiveEntropy), mutualInformation: Array.from(maps.mutualInformation) };
  })()`)) as Record<MapName, number[]> | null;
}

test("the viewer's maps of a saved model and a PNG or NIfTI slice equal the maps Node computes for the same seed (cpu, 1e-4)", async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/?backend=cpu#viewer');
  await page.setInputFiles('#viewer-files', [files.model, files.weights, files.slice]);
  await page.waitForSelector('#viewer-state[data-state="ready"]');
  await page.fill('#viewer-samples', String(SAMPLES));
  await page.fill('#viewer-seed', String(SEED));
  const fromPng = await pageMaps(page);
  await screenshot(page, 'viewer');
  await page.setInputFiles('#viewer-files', [files.volume]);
  // Files are read asynchronously: wait until the page lists the volume.
  await page.waitForSelector('#viewer-loaded:has-text("volume.nii.gz")');
  t.regex((await page.textContent('#viewer-loaded')) ?? '', /volume\.nii\.gz, NIfTI 16×16×3 \(float32\), slice z = 1 of 3/);
  const fromNifti = await pageMaps(page);
  await page.fill('#viewer-slice', '2');
  await page.dispatchEvent('#viewer-slice', 'change');
  t.regex((await page.textContent('#viewer-loaded')) ?? '', /slice z = 2 of 3/);
  const expected = await nodeMaps(files);
  for (const [source, maps] of [
    ['PNG', fromPng],
    ['NIfTI', fromNifti],
  ] as const) {
    t.not(maps, null, source);
    for (const key of MAP_NAMES) {
      const got = maps?.[key] ?? [];
      t.is(got.length, SIZE * SIZE, `${source} ${key}`);
      const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[key][i])), 0);
      t.true(worst <= SAME_BACKEND_TOLERANCE, `${source} ${key}: largest difference ${worst}`);
    }
  }
  t.true(
    expected.mutualInformation.some((v) => v > 1e-6),
    'the passes disagree somewhere (the comparison is not of zeros)',
  );
  t.is(await page.locator('#viewer-maps figure').count(), 4);
  t.regex((await page.textContent('#viewer-backend')) ?? '', /maps computed on cpu \(the page's backend\)/);
  t.deepEqual(watch.consoleErrors, []);
  t.deepEqual(watch.foreignRequests, []);
  await page.close();
});

test("in a cross-origin isolated page, wasm runs the threaded SIMD build with tfjs-bnn's shared-memory kernels, and the viewer's maps equal Node's (1e-4)", async (t) => {
  const { page, watch } = await openPage(browser, isolatedServer.origin, '/?backend=wasm#viewer');
  t.true(await page.evaluate('self.crossOriginIsolated === true'), 'the headers isolate the page');
  t.is(await page.getAttribute('#backend', 'data-wasm-binary'), 'tfjs-backend-wasm-threaded-simd.wasm');
  const threads = Number(await page.getAttribute('#backend', 'data-wasm-threads'));
  t.log(`threads: ${threads} (navigator.hardwareConcurrency ${String(await page.evaluate('navigator.hardwareConcurrency'))})`);
  t.true(threads >= 1, "XNNPACK's thread count (tfjs's default: half the logical cores)");
  t.is(
    await page.getAttribute('#backend', 'data-wasm-kernels'),
    'compiled',
    'the shared-memory build of conv-kernels.wasm runs on the threaded heap',
  );
  await page.setInputFiles('#viewer-files', [files.model, files.weights, files.slice]);
  await page.waitForSelector('#viewer-state[data-state="ready"]');
  await page.fill('#viewer-samples', String(SAMPLES));
  await page.fill('#viewer-seed', String(SEED));
  const maps = await pageMaps(page);
  t.regex(
    (await page.textContent('#viewer-backend')) ?? '',
    /maps computed on wasm \(the page's backend; tfjs-backend-wasm-threaded-simd\.wasm, \d+ threads?, tfjs-bnn kernels compiled \(SIMD128\)\)/,
  );
  const expected = await nodeMaps(files);
  t.not(maps, null);
  for (const key of MAP_NAMES) {
    const got = maps?.[key] ?? [];
    t.is(got.length, SIZE * SIZE, key);
    const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[key][i])), 0);
    t.log(`${key}: largest difference to Node's cpu maps ${worst.toExponential(2)}`);
    t.true(worst <= SAME_BACKEND_TOLERANCE, `${key}: largest difference ${worst}`);
  }
  t.deepEqual(watch.consoleErrors, []);
  t.deepEqual(watch.foreignRequests, []);
  await page.close();
});

test('bad input in the viewer: a non-image file (picked or dropped), a model with an unknown layer class and mismatched weights give visible messages, nothing uncaught', async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/?backend=cpu#viewer');
  await page.setInputFiles('#viewer-files', [files.notes]);
  await page.waitForSelector('.message.error');
  t.regex(
    (await page.textContent('#messages')) ?? '',
    /FormatError: viewer: 'notes\.txt' is not a model\.json, weights\.bin, PNG or NIfTI/,
  );
  await page.evaluate(`(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['GIF89a not really'], 'photo.png', { type: 'image/png' }));
    document.getElementById('viewer-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  })()`);
  await page.waitForFunction(`document.querySelectorAll('.message.error').length >= 2`);
  t.regex(
    (await page.textContent('#messages')) ?? '',
    /FormatError: decodePng: 'photo\.png' is not a readable PNG \(decodePngRgba: 'photo\.png' does not start with the PNG signature/,
  );
  await page.setInputFiles('#viewer-files', [files.foreignModel]);
  await page.waitForFunction(`document.querySelectorAll('.message.error').length >= 3`);
  t.regex(
    (await page.textContent('#messages')) ?? '',
    /FormatError: viewer: 'foreign-model\.json' uses the layer class 'ConvVariationalV9', which tfjs-bnn \d+\.\d+\.\d+ does not register \(the file was written by tfjs-bnn/,
  );
  await page.setInputFiles('#viewer-files', [files.model, files.wrongWeights, files.slice]);
  await page.click('#viewer-compute');
  await page.waitForSelector('#viewer-state[data-state="failed"]');
  t.regex(
    (await page.textContent('#messages')) ?? '',
    /FormatError: viewer: the model cannot be built from model\.json and weights\.bin \(.+\); pick both files from the same saved model folder/,
  );
  await screenshot(page, 'viewer-errors');
  t.deepEqual(watch.consoleErrors, []);
  t.deepEqual(watch.foreignRequests, []);
  await page.close();
});

test("the viewer's Cancel stops a long computation and leaves the page usable", async (t) => {
  const { page, watch } = await openPage(browser, server.origin, '/?backend=cpu#viewer');
  await page.setInputFiles('#viewer-files', [files.model, files.weights, files.slice]);
  await page.fill('#viewer-samples', '100000');
  await page.click('#viewer-compute');
  await page.waitForFunction(`document.getElementById('viewer-progress').value >= 1`, undefined, { timeout: 30_000 });
  await page.click('#viewer-cancel');
  t.is(await page.getAttribute('#viewer-state', 'data-state'), 'cancelled');
  t.false(await page.isDisabled('#viewer-compute'));
  t.is(await page.locator('.message.error').count(), 0);
  t.deepEqual(watch.consoleErrors, []);
  await page.close();
});
