/**
 * The peer of the bench: PyTorch + bayesian-torch running `bench/python/peer_bench.py` on the same
 * networks and shapes, or — when no Python with torch and bayesian_torch is found — the reference
 * figures of DESIGN.md (measured on a 2-core machine of this kind, PyTorch 1.13 CPU, fair settings),
 * marked as not measured here.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** A peer figure for one row: measured now, or the DESIGN.md reference. */
export interface PeerFigure {
  readonly medianMs: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly peakRssMB?: number;
  /**
   * `measured` in this invocation; `earlier-run` read from an earlier `--json` output
   * (`--peer-from`); `reference` the DESIGN.md figures. Ratios are printed only for `measured`.
   */
  readonly source: 'measured' | 'earlier-run' | 'reference';
  /** 1-minute load average before and after the peer's row (measured figures only). */
  readonly loadBefore?: number;
  readonly loadAfter?: number;
  /** Share of the machine's CPU time other processes used during the peer's row (`bench/other-cpu.ts`; measured, Linux). */
  readonly otherCpu?: number;
}

/** Environment of the peer run for a fair comparison (DESIGN.md, reference numbers). */
export const PEER_FAIR_ENV: Readonly<Record<string, string>> = {
  OPENBLAS_NUM_THREADS: '1',
  OMP_NUM_THREADS: '2',
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=4294967296',
};

/**
 * DESIGN.md's peer figures (ms), keyed `network/kind`: MLP 784-400-400-10 batch 128 step 2.8 / 7.8 /
 * 11.1; conv net step 7.1 / 7.9 / 27.8; 20 MC passes of the conv net on 8 images 44 / 46.5 / 303
 * (deterministic / reparameterization / Flipout). bayesian-torch has no local reparameterization.
 */
export const REFERENCE_PEER_MS: Readonly<Record<string, number>> = {
  'mlp/deterministic': 2.8,
  'mlp/reparameterization': 7.8,
  'mlp/flipout': 11.1,
  'conv/deterministic': 7.1,
  'conv/reparameterization': 7.9,
  'conv/flipout': 27.8,
  'conv-mc/deterministic': 44,
  'conv-mc/reparameterization': 46.5,
  'conv-mc/flipout': 303,
};

/** Path of the Python peer script in the source tree (the bench runs from `dist/bench/`). */
export function peerScriptPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'bench', 'python', 'peer_bench.py');
}

/** True when `python` imports torch and bayesian_torch. */
export function peerAvailable(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import torch, bayesian_torch'], { stdio: 'ignore', timeout: 120_000 });
  return probe.status === 0;
}

/**
 * Runs the peer for `rows` (`network/kind`, only those it knows) with `steps` timed steps after
 * `warmup`, each row in its own interpreter. Returns the figures by row and the errors by row.
 */
export function measurePeer(
  python: string,
  rows: readonly string[],
  steps: number,
  warmup: number,
  log: (line: string) => void,
): Map<string, PeerFigure> {
  const figures = new Map<string, PeerFigure>();
  for (const row of rows) {
    log(`  peer ${row} …`);
    const done = spawnSync(python, [peerScriptPath(), '--json', '--rows', row, '--steps', String(steps), '--warmup', String(warmup)], {
      env: { ...process.env, ...PEER_FAIR_ENV },
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = (done.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
    const result =
      line === undefined
        ? { error: (done.stderr ?? '').trim().split('\n').pop() ?? 'no output' }
        : (JSON.parse(line) as Record<string, unknown>);
    if (typeof result.medianMs === 'number') {
      figures.set(row, {
        medianMs: result.medianMs,
        minMs: result.minMs as number,
        maxMs: result.maxMs as number,
        peakRssMB: result.peakRssMB as number,
        source: 'measured',
      });
    } else {
      log(`  peer ${row} failed: ${String(result.error)}`);
    }
  }
  return figures;
}

/** The DESIGN.md figures as peer figures marked `reference`. */
export function referencePeer(): Map<string, PeerFigure> {
  return new Map(Object.entries(REFERENCE_PEER_MS).map(([row, medianMs]) => [row, { medianMs, source: 'reference' as const }]));
}

/** The measured peer figures in the `--json` output of an earlier `bench/run.ts` (by row key). */
export function peerFromJson(text: string): Map<string, PeerFigure> {
  const parsed = JSON.parse(text) as { rows?: Array<{ key?: string; peerMs?: number; peerSource?: string }> };
  const figures = new Map<string, PeerFigure>();
  for (const row of parsed.rows ?? []) {
    if (typeof row.key === 'string' && typeof row.peerMs === 'number' && row.peerSource === 'measured')
      figures.set(row.key, { medianMs: row.peerMs, source: 'earlier-run' });
  }
  return figures;
}
