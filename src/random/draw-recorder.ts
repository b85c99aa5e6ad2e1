/**
 * Records the random draws a pass takes through its noise scope — stream path, method and shape,
 * in call order (each draw's graph input goes to a callback while it is alive) — and replays the
 * same sequence at another position. A compiled pass or step (`inference/predictive/compiled-passes.ts`,
 * `inference/trainer/compiled-step.ts`) takes the recorded inputs as graph inputs and gets those
 * of each later call from `replayDraws`: the same streams, so the same numbers an eager call at
 * that position would draw. On the native backend a draw's input is its seed pair, so the
 * generator itself runs inside the graph; elsewhere it is the drawn tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { isSeededDraws, type NoisePosition, type NoiseSource, type RandomDraws } from './noise-source.js';
import { statelessNormalFromSeedTensor, statelessSignsFromSeedTensor, statelessUniformFromSeedTensor } from './native-normal.js';

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
  /**
   * Whether the callback saw the draw's seed pair (an int32 [2] tensor) rather than the drawn
   * tensor: draws of a stateless generator (`SeededDraws`, the native backend) are made from a
   * seed tensor, so a compiled graph holds the generator op and takes only the seed as input.
   */
  readonly seeded: boolean;
}

interface Recording {
  readonly draws: RecordedDraw[];
  readonly onDraw: (tensor: tf.Tensor) => void;
}

let active: Recording | null = null;

/**
 * Runs `fn` and returns its result with every draw taken through a noise scope meanwhile;
 * `onDraw` sees, while it is alive, each draw's input as a graph would take it: the seed tensor of
 * a seeded draw, else the drawn tensor (the pass may dispose either). Not re-entrant.
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

/** A draw made from a seed tensor, with the kernels of the seeded generator's own draw. */
function drawFromSeed(method: DrawMethod, shape: readonly number[], seed: tf.Tensor): tf.Tensor {
  if (method === 'normal') return statelessNormalFromSeedTensor(shape, seed);
  return method === 'uniform' ? statelessUniformFromSeedTensor(shape, seed) : statelessSignsFromSeedTensor(shape, seed);
}

/** The seed kind of a draw method (uniforms and signs share a counter). */
const seedKind = (method: DrawMethod): 'normal' | 'uniform' => (method === 'normal' ? 'normal' : 'uniform');

/** `draws` itself when nothing records; else a wrapper that records each draw of stream `path` at `particle`. */
export function recordingDraws(draws: RandomDraws, path: string, particle: number): RandomDraws {
  const recording = active;
  if (recording === null) return draws;
  const take = (method: DrawMethod, shape: readonly number[]): tf.Tensor => {
    if (isSeededDraws(draws)) {
      const seed = tf.tensor1d(draws.nextSeed(seedKind(method)), 'int32');
      try {
        recording.draws.push({ path, particle, method, shape: [...shape], seeded: true });
        recording.onDraw(seed);
        return drawFromSeed(method, shape, seed);
      } finally {
        seed.dispose();
      }
    }
    const tensor = draws[method](shape);
    recording.draws.push({ path, particle, method, shape: [...shape], seeded: false });
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
 * The inputs of `recorded` taken again from `source` at `position`: per path and particle, one
 * stream in the recorded order, so each tensor equals what a pass at `position` draws there (or,
 * for a seeded draw, the seed it draws from). A draw recorded at particle p is taken at particle
 * `position.particle` + p (a pass recorded at particle 0 replays at any particle). Caller owns them.
 *
 * @throws Error when a seeded draw meets a stream that is not seeded (another backend).
 */
export function replayDraws(recorded: readonly RecordedDraw[], source: NoiseSource, position: NoisePosition): tf.Tensor[] {
  const streams = new Map<string, RandomDraws>();
  const base = position.particle ?? 0;
  return recorded.map(({ path, particle, method, shape, seeded }) => {
    const key = `${particle}\u0000${path}`;
    let stream = streams.get(key);
    if (stream === undefined) {
      stream = source.draws({ step: position.step, particle: base + particle }, path);
      streams.set(key, stream);
    }
    if (!seeded) return stream[method](shape);
    if (!isSeededDraws(stream)) throw new Error(`replayDraws: draw '${path}' was recorded seeded; this source's stream is not.`);
    return tf.tensor1d(stream.nextSeed(seedKind(method)), 'int32');
  });
}
