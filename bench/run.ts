/**
 * The benchmark suite of tfjs-bnn against PyTorch + bayesian-torch (`npm run bench -- --help`).
 *
 * For every available backend (each row in a child process with `TFJS_BNN_BACKEND` set: the backend
 * is chosen once per process, and a fresh process makes the peak RSS the row's own) it times
 * (median, min–max of `--steps` after `--warmup`) and measures the memory of:
 *  - MLP 784-400-400-10, batch 128: one training step per estimator and deterministic;
 *  - conv net 1→16→32→16→1 on [8, 64, 64, 1]: one training step per estimator and deterministic;
 *  - 20-sample MC prediction of that conv net on 8 images;
 *  - a small Bayesian 3D U-Net on [1, 64, 64, 64, 1]: one training step and a 20-sample uncertainty map;
 *  - a 13-50-1 regression BBB step (batch 32) through `fit` and hand-written against tfjs (the
 *    framework overhead, `bench/regression.ts`).
 * The load average is recorded before and after every row (tfjs and peer); a row is marked
 * "under load" when either exceeds `LOAD_LIMIT_PER_CPU` × CPUs. A ratio to the peer is printed only
 * when the peer was measured in the same invocation (not for `--peer-from` or reference figures).
 * `--rounds N` repeats the peer and all rows N times and reports medians over the rounds, each
 * ratio taken within its round (`bench/rounds.ts`).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { ESTIMATORS } from '../layers/index.js';
import { NETWORKS, REPARAMETERIZATION_ONLY, TRAINING_NETWORKS, type CaseSpec, type Network } from './cases.js';
import type { ModelKind } from './models.js';
import { checkedArgv, integerFlag, listFlag, stringFlag } from './flags.js';
import { measurePeer, peerAvailable, peerFromJson, referencePeer, type PeerFigure } from './peer.js';
import { formatTable, type BenchRow } from './table.js';
import { combineRounds } from './rounds.js';
import { cpuSnapshot, OTHER_CPU_LIMIT, otherCpuShare } from './other-cpu.js';
import { probeBackend, runWorker } from './child.js';

/** Networks of the default run (the scaling sweep adds `unet-forward`). */
export const DEFAULT_NETWORKS: readonly Network[] = ['mlp', 'conv', 'conv-mc', 'unet', 'unet-mc', 'fit', 'hand-written'];
/** Networks the Python peer has rows for. */
export const PEER_NETWORKS: readonly Network[] = ['mlp', 'conv', 'conv-mc', 'unet', 'unet-mc'];
/** A row is "under load" when the 1-minute load average exceeds this × the CPU count (1.0 on 2 cores). */
export const LOAD_LIMIT_PER_CPU = 0.5;

/** Usage printed by `--help`. */
export const RUN_USAGE = `Usage: npm run bench -- [options]

  --steps N            timed steps per row (default 20; --quick 5)
  --warmup N           untimed steps first (default 3; --quick 1)
  --quick              5 steps after 1 warm-up, 1 for the U-Net and cpu conv rows
  --cpu-steps N        timed steps of the conv rows on the pure-JS cpu backend (default 3)
  --unet-steps N       timed steps of the U-Net rows (default 5)
  --cpu-unet           also run the U-Net rows on the pure-JS cpu backend (minutes)
  --backends LIST      some of tensorflow, wasm, cpu (default: all available)
  --networks LIST      some of ${NETWORKS.join(', ')}
                       (default: ${DEFAULT_NETWORKS.join(', ')})
  --python PATH        Python with torch + bayesian_torch for the peer (default python3)
  --no-peer            do not run the peer (reference figures are shown, without ratios)
  --peer-from FILE     peer figures of an earlier --json run (shown, without ratios)
  --row-timeout S      seconds before a row is abandoned (default 900)
  --rounds N           measure the peer and every row N times, one round after the other, and
                       report per row the median of the rounds (ratios: the median of each round's
                       ratio) with each round's figures (default 1)
  --json               print the rows as JSON on stdout (progress on stderr)
  --compile-mc         MC rows (conv-mc, unet-mc): passes compiled into one TensorFlow graph call each
                       (predictive's compile option; tensorflow backend only)
  --compile-train      training rows (mlp, conv, unet) and fit: each step one TensorFlow graph call
                       (fit's compile option; tensorflow backend only)
  --tfjs-adam          train with tf.train.adam per variable (fit: multiTensorAdam false), as before
                       issue 13's multi-tensor Adam; default: the library's optimizers.adam
  --help               this text`;

