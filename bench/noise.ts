/**
 * Throughput of the replayable noise streams (`src/random/noise-source.ts`): normals, uniforms and
 * signs per second when filling one tensor of `--size` numbers, and the cost of opening a stream
 * (seeding Alea from the key), with the former Box–Muller loop as a baseline. Each figure is the median of `--reps` fills after one warm-up.
 *
 *   node dist/bench/noise.js [--size 313600] [--reps 30] [--json]
 *
 * 313 600 = 784 × 400, the first kernel of the MLP of `bench/run.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import seedrandom from 'seedrandom';
import { NoiseSource } from '../src/random/index.js';
import { median } from './stats.js';
import { checkedArgv, integerFlag } from './flags.js';

/** One throughput figure. */
export interface NoiseRate {
  readonly kind: 'normal' | 'uniform' | 'signs' | 'open stream' | 'normal, Box–Muller baseline';
  /** Numbers (or opened streams) per second, in millions. */
  readonly millionsPerSecond: number;
  /** Median wall time of one fill (or one stream opening), ms. */
  readonly medianMs: number;
}

/**
 * The normal draws as tfjs-bnn made them before the polar method (kept here as the baseline of
 * the before/after figure): Box–Muller with one call of seedrandom's Alea closure per uniform.
 */
export function boxMullerBaseline(key: string, size: number): Float32Array {
  const next = seedrandom.alea(key);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < size) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}

/** Measures the noise throughput for fills of `size` numbers, `reps` times each (after one warm-up). */
export function measureNoise(size: number, reps: number): NoiseRate[] {
  const noise = new NoiseSource(1);
  const rates: NoiseRate[] = [];
  for (const kind of ['normal', 'uniform', 'signs'] as const) {
    const times: number[] = [];
    for (let rep = 0; rep <= reps; rep++) {
      const start = performance.now();
      const tensor = noise.draws({ step: rep }, 'bench/kernel')[kind]([size]);
      const elapsed = performance.now() - start;
      tensor.dispose();
      if (rep > 0) times.push(elapsed);
    }
    const ms = median(times);
    rates.push({ kind, medianMs: ms, millionsPerSecond: size / ms / 1e3 });
  }
  const baseline: number[] = [];
  for (let rep = 0; rep <= reps; rep++) {
    const start = performance.now();
    boxMullerBaseline(`bench|${rep}`, size);
    if (rep > 0) baseline.push(performance.now() - start);
  }
  const baselineMs = median(baseline);
  rates.push({ kind: 'normal, Box–Muller baseline', medianMs: baselineMs, millionsPerSecond: size / baselineMs / 1e3 });
  const opens = 2000;
  const start = performance.now();
  for (let i = 0; i < opens; i++) noise.draws({ step: i }, 'bench/kernel').normal([1]).dispose();
  const ms = (performance.now() - start) / opens;
  rates.push({ kind: 'open stream', medianMs: ms, millionsPerSecond: 1 / ms / 1e3 });
  return rates;
}

async function main(): Promise<void> {
  await initBackend();
  const argv = checkedArgv(process.argv.slice(2), 'bench/noise', 'Usage: node dist/bench/noise.js [--size 313600] [--reps 30] [--json]', {
    values: ['--size', '--reps'],
    switches: ['--json'],
  });
  const size = integerFlag(argv, '--size', 313_600, 'bench/noise');
  const reps = integerFlag(argv, '--reps', 30, 'bench/noise');
  const rates = measureNoise(size, reps);
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ backend: tf.getBackend(), size, rates }));
    return;
  }
  console.log(`backend ${tf.getBackend()}, fills of ${size} numbers, median of ${reps}:`);
  for (const r of rates)
    console.log(`  ${r.kind.padEnd(12)} ${r.millionsPerSecond.toFixed(2).padStart(8)} M/s  (${r.medianMs.toFixed(3)} ms)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
