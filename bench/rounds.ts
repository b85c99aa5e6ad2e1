/**
 * Several rounds of the bench in one invocation (`--rounds N`): every round measures the peer and
 * then each row, and the rounds are combined row by row. On these 2-core machines a row moves by
 * up to ~35 % between quiet invocations, on both sides; a ratio is still taken only within one
 * round (the peer and tfjs-bnn measured minutes apart at most), and the combined row reports the
 * median of those ratios, with each round's figures kept beside it.
 */
import { median, range } from './stats.js';
import type { BenchRow, RoundFigures } from './table.js';

/** The median of the defined values, or undefined when any round lacks one (a figure every round must have). */
function medianOfAll(values: ReadonlyArray<number | undefined>): number | undefined {
  return values.every((v): v is number => v !== undefined) ? median(values) : undefined;
}

/** The largest defined value, or undefined when none is defined. */
function largest(values: ReadonlyArray<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : Math.max(...defined);
}

/**
 * One row per row of the rounds (matched by backend and key, in the first round's order): times,
 * GFLOP/s, the peer's time, the ratio to the peer and the × deterministic and × hand-written
 * ratios are medians over the rounds; min–max spans every round; load and memory are the
 * largest; `underLoad`/`peerUnderLoad` hold when they held in any round. A row skipped or failed in
 * any round is skipped, naming the round. With one round the rows are returned as they are.
 *
 * @throws RangeError when there is no round, or a round lacks a row of the first.
 */
export function combineRounds(rounds: ReadonlyArray<readonly BenchRow[]>): BenchRow[] {
  if (rounds.length === 0) throw new RangeError('combineRounds: no rounds');
  if (rounds.length === 1) return [...rounds[0]];
  const id = (row: BenchRow) => `${row.backend}|${row.key}`;
  return rounds[0].map((first) => {
    const same = rounds.map((round, r) => {
      const row = round.find((candidate) => id(candidate) === id(first));
      if (row === undefined) throw new RangeError(`combineRounds: round ${r + 1} has no row ${first.key} on ${first.backend}`);
      return row;
    });
    const skippedAt = same.findIndex((row) => row.skipped !== undefined);
    if (skippedAt >= 0) return { ...same[skippedAt], skipped: `round ${skippedAt + 1} of ${rounds.length}: ${same[skippedAt].skipped}` };
    const perRound: RoundFigures[] = same.map((row) => ({
      medianMs: row.medianMs as number,
      ...(row.peerMs !== undefined ? { peerMs: row.peerMs } : {}),
      ...(row.ratio !== undefined ? { ratio: row.ratio } : {}),
      ...(row.loadBefore !== undefined ? { loadBefore: row.loadBefore } : {}),
    }));
    const span = range(same.flatMap((row) => [row.minMs, row.maxMs]).filter((v): v is number => v !== undefined));
    const defined = <K extends keyof BenchRow>(key: K, value: BenchRow[K] | undefined) => (value !== undefined ? { [key]: value } : {});
    return {
      model: first.model,
      estimator: first.estimator,
      backend: first.backend,
      key: first.key,
      medianMs: median(same.map((row) => row.medianMs as number)),
      minMs: span.min,
      maxMs: span.max,
      ...defined('steps', first.steps),
      ...defined('peakMemoryMB', largest(same.map((row) => row.peakMemoryMB))),
      ...defined('peakRssMB', largest(same.map((row) => row.peakRssMB))),
      ...defined('gflops', medianOfAll(same.map((row) => row.gflops))),
      ...defined('overhead', medianOfAll(same.map((row) => row.overhead))),
      ...defined('handWrittenOverhead', medianOfAll(same.map((row) => row.handWrittenOverhead))),
      ...defined('loadBefore', largest(same.map((row) => row.loadBefore))),
      ...defined('loadAfter', largest(same.map((row) => row.loadAfter))),
      ...defined('otherCpu', largest(same.map((row) => row.otherCpu))),
      ...defined('peerOtherCpu', largest(same.map((row) => row.peerOtherCpu))),
      ...defined('underLoad', same.some((row) => row.underLoad === true) || undefined),
      ...defined('peerUnderLoad', same.some((row) => row.peerUnderLoad === true) || undefined),
      ...defined('peerMs', medianOfAll(same.map((row) => row.peerMs))),
      ...defined('peerSource', first.peerSource),
      ...defined('ratio', medianOfAll(same.map((row) => row.ratio))),
      rounds: perRound,
    };
  });
}