/** Backends tried, native first, then tfjs-backend-wasm (with tfjs-bnn's SIMD kernels), then pure-JS cpu. */
export const BENCH_BACKENDS: readonly string[] = ['tensorflow', 'wasm', 'cpu'];
/** Peak float32 GFLOP/s of this machine: 2 cores × 2 FMA units × 16 lanes × 2 FLOP × 2.0 GHz. */
export const MACHINE_PEAK_GFLOPS = 2 * 2 * 16 * 2 * 2.0;

interface Options {
  steps: number;
  warmup: number;
  cpuSteps: number;
  cpuUNet: boolean;
  unetSteps: number;
  backends: string[];
  networks: Network[];
  python: string | null;
  peerFrom: string | null;
  rowTimeoutS: number;
  rounds: number;
  json: boolean;
  tfjsAdam: boolean;
  compileMc: boolean;
  compileTrain: boolean;
}

function parseOptions(raw: readonly string[]): Options {
  const argv = checkedArgv(raw, 'bench/run', RUN_USAGE, {
    values: [
      '--steps',
      '--warmup',
      '--cpu-steps',
      '--unet-steps',
      '--backends',
      '--networks',
      '--python',
      '--peer-from',
      '--row-timeout',
      '--rounds',
    ],
    switches: ['--quick', '--cpu-unet', '--no-peer', '--json', '--tfjs-adam', '--compile-mc', '--compile-train'],
  });
  const quick = argv.includes('--quick');
  const networks = listFlag(argv, '--networks', DEFAULT_NETWORKS) as Network[];
  for (const n of networks)
    if (!NETWORKS.includes(n)) throw new Error(`bench/run: --networks: unknown '${n}', expected some of ${NETWORKS.join(', ')}`);
  const backends = listFlag(argv, '--backends', BENCH_BACKENDS);
  for (const b of backends)
    if (!BENCH_BACKENDS.includes(b))
      throw new Error(`bench/run: --backends: unknown '${b}', expected some of ${BENCH_BACKENDS.join(', ')}`);
  const python = argv.includes('--no-peer') ? null : (stringFlag(argv, '--python', 'python3') as string);
  return {
    steps: integerFlag(argv, '--steps', quick ? 5 : 20, 'bench/run'),
    warmup: integerFlag(argv, '--warmup', quick ? 1 : 3, 'bench/run'),
    cpuSteps: integerFlag(argv, '--cpu-steps', quick ? 1 : 3, 'bench/run'),
    cpuUNet: argv.includes('--cpu-unet'),
    unetSteps: integerFlag(argv, '--unet-steps', quick ? 1 : 5, 'bench/run'),
    backends,
    networks,
    python,
    peerFrom: stringFlag(argv, '--peer-from', null),
    rowTimeoutS: integerFlag(argv, '--row-timeout', 900, 'bench/run'),
    rounds: integerFlag(argv, '--rounds', 1, 'bench/run'),
    json: argv.includes('--json'),
    tfjsAdam: argv.includes('--tfjs-adam'),
    compileMc: argv.includes('--compile-mc'),
    compileTrain: argv.includes('--compile-train'),
  };
}

/** The specs of the default rows for `networks`, in table order. */
export function defaultSpecs(networks: readonly Network[]): CaseSpec[] {
  const specs: CaseSpec[] = [];
  for (const network of networks) {
    const kinds: ModelKind[] = REPARAMETERIZATION_ONLY.includes(network) ? ['reparameterization'] : ['deterministic', ...ESTIMATORS];
    for (const kind of kinds) specs.push({ network, kind });
  }
  return specs;
}

/**
 * Timed steps and warm-up of a row: the U-Net rows (seconds per step, and the same on the peer)
 * take `--unet-steps` after one warm-up; on the pure-JS cpu backend the conv rows take
 * `--cpu-steps` after one warm-up; every other row `--steps` after `--warmup` (a compiled training
 * row at least 4 warm-up steps).
 */
function stepsFor(spec: CaseSpec, backend: string, options: Options): { steps: number; warmup: number } {
  // A compiled training row's first four steps run eagerly (bind, learn, trace, check): never timed.
  const compiled = spec.compile === true && backend !== 'peer' && TRAINING_NETWORKS.includes(spec.network);
  const atLeast = (warmup: number) => (compiled ? Math.max(warmup, COMPILED_TRAINING_WARMUP) : warmup);
  if (spec.network.startsWith('unet')) return { steps: options.unetSteps, warmup: atLeast(1) };
  if (backend === 'cpu' && (spec.network === 'conv' || spec.network === 'conv-mc')) return { steps: options.cpuSteps, warmup: atLeast(1) };
  return { steps: options.steps, warmup: atLeast(options.warmup) };
}

/** Untimed steps of a compiled training row: the eager steps before the graph is trusted. */
const COMPILED_TRAINING_WARMUP = 4;

