/**
 * How cost grows with batch size, MC samples and volume size (reparameterization estimator):
 *  - MLP 784-400-400-10 training step vs batch 32 / 128 / 512,
 *  - conv-net MC prediction on 8 images vs samples 5 / 10 / 20 / 40,
 *  - 3D U-Net stochastic forward pass vs volume 16³ / 32³ / 64³.
 * Each point runs in a child process on one backend (default `tensorflow`).
 *
 *   node dist/bench/scaling.js [--backend tensorflow] [--steps 10] [--json]
 */
import { probeBackend, runWorker } from './child.js';
import type { CaseSpec } from './cases.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';

/** One point of a sweep. */
export interface ScalingPoint {
  readonly sweep: string;
  /** The swept value (batch, samples or volume side). */
  readonly value: number;
  readonly medianMs?: number;
  /** medianMs relative to the sweep's first point. */
  readonly relative?: number;
  readonly gflops?: number;
  readonly peakMemoryMB?: number;
  readonly error?: string;
}

/** The sweeps: name, swept field, values, spec builder, FLOP multiplier (3 for a training step). */
export const SWEEPS: ReadonlyArray<{ name: string; values: number[]; spec: (v: number) => CaseSpec; flopFactor: number }> = [
  {
    name: 'MLP step vs batch',
    values: [32, 128, 512],
    spec: (batch) => ({ network: 'mlp', kind: 'reparameterization', batch }),
    flopFactor: 3,
  },
  {
    name: 'conv MC prediction vs samples',
    values: [5, 10, 20, 40],
    spec: (samples) => ({ network: 'conv-mc', kind: 'reparameterization', samples }),
    flopFactor: 1,
  },
  {
    name: 'U-Net forward vs volume side',
    values: [16, 32, 64],
    spec: (size) => ({ network: 'unet-forward', kind: 'reparameterization', size }),
    flopFactor: 1,
  },
];

async function main(): Promise<void> {
  const argv = checkedArgv(
    process.argv.slice(2),
    'bench/scaling',
    'Usage: node dist/bench/scaling.js [--backend tensorflow] [--steps 10] [--json]',
    { values: ['--backend', '--steps'], switches: ['--json'] },
  );
  const backend = stringFlag(argv, '--backend', 'tensorflow') as string;
  const steps = integerFlag(argv, '--steps', 10, 'bench/scaling');
  const probe = probeBackend(backend);
  if (!probe.ok) throw new Error(`bench/scaling: backend '${backend}' is unavailable: ${probe.reason}`);
  const points: ScalingPoint[] = [];
  for (const sweep of SWEEPS) {
    let first: number | undefined;
    for (const value of sweep.values) {
      const result = runWorker(backend, sweep.spec(value), steps, 2, 900);
      if ('error' in result) {
        points.push({ sweep: sweep.name, value, error: result.error });
        continue;
      }
      first ??= result.medianMs;
      points.push({
        sweep: sweep.name,
        value,
        medianMs: result.medianMs,
        relative: result.medianMs / first,
        gflops: (sweep.flopFactor * result.forwardFlops) / result.medianMs / 1e6,
        peakMemoryMB: result.peakMemoryMB ?? undefined,
      });
      if (!argv.includes('--json')) console.log(`  ${sweep.name} ${value}: ${result.medianMs.toFixed(1)} ms`);
    }
  }
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ backend, steps, points }, null, 2));
    return;
  }
  console.log(`\nScaling on ${backend} (${steps} steps each, reparameterization):\n`);
  console.log('| sweep | value | median ms | × first | GFLOP/s | peak tensors MB |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const p of points) {
    if (p.error !== undefined) console.log(`| ${p.sweep} | ${p.value} | failed: ${p.error} | | | |`);
    else
      console.log(
        `| ${p.sweep} | ${p.value} | ${p.medianMs!.toFixed(1)} | ${p.relative!.toFixed(2)} | ${p.gflops!.toFixed(2)} | ${p.peakMemoryMB!.toFixed(1)} |`,
      );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
