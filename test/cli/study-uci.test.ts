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
  const results = JSON.parse(readFileSync(result.paths.results, 'utf8')) as {
    tables: Array<{ title: string }>;
    groupReliability: Array<{ name: string; bins: Array<{ count: number }> }>;
  };
  t.is(results.tables[0].title, 'Mean ± standard error over splits');
  // One 15-bin reliability diagram per method, holding every test point of both splits (15 each).
  t.deepEqual(
    results.groupReliability.map((g) => [g.name, g.bins.length, g.bins.reduce((s, b) => s + b.count, 0)]),
    [
      ['bbb', 15, 30],
      ['mc-dropout', 15, 30],
      ['deterministic', 15, 30],
    ],
  );
  const html = readFileSync(result.paths.report, 'utf8');
  for (const method of ['bbb', 'mc-dropout', 'deterministic']) t.true(html.includes(`id="reliability-${method}"`), method);
});

test('study uci --dataset digits --quick: the 8×8 digits as a 10-class problem (64 inputs, 180 test images per split)', (t) => {
  const out = join(scratch, 'digits');
  const run = runTfjsBnn(['study', 'uci', '--dataset', 'digits', '--quick', '--splits', '1', '--out', out, '--json'], {
    timeoutMs: 240_000,
  });
  t.is(run.status, 0, run.stderr);
  const result = lastJson(run.stdout) as {
    dataset: string;
    task: string;
    summary: Record<string, Record<string, { mean: number }>>;
    paths: { results: string };
  };
  t.is(result.dataset, 'digits');
  t.is(result.task, 'classification');
  t.deepEqual(Object.keys(result.summary), ['bbb', 'mc-dropout', 'deterministic']);
  // Even 3 epochs of a 64-50-10 network are far above chance (0.1) on the digits.
  for (const row of Object.values(result.summary)) t.true(row.accuracy.mean > 0.5, JSON.stringify(row.accuracy));
  const results = JSON.parse(readFileSync(result.paths.results, 'utf8')) as {
    summary: { rows: number; features: number };
    groupReliability: Array<{ bins: Array<{ count: number }> }>;
  };
  t.deepEqual([results.summary.rows, results.summary.features], [1797, 64]);
  for (const group of results.groupReliability)
    t.is(
      group.bins.reduce((s, b) => s + b.count, 0),
      180,
    );
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
