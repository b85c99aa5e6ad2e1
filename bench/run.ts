/**
 * The benchmark suite of tfjs-bnn against PyTorch + bayesian-torch.
 *
 *   npm run bench -- [--steps 20] [--warmup 3] [--quick] [--cpu-steps 3] [--unet-steps 5] [--cpu-unet]
 *                    [--backends tensorflow,wasm,cpu] [--networks mlp,conv,conv-mc,unet,unet-mc]
 *                    [--python python3 | --no-peer | --peer-from earlier.json] [--row-timeout 900] [--json]
 *
 * For every available backend (each row in a child process with `TFJS_BNN_BACKEND` set: the backend
 * is chosen once per process, and a fresh process makes the peak RSS the row's own) it times
 * (median, min–max of `--steps` after `--warmup`) and measures the memory of:
 *  - MLP 784-400-400-10, batch 128: one training step per estimator and deterministic;
 *  - conv net 1→16→32→16→1 on [8, 64, 64, 1]: one training step per estimator and deterministic;
 *  - 20-sample MC prediction of that conv net on 8 images;
 *  - a small Bayesian 3D U-Net on [1, 64, 64, 64, 1]: one training step and a 20-sample uncertainty map.
 * On the pure-JS `cpu` backend the conv and U-Net rows take seconds to minutes per step: they run
 * `--cpu-steps` steps after one warm-up, and the U-Net rows only with `--cpu-unet`. The U-Net rows
 * take `--unet-steps` steps after one warm-up on every backend and on the peer.
 * The peer runs in the same invocation when `python3 -c 'import torch, bayesian_torch'` works (or
 * `--python PATH` is given); otherwise the DESIGN.md reference figures are shown, marked as such.
 * `--peer-from FILE` reuses the measured peer figures of an earlier `--json` run (e.g. a quick cpu
 * run after a full native one, without timing the peer twice).
 * `--quick`: 5 steps after 1 warm-up, 1 step for the U-Net rows and the cpu conv rows.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { ESTIMATORS } from '../layers/index.js';
import { NETWORKS, type CaseSpec, type Network } from './cases.js';
import type { ModelKind } from './models.js';
import { integerFlag, listFlag, stringFlag } from './flags.js';
import { measurePeer, peerAvailable, peerFromJson, referencePeer, type PeerFigure } from './peer.js';
import { formatTable, type BenchRow } from './table.js';
import { probeBackend, runWorker } from './child.js';

/** Networks of the default run (the scaling sweep adds `unet-forward`). */
export const DEFAULT_NETWORKS: readonly Network[] = ['mlp', 'conv', 'conv-mc', 'unet', 'unet-mc'];
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
  json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const networks = listFlag(argv, '--networks', DEFAULT_NETWORKS) as Network[];
  for (const n of networks) if (!NETWORKS.includes(n)) throw new Error(`bench/run: --networks: unknown '${n}', expected some of ${NETWORKS.join(', ')}`);
  const backends = listFlag(argv, '--backends', BENCH_BACKENDS);
  for (const b of backends) if (!BENCH_BACKENDS.includes(b)) throw new Error(`bench/run: --backends: unknown '${b}', expected some of ${BENCH_BACKENDS.join(', ')}`);
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
    json: argv.includes('--json'),
  };
}

/** The specs of the default rows for `networks`, in table order. */
export function defaultSpecs(networks: readonly Network[]): CaseSpec[] {
  const specs: CaseSpec[] = [];
  for (const network of networks) {
    const kinds: ModelKind[] = network.startsWith('unet') ? ['reparameterization'] : ['deterministic', ...ESTIMATORS];
    for (const kind of kinds) specs.push({ network, kind });
  }
  return specs;
}

/**
 * Timed steps and warm-up of a row: the U-Net rows (seconds per step, and the same on the peer)
 * take `--unet-steps` after one warm-up; on the pure-JS cpu backend the conv rows take
 * `--cpu-steps` after one warm-up; every other row `--steps` after `--warmup`.
 */
