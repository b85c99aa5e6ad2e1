/**
 * Records the random draws a forward pass takes through its noise scope — stream path, method and
 * shape, in call order (the drawn tensors go to a callback while they are alive) — and replays the
 * same sequence at another position. A compiled forward pass (`inference/predictive/compiled-passes.ts`)
 * takes the recorded draws as graph inputs and gets the draws of each later pass from `replayDraws`:
 * the same streams, so the same numbers an eager pass at that position would draw.
 */
import type * as tf from '@tensorflow/tfjs';
import type { NoisePosition, NoiseSource, RandomDraws } from './noise-source.js';

/** The three kinds of draw a `RandomDraws` makes. */
type DrawMethod = 'normal' | 'uniform' | 'signs';

/** One recorded draw. */
export interface RecordedDraw {
  /** Stream path within the scope's position (with the `#n` suffix of repeated calls). */
  readonly path: string;
  /** The scope's particle when drawn (a multi-particle ELBO draws in one scope per particle). */
  readonly particle: number;
  readonly method: DrawMethod;
  readonly shape: readonly number[];
}

interface Recording {
  readonly draws: RecordedDraw[];
  readonly onDraw: (tensor: tf.Tensor) => void;
}

let active: Recording | null = null;

/**
 * Runs `fn` and returns its result with every draw taken through a noise scope meanwhile;
 * `onDraw` sees each drawn tensor while it is alive (the pass may dispose it). Not re-entrant.
 */
export function recordDraws<T>(fn: () => T, onDraw: (tensor: tf.Tensor) => void = () => {}): { result: T; draws: RecordedDraw[] } {
  if (active !== null) throw new Error('recordDraws: already recording');
  const draws: RecordedDraw[] = [];
  active = { draws, onDraw };
  try {
    return { result: fn(), draws };
  } finally {
    active = null;
  }
}

/** `draws` itself when nothing records; else a wrapper that records each draw of stream `path` at `particle`. */
export function recordingDraws(draws: RandomDraws, path: string, particle: number): RandomDraws {
  const recording = active;
  if (recording === null) return draws;
  const take = (method: DrawMethod, shape: readonly number[]): tf.Tensor => {
    const tensor = draws[method](shape);
    recording.draws.push({ path, particle, method, shape: [...shape] });
    recording.onDraw(tensor);
    return tensor;
  };
  return {
    normal: (shape) => take('normal', shape),
    uniform: (shape) => take('uniform', shape),
    signs: (shape) => take('signs', shape),
  };
}

/**
 * The draws of `recorded` taken again from `source` at `position`: per path and particle, one
 * stream in the recorded order, so each tensor equals what a pass at `position` draws there. A draw
 * recorded at particle p is taken at particle `position.particle` + p (a pass recorded at particle
 * 0 replays at any particle). Caller owns them.
 */
export function replayDraws(recorded: readonly RecordedDraw[], source: NoiseSource, position: NoisePosition): tf.Tensor[] {
  const streams = new Map<string, RandomDraws>();
  const base = position.particle ?? 0;
  return recorded.map(({ path, particle, method, shape }) => {
    const key = `${particle}\u0000${path}`;
    let stream = streams.get(key);
    if (stream === undefined) {
      stream = source.draws({ step: position.step, particle: base + particle }, path);
      streams.set(key, stream);
    }
    return stream[method](shape);
  });
}