/** Whether a row measured between these two 1-minute load averages counts as measured under load. */
export function underLoad(loadBefore: number, loadAfter: number, cpus = os.cpus().length): boolean {
  return Math.max(loadBefore, loadAfter) > LOAD_LIMIT_PER_CPU * cpus;
}

/** The peer columns of a row: the peer's time always, the ratio only when the peer ran in this invocation. */
export function peerColumns(
  medianMs: number,
  peer: PeerFigure,
): Pick<BenchRow, 'peerMs' | 'peerSource' | 'ratio' | 'peerUnderLoad' | 'peerOtherCpu'> {
  const peerUnderLoad =
    peer.loadBefore !== undefined && peer.loadAfter !== undefined ? underLoad(peer.loadBefore, peer.loadAfter) : undefined;
  return {
    peerMs: peer.medianMs,
    peerSource: peer.source,
    ...(peer.source === 'measured' ? { ratio: medianMs / peer.medianMs } : {}),
    ...(peerUnderLoad !== undefined ? { peerUnderLoad } : {}),
    ...(peer.otherCpu !== undefined ? { peerOtherCpu: peer.otherCpu } : {}),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string) => (options.json ? process.stderr : process.stdout).write(line + '\n');
  const specs = defaultSpecs(options.networks)
    .map((spec): CaseSpec => (options.tfjsAdam ? { ...spec, optimizer: 'tfjs' } : spec))
    .map((spec): CaseSpec => (options.compileMc && spec.network.endsWith('-mc') ? { ...spec, compile: true } : spec))
    .map((spec): CaseSpec => (options.compileTrain && TRAINING_NETWORKS.includes(spec.network) ? { ...spec, compile: true } : spec));
  const [load1] = os.loadavg();
  log(
    `tfjs-bnn bench: ${options.steps} steps after ${options.warmup} warm-up (U-Net rows: ${options.unetSteps} after 1; cpu conv rows: ${options.cpuSteps} after 1); ${os.cpus().length} CPUs, load average ${load1.toFixed(1)}`,
  );
  const rounds: BenchRow[][] = [];
  for (let round = 1; round <= options.rounds; round++) {
    if (options.rounds > 1) log(`round ${round} of ${options.rounds} (load average ${os.loadavg()[0].toFixed(2)})`);
    rounds.push(await measureRound(options, specs, log));
  }
  const rows = combineRounds(rounds);
  if (options.json) {
    console.log(
      JSON.stringify({ machinePeakGflops: MACHINE_PEAK_GFLOPS, loadAverage: os.loadavg(), rounds: options.rounds, rows }, null, 2),
    );
    return;
  }
  console.log('\n' + formatTable(rows));
  const busy = rows.filter((r) => (r.otherCpu ?? 0) > OTHER_CPU_LIMIT || (r.peerOtherCpu ?? 0) > OTHER_CPU_LIMIT).length;
  const measuredOthers = rows.some((r) => r.otherCpu !== undefined);
  const loaded = rows.filter((r) => r.underLoad === true || r.peerUnderLoad === true).length;
  if (busy > 0)
    console.log(
      `\n${busy} row(s) were measured while other processes used more than ${100 * OTHER_CPU_LIMIT} % of the CPUs: do not publish their figures.`,
    );
  if (loaded > 0)
    console.log(
      `\n${loaded} row(s) were measured at a 1-minute load average above ${(LOAD_LIMIT_PER_CPU * os.cpus().length).toFixed(1)}` +
        (measuredOthers
          ? ` (the load average counts the bench's own threads; the other processes' CPU share above does not).`
          : ': do not publish their figures.'),
    );
  console.log(
    `\nMachine peak: ${MACHINE_PEAK_GFLOPS} GFLOP/s float32 (2 cores × 2 FMA × 16 lanes × 2 FLOP × 2.0 GHz); load average now ${os.loadavg()[0].toFixed(1)}.`,
  );
}

