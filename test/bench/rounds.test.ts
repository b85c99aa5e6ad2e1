import test from 'ava';
import { combineRounds } from '../../bench/rounds.js';
import { formatTable, type BenchRow } from '../../bench/table.js';

/** A measured row of the MLP on tensorflow with its peer. */
function row(medianMs: number, peerMs: number, extra: Partial<BenchRow> = {}): BenchRow {
  return {
    model: 'MLP step',
    estimator: 'reparameterization',
    backend: 'tensorflow',
    key: 'mlp/reparameterization',
    medianMs,
    minMs: medianMs - 1,
    maxMs: medianMs + 2,
    steps: 20,
    peakMemoryMB: 10,
    overhead: medianMs / 3,
    loadBefore: 0.3,
    loadAfter: 0.9,
    underLoad: false,
    peerMs,
    peerSource: 'measured',
    ratio: medianMs / peerMs,
    ...extra,
  };
}

const other = (medianMs: number): BenchRow => ({
  model: 'conv step',
  estimator: 'deterministic',
  backend: 'tensorflow',
  key: 'conv/deterministic',
  medianMs,
  minMs: medianMs,
  maxMs: medianMs,
});

test('one round: the rows as they are', (t) => {
  const rows = [row(10, 8), other(5)];
  t.deepEqual(combineRounds([rows]), rows);
});

test("several rounds: medians per row, the ratio the median of each round's own ratio, min–max over all, load and memory the largest", (t) => {
  const rounds = [
    [row(10, 8), other(5)],
    [row(8, 8.6, { peakMemoryMB: 12, loadAfter: 1.2, underLoad: true }), other(7)],
    [row(9.9, 7.5), other(6)],
  ];
  const [mlp, conv] = combineRounds(rounds);
  t.is(mlp.medianMs, 9.9);
  t.is(mlp.peerMs, 8);
  // The per-round ratios are 1.25, 0.930…, 1.32: their median 1.25, not 9.9 / 8 = 1.2375.
  t.is(mlp.ratio, 10 / 8);
  t.is(mlp.minMs, 7);
  t.is(mlp.maxMs, 12);
  t.is(mlp.peakMemoryMB, 12);
  t.is(mlp.loadAfter, 1.2);
  t.true(mlp.underLoad);
  t.is(mlp.overhead, 9.9 / 3);
  t.deepEqual(
    mlp.rounds?.map((r) => r.medianMs),
    [10, 8, 9.9],
  );
  t.deepEqual(
    mlp.rounds?.map((r) => r.ratio),
    [10 / 8, 8 / 8.6, 9.9 / 7.5],
  );
  // A row without a peer: no peer columns, its own median.
  t.is(conv.medianMs, 6);
  t.is(conv.ratio, undefined);
  t.is(conv.peerMs, undefined);
  t.deepEqual(
    conv.rounds?.map((r) => r.medianMs),
    [5, 7, 6],
  );
  // The table gives the median ratio and each round's.
  t.regex(formatTable([mlp]), /\| 1\.25 \(1\.25 \/ 0\.93 \/ 1\.32\) \|/);
});

test('a row skipped or failed in one round is skipped, naming the round; a missing row or no round is a RangeError', (t) => {
  const failed: BenchRow = { ...other(0), medianMs: undefined, skipped: 'failed: out of memory' };
  const [conv] = combineRounds([[other(5)], [failed], [other(6)]]);
  t.is(conv.skipped, 'round 2 of 3: failed: out of memory');
  t.throws(() => combineRounds([[other(5)], []]), {
    instanceOf: RangeError,
    message: /round 2 has no row conv\/deterministic on tensorflow/,
  });
  t.throws(() => combineRounds([]), { instanceOf: RangeError, message: /no rounds/ });
});

test('the table names the share of the CPUs other processes used (the larger of the row and its peer)', (t) => {
  const line = formatTable([row(10, 8, { otherCpu: 0.004, peerOtherCpu: 0.021 })]);
  t.regex(line, /0\.30→0\.90, others 2\.1 % \|$/m);
  t.is(combineRounds([[row(10, 8, { otherCpu: 0.01 })], [row(9, 8, { otherCpu: 0.07 })]])[0].otherCpu, 0.07);
});
