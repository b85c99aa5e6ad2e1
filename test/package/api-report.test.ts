import test from 'ava';
import { readFileSync } from 'node:fs';

interface ApiReportModule {
  apiReport(): string;
  REPORT_PATH: string;
}

test('docs/api-report.md lists exactly what the entries export (run `npm run api:report` and review a change)', async (t) => {
  const script = new URL('../../../scripts/api-report.mjs', import.meta.url).href;
  const { apiReport, REPORT_PATH } = (await import(script)) as ApiReportModule;
  const current = apiReport();
  const committed = readFileSync(REPORT_PATH, 'utf8');
  const added = current.split('\n').filter((line) => !committed.includes(line));
  const removed = committed.split('\n').filter((line) => !current.includes(line));
  t.deepEqual({ added, removed }, { added: [], removed: [] }, 'the public API changed without an update of docs/api-report.md');
  t.regex(current, /\| `denseVariational` \| function \| `layers\/dense-variational\.ts` \|/);
  t.notRegex(current, /\| `(requireFinite|escapeHtml|slug|REPORT_FILE)` \|/, 'internal helpers are not public');
});