/** One round: the peer's figures (measured now, from an earlier run, or the reference), then every row on every backend. */
async function measureRound(options: Options, specs: readonly CaseSpec[], log: (line: string) => void): Promise<BenchRow[]> {
  let peer: Map<string, PeerFigure>;
  if (options.peerFrom !== null) {
    peer = peerFromJson(readFileSync(options.peerFrom, 'utf8'));
    log(`peer: ${peer.size} figures measured by an earlier run (${options.peerFrom})`);
  } else if (options.python !== null && peerAvailable(options.python)) {
    log(`peer: ${options.python} with torch + bayesian_torch, measured now`);
    peer = new Map();
    for (const spec of specs.filter((s) => s.kind !== 'local' && PEER_NETWORKS.includes(s.network))) {
      const { steps, warmup } = stepsFor(spec, 'peer', options);
      const loadBefore = os.loadavg()[0];
      const cpuBefore = cpuSnapshot();
      for (const [row, figure] of measurePeer(options.python, [`${spec.network}/${spec.kind}`], steps, warmup, log)) {
        const otherCpu = otherCpuShare(cpuBefore, cpuSnapshot());
        peer.set(row, { ...figure, loadBefore, loadAfter: os.loadavg()[0], ...(otherCpu !== null ? { otherCpu } : {}) });
      }
    }
  } else {
    log(
      `peer: ${options.python === null ? '--no-peer given' : `'${options.python}' cannot import torch and bayesian_torch`}; showing DESIGN.md reference figures (not measured here)`,
    );
    peer = referencePeer();
  }

  const rows: BenchRow[] = [];
  for (const backend of options.backends) {
    const probe = probeBackend(backend);
    if (!probe.ok) {
      log(`backend ${backend}: unavailable (${probe.reason}); its rows are skipped`);
      continue;
    }
    log(`backend ${backend}${backend === 'cpu' ? ` (fast cpu kernels: ${probe.fastCpuKernels})` : ''}`);
    const results: Array<{ spec: CaseSpec; row: BenchRow }> = [];
    for (const spec of specs) {
      const key = `${spec.network}/${spec.kind}`;
      const base = { estimator: spec.kind, backend, key };
      if (backend === 'cpu' && spec.network.startsWith('unet') && !options.cpuUNet) {
        const row: BenchRow = {
          ...base,
          model: spec.network === 'unet' ? '3D U-Net step, [1, 64, 64, 64, 1]' : '3D U-Net uncertainty map, 20 samples',
          skipped: 'pure-JS cpu: tens of seconds per step (minutes per map); pass --cpu-unet to run it',
        };
        results.push({ spec, row });
        log(`  ${key}: skipped (${row.skipped})`);
        continue;
      }
      const { steps, warmup } = stepsFor(spec, backend, options);
      const loadBefore = os.loadavg()[0];
      const cpuBefore = cpuSnapshot();
      const result = runWorker(backend, spec, steps, warmup, options.rowTimeoutS);
      const loadAfter = os.loadavg()[0];
      const otherCpu = otherCpuShare(cpuBefore, cpuSnapshot());
      const load = { loadBefore, loadAfter, underLoad: underLoad(loadBefore, loadAfter), ...(otherCpu !== null ? { otherCpu } : {}) };
      if ('error' in result) {
        results.push({ spec, row: { ...base, ...load, model: key, skipped: `failed: ${result.error}` } });
        log(`  ${key}: failed (${result.error})`);
        continue;
      }
      const training = spec.network === 'mlp' || spec.network === 'conv' || spec.network === 'unet';
      const flops = (training ? 3 : 1) * result.forwardFlops;
      const peerFigure = peer.get(key);
      results.push({
        spec,
        row: {
          ...base,
          model: result.model,
          medianMs: result.medianMs,
          minMs: result.minMs,
          maxMs: result.maxMs,
          steps: result.steps,
          peakMemoryMB: result.peakMemoryMB ?? undefined,
          peakRssMB: result.peakRssMB,
          gflops: flops / result.medianMs / 1e6,
          ...load,
          ...(peerFigure !== undefined ? peerColumns(result.medianMs, peerFigure) : {}),
        },
      });
      log(
        `  ${key}: ${result.medianMs.toFixed(1)} ms (${result.minMs.toFixed(1)}–${result.maxMs.toFixed(1)}), ${result.peakMemoryMB === null ? '–' : result.peakMemoryMB.toFixed(1)} MB tensors, ` +
          `load ${loadBefore.toFixed(2)}→${loadAfter.toFixed(2)}${load.underLoad ? ' (UNDER LOAD)' : ''}` +
          `${otherCpu !== null ? `, other processes ${(100 * otherCpu).toFixed(1)} % CPU${otherCpu > OTHER_CPU_LIMIT ? ' (BUSY)' : ''}` : ''}${result.leakedTensors !== 0 ? `, LEAKED ${result.leakedTensors} tensors` : ''}`,
      );
    }
    const handWritten = results.find((r) => r.spec.network === 'hand-written')?.row.medianMs;
    for (const { spec, row } of results) {
      const deterministic = results.find((r) => r.spec.network === spec.network && r.spec.kind === 'deterministic')?.row.medianMs;
      let done: BenchRow =
        deterministic !== undefined && row.medianMs !== undefined ? { ...row, overhead: row.medianMs / deterministic } : row;
      if (spec.network === 'fit' && handWritten !== undefined && row.medianMs !== undefined)
        done = { ...done, handWrittenOverhead: row.medianMs / handWritten };
      rows.push(done);
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