function stepsFor(spec: CaseSpec, backend: string, options: Options): { steps: number; warmup: number } {
  if (spec.network.startsWith('unet')) return { steps: options.unetSteps, warmup: 1 };
  if (backend === 'cpu' && spec.network !== 'mlp') return { steps: options.cpuSteps, warmup: 1 };
  return { steps: options.steps, warmup: options.warmup };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string) => (options.json ? process.stderr : process.stdout).write(line + '\n');
  const specs = defaultSpecs(options.networks);
  const [load1] = os.loadavg();
  log(`tfjs-bnn bench: ${options.steps} steps after ${options.warmup} warm-up (U-Net rows: ${options.unetSteps} after 1; cpu conv rows: ${options.cpuSteps} after 1); ${os.cpus().length} CPUs, load average ${load1.toFixed(1)}`);

  let peer: Map<string, PeerFigure>;
  if (options.peerFrom !== null) {
    peer = peerFromJson(readFileSync(options.peerFrom, 'utf8'));
    log(`peer: ${peer.size} figures measured by an earlier run (${options.peerFrom})`);
  } else if (options.python !== null && peerAvailable(options.python)) {
    log(`peer: ${options.python} with torch + bayesian_torch, measured now`);
    peer = new Map();
    for (const spec of specs.filter((s) => s.kind !== 'local')) {
      const { steps, warmup } = stepsFor(spec, 'peer', options);
      for (const [row, figure] of measurePeer(options.python, [`${spec.network}/${spec.kind}`], steps, warmup, log)) peer.set(row, figure);
    }
  } else {
    log(`peer: ${options.python === null ? '--no-peer given' : `'${options.python}' cannot import torch and bayesian_torch`}; showing DESIGN.md reference figures (not measured here)`);
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
        const row: BenchRow = { ...base, model: spec.network === 'unet' ? '3D U-Net step, [1, 64, 64, 64, 1]' : '3D U-Net uncertainty map, 20 samples', skipped: 'pure-JS cpu: tens of seconds per step (minutes per map); pass --cpu-unet to run it' };
        results.push({ spec, row });
        log(`  ${key}: skipped (${row.skipped})`);
        continue;
      }
      const { steps, warmup } = stepsFor(spec, backend, options);
      const result = runWorker(backend, spec, steps, warmup, options.rowTimeoutS);
      if ('error' in result) {
        results.push({ spec, row: { ...base, model: key, skipped: `failed: ${result.error}` } });
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
          peakMemoryMB: result.peakMemoryMB,
          peakRssMB: result.peakRssMB,
          gflops: flops / result.medianMs / 1e6,
          ...(peerFigure !== undefined ? { peerMs: peerFigure.medianMs, peerSource: peerFigure.source, ratio: result.medianMs / peerFigure.medianMs } : {}),
        },
      });
      log(`  ${key}: ${result.medianMs.toFixed(1)} ms (${result.minMs.toFixed(1)}–${result.maxMs.toFixed(1)}), ${result.peakMemoryMB.toFixed(1)} MB tensors${result.leakedTensors !== 0 ? `, LEAKED ${result.leakedTensors} tensors` : ''}`);
    }
    for (const { spec, row } of results) {
      const deterministic = results.find((r) => r.spec.network === spec.network && r.spec.kind === 'deterministic')?.row.medianMs;
      rows.push(deterministic !== undefined && row.medianMs !== undefined ? { ...row, overhead: row.medianMs / deterministic } : row);
    }
  }
  if (options.json) {
    console.log(JSON.stringify({ machinePeakGflops: MACHINE_PEAK_GFLOPS, loadAverage: os.loadavg(), rows }, null, 2));
    return;
  }
  console.log('\n' + formatTable(rows));
  console.log(`\nMachine peak: ${MACHINE_PEAK_GFLOPS} GFLOP/s float32 (2 cores × 2 FMA × 16 lanes × 2 FLOP × 2.0 GHz); load average now ${os.loadavg()[0].toFixed(1)}.`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
