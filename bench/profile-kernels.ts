/**
 * Where the time of one bench row goes, kernel by kernel: runs the row's step once to warm up,
 * then once under `tf.profile`, and prints the kernels with the largest total time.
 *
 *   TFJS_BNN_BACKEND=cpu node dist/bench/profile-kernels.js --spec '{"network":"mlp","kind":"reparameterization"}' [--top 15]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { prepareCase, requireCaseSpec, type CaseSpec } from './cases.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';

/** Total time and call count of one kernel name over a profiled step. */
export interface KernelTotal {
  readonly name: string;
  readonly calls: number;
  readonly totalMs: number;
}

/** Sums the kernel times of a `tf.profile` result by kernel name, largest first. */
export async function kernelTotals(profile: Awaited<ReturnType<typeof tf.profile>>): Promise<KernelTotal[]> {
  const totals = new Map<string, { calls: number; totalMs: number }>();
  for (const kernel of profile.kernels) {
    const ms = await kernel.kernelTimeMs;
    const time = typeof ms === 'number' ? ms : 0;
    const entry = totals.get(kernel.name) ?? { calls: 0, totalMs: 0 };
    entry.calls += 1;
    entry.totalMs += time;
    totals.set(kernel.name, entry);
  }
  return [...totals.entries()].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.totalMs - a.totalMs);
}

const USAGE = `Usage: TFJS_BNN_BACKEND=<backend> node dist/bench/profile-kernels.js --spec '<json CaseSpec>' [--top 15]`;

async function main(): Promise<void> {
  const argv = checkedArgv(process.argv.slice(2), 'bench/profile-kernels', USAGE, { values: ['--spec', '--top'] });
  const raw = stringFlag(argv, '--spec', null);
  if (raw === null) throw new Error("bench/profile-kernels: --spec '<json CaseSpec>' is required");
  const top = integerFlag(argv, '--top', 15, 'bench/profile-kernels');
  const info = await initBackend();
  const prepared = prepareCase(requireCaseSpec(JSON.parse(raw) as CaseSpec));
  await prepared.step(0);
  const start = performance.now();
  const profile = await tf.profile(async () => {
    await prepared.step(1);
  });
  const wall = performance.now() - start;
  prepared.dispose();
  const totals = await kernelTotals(profile);
  const kernelMs = totals.reduce((s, k) => s + k.totalMs, 0);
  console.log(
    `${prepared.model} on ${info.name}: ${wall.toFixed(0)} ms wall (profiled), ${kernelMs.toFixed(0)} ms in ${profile.kernels.length} kernels`,
  );
  for (const k of totals.slice(0, top))
    console.log(`  ${k.name.padEnd(28)} ${String(k.calls).padStart(4)} calls ${k.totalMs.toFixed(1).padStart(9)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
