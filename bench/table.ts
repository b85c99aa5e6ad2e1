/**
 * The rows of `bench/run.ts` and their two renderings: a Markdown table for people, JSON for tools.
 */
import type { PeerFigure } from './peer.js';

/** One row of the bench: a network and model kind on one backend. Times in ms, memory in MB. */
export interface BenchRow {
  /** What was measured (network, shapes, work). */
  readonly model: string;
  /** `deterministic` or the estimator of every variational layer. */
  readonly estimator: string;
  /** The tfjs backend (`tensorflow`, `cpu`). */
  readonly backend: string;
  /** Key of the row across backends and the peer: `network/kind`. */
  readonly key: string;
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly steps?: number;
  /** Peak `tf.memory().numBytes` during a step. */
  readonly peakMemoryMB?: number;
  /** Peak RSS of the row's process. */
  readonly peakRssMB?: number;
  /** Achieved GFLOP/s of the architecture's conv/matmul work (3× forward FLOPs for a training step). */
  readonly gflops?: number;
  /** medianMs / the deterministic row's medianMs (same network, same backend). */
  readonly overhead?: number;
  /** The `fit` row only: medianMs / the hand-written row's medianMs (the framework overhead). */
  readonly handWrittenOverhead?: number;
  /** 1-minute load average just before and just after the row ran. */
  readonly loadBefore?: number;
  readonly loadAfter?: number;
  /** Whether the row was measured under load (`bench/run.ts`, `underLoad`): its figures are not publishable. */
  readonly underLoad?: boolean;
  /** Whether the peer's row was measured under load (measured peers only). */
  readonly peerUnderLoad?: boolean;
  /**
   * Share (0–1) of the machine's CPU time that processes other than the bench used during the row
   * (`bench/other-cpu.ts`; Linux only). Unlike the load average it leaves out the bench's own threads.
   */
  readonly otherCpu?: number;
  /** The same during the peer's row. */
  readonly peerOtherCpu?: number;
  /** The peer's (bayesian-torch) median, when it has this row. */
  readonly peerMs?: number;
  /** `measured` in this run, or `reference` (DESIGN.md, not measured here). */
  readonly peerSource?: PeerFigure['source'];
  /** medianMs / peerMs, only when the peer was measured in the same invocation. */
  readonly ratio?: number;
  /** Why the row has no figures (skipped or failed). */
  readonly skipped?: string;
  /** With `--rounds N` > 1: each round's own figures (the row's are their medians, `bench/rounds.ts`). */
  readonly rounds?: readonly RoundFigures[];
}

/** One round's figures of a row measured in several rounds. */
export interface RoundFigures {
  readonly medianMs: number;
  readonly peerMs?: number;
  /** medianMs / peerMs of that round (the peer measured in the same round). */
  readonly ratio?: number;
  readonly loadBefore?: number;
}

function fixed(value: number | undefined, digits: number): string {
  if (value === undefined) return '–';
  if (value >= 1000) return value.toFixed(0);
  return value.toFixed(digits);
}

/** Markdown table of `rows` (one line per row; skipped rows give their reason). */
export function formatTable(rows: readonly BenchRow[]): string {
  const lines = [
    '| model | estimator | backend | median ms | min–max ms | peak tensors MB | peak RSS MB | GFLOP/s | × deterministic | bayesian-torch ms | tfjs-bnn / bayesian-torch | load before→after, CPU share of other processes |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const load =
      row.loadBefore === undefined || row.loadAfter === undefined
        ? '–'
        : `${row.loadBefore.toFixed(2)}→${row.loadAfter.toFixed(2)}${row.underLoad === true ? ' **under load**' : ''}` +
          (row.otherCpu === undefined ? '' : `, others ${(100 * Math.max(row.otherCpu, row.peerOtherCpu ?? 0)).toFixed(1)} %`);
    if (row.skipped !== undefined) {
      lines.push(`| ${row.model} | ${row.estimator} | ${row.backend} | skipped: ${row.skipped} | | | | | | | | ${load} |`);
      continue;
    }
    const source =
      row.peerSource === 'reference'
        ? ' (reference, not measured here)'
        : row.peerSource === 'earlier-run'
          ? ' (earlier run)'
          : row.peerUnderLoad === true
            ? ' (under load)'
            : '';
    const peer = row.peerMs === undefined ? 'n/a' : `${fixed(row.peerMs, 1)}${source}`;
    // Several rounds: the median ratio, then each round's.
    const perRound = row.rounds !== undefined && row.rounds.every((r) => r.ratio !== undefined);
    const ratio = perRound
      ? `${fixed(row.ratio, 2)} (${(row.rounds ?? []).map((r) => fixed(r.ratio, 2)).join(' / ')})`
      : fixed(row.ratio, 2);
    const overhead = row.handWrittenOverhead !== undefined ? `${fixed(row.handWrittenOverhead, 2)} × hand-written` : fixed(row.overhead, 2);
    lines.push(
      `| ${row.model} | ${row.estimator} | ${row.backend} | ${fixed(row.medianMs, 1)} | ${fixed(row.minMs, 1)}–${fixed(row.maxMs, 1)} | ` +
        `${fixed(row.peakMemoryMB, 1)} | ${fixed(row.peakRssMB, 0)} | ${fixed(row.gflops, 2)} | ${overhead} | ${peer} | ${ratio} | ${load} |`,
    );
  }
  return lines.join('\n');
}
