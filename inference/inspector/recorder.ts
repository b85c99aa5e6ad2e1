/**
 * A time series of gradient inspections during training, in bounded memory: running statistics
 * per layer, a down-sampled trace (at most `maxPoints` inspections, halving the resolution when
 * full), the gradient signal-to-noise ratio per layer and term over windows of steps, and the
 * fraction of inspected steps in which the KL gradient dominated.
 */
import type * as tf from '@tensorflow/tfjs';
import type { NoiseSource } from '../../src/random/noise-source.js';
import { requireInteger } from '../../src/validate.js';
import type { Elbo } from '../elbo/index.js';
import type { TrainingPosition } from '../position.js';
import { computeTermGradients, disposeTermGradients, requireInspectionArgs, type InspectionBatch } from './inspect.js';
import { parameterGroups } from './parameter-groups.js';
import { GradientWindow } from './gradient-snr.js';
import type { ParameterGroup } from './parameter-groups.js';
import { RunningStats } from './running-stats.js';
import { summarizeGradients, type InspectedTerm, type GradientInspection, type TermGradients } from './summarize.js';

/** Options of `GradientRecorder`. */
export interface GradientRecorderOptions {
  /** Most inspections kept in the trace. Default `DEFAULT_MAX_TRACE_POINTS`. */
  readonly maxPoints?: number;
  /** Steps per signal-to-noise window. Default `DEFAULT_SNR_WINDOW`. */
  readonly snrWindow?: number;
}

/** Default trace length. */
export const DEFAULT_MAX_TRACE_POINTS = 256;
/** Default number of inspections per SNR window. */
export const DEFAULT_SNR_WINDOW = 10;

/** Per-layer running figures. Plain numbers. */
export interface LayerGradientSummary {
  readonly layer: string;
  /** Inspections that saw this layer. */
  readonly inspections: number;
  /** Fraction of them in which ‖∇KL‖ > ‖∇likelihood‖ (ratio > 1). */
  readonly klDominatedFraction: number;
  readonly ratio: ReturnType<RunningStats['toJSON']>;
  readonly cosine: ReturnType<RunningStats['toJSON']>;
  /** SNR of the likelihood / KL gradient per completed window, oldest first. */
  readonly likelihoodSnr: readonly number[];
  readonly klSnr: readonly number[];
}

interface LayerState {
  inspections: number;
  klDominated: number;
  ratio: RunningStats;
  cosine: RunningStats;
  windows: Record<InspectedTerm, GradientWindow>;
  snr: Record<InspectedTerm, number[]>;
}

/**
 * Collects inspections. Owns tensors (the SNR accumulators): call `dispose` when done.
 *
 * @example
 * const recorder = new GradientRecorder();
 * await fit(model, data, {..., inspect: {every: 10, recorder}});
 * fs.writeFileSync('ratio.csv', recorder.toCSV());
 */
export class GradientRecorder {
  readonly maxPoints: number;
  readonly snrWindow: number;
  private readonly traceStore: GradientInspection[] = [];
  private stride = 1;
  private seen = 0;
  private readonly byLayer = new Map<string, LayerState>();

  constructor(options: GradientRecorderOptions = {}) {
    this.maxPoints = requireInteger('GradientRecorder', 'maxPoints', options.maxPoints ?? DEFAULT_MAX_TRACE_POINTS, 2);
    this.snrWindow = requireInteger('GradientRecorder', 'snrWindow', options.snrWindow ?? DEFAULT_SNR_WINDOW, 2);
  }

  /**
   * Adds one inspection, and (when given) the raw gradients behind it for the SNR windows.
   * The gradient tensors stay the caller's.
   */
  record(inspection: GradientInspection, groups?: readonly ParameterGroup[], gradients?: TermGradients): void {
    if (this.seen % this.stride === 0) {
      this.traceStore.push(inspection);
      if (this.traceStore.length > this.maxPoints) {
        // Keep every other point and halve the sampling rate from now on.
        const kept = this.traceStore.filter((_, i) => i % 2 === 0);
        this.traceStore.splice(0, this.traceStore.length, ...kept);
        this.stride *= 2;
      }
    }
    this.seen += 1;
    for (const row of inspection.layers) {
      const state = this.layerState(row.layer);
      state.inspections += 1;
      if (row.ratio > 1) state.klDominated += 1;
      state.ratio.push(row.ratio);
      state.cosine.push(row.cosine);
    }
    if (groups !== undefined && gradients !== undefined) this.addToWindows(groups, gradients);
  }

  /**
   * Inspects one batch (as `inspectGradients`) and records it, feeding the SNR windows with the
   * raw gradients. Returns the inspection. Leaves no tensors behind except the window accumulators.
   */
  observe(model: tf.LayersModel, batch: InspectionBatch, elbo: Elbo, position: TrainingPosition, noise: NoiseSource): GradientInspection {
    requireInspectionArgs('GradientRecorder.observe', batch, elbo, position, noise);
    const groups = parameterGroups(model);
    const gradients = computeTermGradients(model, groups, batch, elbo, position, noise);
    try {
      const inspection = summarizeGradients(position.step, groups, gradients);
      this.record(inspection, groups, gradients);
      return inspection;
    } finally {
      disposeTermGradients(gradients);
    }
  }

  private layerState(layer: string): LayerState {
    let state = this.byLayer.get(layer);
    if (state === undefined) {
      state = {
        inspections: 0,
        klDominated: 0,
        ratio: new RunningStats(),
        cosine: new RunningStats(),
        windows: { likelihood: new GradientWindow(), kl: new GradientWindow() },
        snr: { likelihood: [], kl: [] },
      };
      this.byLayer.set(layer, state);
    }
    return state;
  }

  private addToWindows(groups: readonly ParameterGroup[], gradients: TermGradients): void {
    const shapes = new Map(groups.map((g) => [g.variable.name, g.variable.shape] as [string, number[]]));
    for (const layer of new Set(groups.map((g) => g.layer))) {
      const names = groups.filter((g) => g.layer === layer).map((g) => g.variable.name);
      const state = this.layerState(layer);
      for (const term of ['likelihood', 'kl'] as const) {
        const window = state.windows[term];
        window.add(names, gradients[term], shapes);
        if (window.size >= this.snrWindow) {
          state.snr[term].push(window.snr());
          window.reset();
        }
      }
    }
  }

  /** The down-sampled trace, oldest first (at most `maxPoints` inspections). */
  get trace(): readonly GradientInspection[] {
    return this.traceStore;
  }

  /** Number of inspections recorded (all, not only those kept in the trace). */
  get count(): number {
    return this.seen;
  }

  /** Running figures per layer, in order of first appearance. */
  summary(): LayerGradientSummary[] {
    return [...this.byLayer].map(([layer, s]) => ({
      layer,
      inspections: s.inspections,
      klDominatedFraction: s.inspections > 0 ? s.klDominated / s.inspections : Number.NaN,
      ratio: s.ratio.toJSON(),
      cosine: s.cosine.toJSON(),
      likelihoodSnr: [...s.snr.likelihood],
      klSnr: [...s.snr.kl],
    }));
  }

  /** Releases the SNR accumulators. The recorded numbers stay readable. */
  dispose(): void {
    for (const state of this.byLayer.values()) {
      state.windows.likelihood.dispose();
      state.windows.kl.dispose();
    }
  }
}
