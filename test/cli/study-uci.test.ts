/** `study uci`: a quick spawned run on a shipped set and on a user CSV, and its input errors. */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USAGE_EXIT_CODE } from '../../cli/failure.js';
import { runTfjsBnn } from './spawn.js';
import { formatMeanError } from '../../cli/study/uci/report.js';
import { summarizeUci } from '../../cli/study/uci/study.js';

const scratch = mkdtempSync(join(tmpdir(), 'tfjs-bnn-uci-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

test('study uci --quick on iris reports accuracy, log-likelihood and ECE per method with standard errors', (t) => {
  const out = join(scratch, 'iris');
  const run = runTfjsBnn(['study', 'uci', '--dataset', 'iris', '--quick', '--out', out, '--json'], { timeoutMs: 240_000 });
  t.is(run.status, 0, run.stderr);
  const result = lastJson(run.stdout) as {
    splits: number;
    summary: Record<string, Record<string, { mean: number; standardError: number; n: number }>>;
    paths: { report: string; results: string };
  };
  t.is(result.splits, 2);
  t.deepEqual(Object.keys(result.summary), ['bbb', 'mc-dropout', 'deterministic']);
  for (const row of Object.values(result.summary)) {
    t.true(row.accuracy.mean >= 0 && row.accuracy.mean <= 1);
    t.true(row.ece.mean >= 0 && row.ece.mean <= 1);
    t.true(row.testLL.mean < 0);
    t.is(row.accuracy.n, 2);
  }
  t.true(existsSync(result.paths.report));
  const results = JSON.parse(readFileSync(result.paths.results, 'utf8')) as { tables: Array<{ title: string }> };
  t.is(results.tables[0].title, 'Mean ± standard error over splits');
});

test('study uci --csv runs the regression protocol on a user file; a missing --target is an error', (t) => {
  const file = join(scratch, 'line.csv');
  const rows = Array.from({ length: 40 }, (_, i) => `${i / 10},${(i % 7) / 3},${(2 * i) / 10 + ((i * 37) % 11) / 20}`);
  writeFileSync(file, `a,b,y\n${rows.join('\n')}\n`);
  const run = runTfjsBnn(
    ['study', 'uci', '--csv', file, '--target', 'y', '--quick', '--methods', 'deterministic', '--out', join(scratch, 'csv'), '--json'],
    { timeoutMs: 120_000 },
  );
  t.is(run.status, 0, run.stderr);
  const result = lastJson(run.stdout) as { task: string; summary: { deterministic: Record<string, { mean: number }> } };
  t.is(result.task, 'regression');
  t.true(result.summary.deterministic.rmse.mean > 0);
  t.true(result.summary.deterministic.coverage90.mean >= 0 && result.summary.deterministic.coverage90.mean <= 1);
  const bad = runTfjsBnn(['study', 'uci', '--csv', file, '--quick', '--out', join(scratch, 'bad')]);
  t.not(bad.status, 0);
  t.regex(bad.stderr, /--target/);
  const badMethod = runTfjsBnn(['study', 'uci', '--dataset', 'iris', '--methods', 'svm', '--quick', '--out', join(scratch, 'bad2')]);
  t.not(badMethod.status, 0);
  t.regex(badMethod.stderr, /--methods/);
  const badSet = runTfjsBnn(['study', 'uci', '--dataset', 'boston']);
  t.is(badSet.status, USAGE_EXIT_CODE);
});

test('summarizeUci: mean and standard error (sample sd / √n) per method', (t) => {
  const summary = summarizeUci([
    { method: 'bbb', split: 0, metrics: { rmse: 1 } },
    { method: 'bbb', split: 1, metrics: { rmse: 3 } },
  ]);
  t.is(summary.bbb.rmse.mean, 2);
  t.is(summary.bbb.rmse.standardError, Math.sqrt(2) / Math.sqrt(2));
  t.is(formatMeanError(2, 1), '2.000 ± 1.0');
});
