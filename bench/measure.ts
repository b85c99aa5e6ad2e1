/**
 * Timing and memory of one prepared case: `warmup` untimed steps, then `steps` timed ones (wall
 * time from the call to the results being readable), then one extra step under `tf.profile` for
 * the peak of `tf.memory().numBytes` during a step (tfjs tracks it kernel by kernel only while
 * profiling, which costs time, so that step is not timed).
 */
import * as tf from '@tensorflow/tfjs';
import type { PreparedCase } from './cases.js';
import { median, range } from './stats.js';

/** Times and memory of one row, in ms and MB (10^6 bytes). Plain data. */
export interface Measurement {
  /** Median wall time of the timed steps, ms. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Timed steps. */
  readonly steps: number;
  /**
   * Peak of `tf.memory().numBytes` during one step (tensors the engine tracks), MB; null where
   * tfjs cannot count it (a compiled step's graph call).
   */
  readonly peakMemoryMB: number | null;
  /** Peak resident set size of the process over the whole row (model build included), MB. */
  readonly peakRssMB: number;
  /** Live tensors after the case was disposed minus before it was built (0 when nothing leaks). */
  readonly leakedTensors: number;
}

/** Runs and measures `prepared`; the caller still disposes it. */
export async function measureCase(prepared: PreparedCase, steps: number, warmup: number): Promise<Omit<Measurement, 'leakedTensors'>> {
  let times: number[];
  if (prepared.timedSteps !== undefined) {
    times = await prepared.timedSteps(steps, warmup);
  } else {
    for (let i = 0; i < warmup; i++) await prepared.step(i);
    times = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      await prepared.step(warmup + i);
      times.push(performance.now() - start);
    }
  }
  const profile = await tf.profile(async () => {
    await prepared.step(warmup + steps);
  });
  const { min, max } = range(times);
  return {
    medianMs: median(times),
    minMs: min,
    maxMs: max,
    steps,
    peakMemoryMB: Number.isFinite(profile.peakBytes) ? profile.peakBytes / 1e6 : null,
    // resourceUsage().maxRSS is in kilobytes (KiB on Linux).
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6,
  };
}
