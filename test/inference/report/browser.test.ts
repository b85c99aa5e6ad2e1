/**
 * Opens a report in a real headless Chromium (Debian's `chromium`, driven by playwright-core).
 * Machines without a Chromium binary skip this test and log why; that alone never fails the suite.
 */
import test from 'ava';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeRunReport } from '../../../inference/report/write.js';
import { fullReport, FULL_REPORT_CHARTS } from './fixture.js';

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(
  (path): path is string => typeof path === 'string' && path.length > 0,
);
const chromiumPath = CHROMIUM_CANDIDATES.find((path) => existsSync(path));

if (chromiumPath === undefined) {
  // Without a browser the page cannot be rendered; what can still be checked statically is that the
  // file is self-contained and holds every chart and panel.
  test('report is self-contained with every chart and panel (no Chromium here: rendering not checked)', async (t) => {
    t.log(
      `no Chromium binary found at ${CHROMIUM_CANDIDATES.join(', ')}: install with 'apt-get install chromium' or set CHROMIUM_PATH to render the report`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-bnn-browser-'));
    try {
      const written = await writeRunReport(dir, fullReport());
      const html = readFileSync(written.html, 'utf8');
      t.is(html.match(/<figure class="chart"[^>]*>\s*<figcaption>[^<]*<\/figcaption>\s*<svg/g)?.length, FULL_REPORT_CHARTS);
      t.is(html.match(/<img [^>]*src="data:image\/png;base64,/g)?.length, 3);
      t.false(/(src|href)="https?:/.test(html), 'no network references');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  test('report loads in headless Chromium without console errors and shows every chart and panel with a non-zero size', async (t) => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-bnn-browser-'));
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const written = await writeRunReport(dir, fullReport());
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) problems.push(`network request to ${request.url()}`);
      });
      await page.goto(pathToFileURL(written.html).href, { waitUntil: 'load' });
      const charts = await page.$$eval('figure.chart > svg', (svgs) =>
        svgs.map((svg) => svg.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })),
      );
      t.is(charts.length, FULL_REPORT_CHARTS);
      for (const size of charts) t.true(size.width > 50 && size.height > 50, `chart size ${size.width}×${size.height}`);
      const images = await page.$$eval('.panels figure > img', (imgs) =>
        imgs.map((img) => ({ complete: img.complete, natural: img.naturalWidth, shown: img.getBoundingClientRect().width })),
      );
      t.is(images.length, 3);
      for (const image of images) {
        t.true(image.complete && image.natural === 8, 'the PNG decoded at its 8-pixel width');
        t.true(image.shown > 100, 'panels are upscaled for viewing');
      }
      const bars = await page.$$eval('.colorbar img', (imgs) =>
        imgs.map((img) => ({ complete: img.complete, shown: img.getBoundingClientRect().width })),
      );
      t.is(bars.length, 2, 'a colour bar under each non-mask panel');
      for (const bar of bars) t.true(bar.complete && bar.shown > 50, `colour bar ${bar.shown} px wide`);
      t.deepEqual(problems, []);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
