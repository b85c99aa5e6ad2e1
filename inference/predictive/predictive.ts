/**
 * Monte Carlo predictive uncertainty of a Bayesian segmentation network: S stochastic forward
 * passes, accumulated in streaming form so memory does not grow with S.
 *
 * Per voxel, with p_s the class probability of pass s and p̄ their mean:
 *  - predictive entropy H[p̄] (total uncertainty),
 *  - expected entropy (1/S) Σ_s H[p_s] (aleatoric: what the data leave open),
 *  - mutual information H[p̄] − (1/S) Σ_s H[p_s] (epistemic: disagreement between weight samples;
 *    the BALD score of Houlsby et al. 2011, the decomposition of Depeweg et al. 2018),
 *  - the variance of the probability over passes.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { chunkPasses } from './compiled-passes.js';
import { requireInteger, requireModelInput, requireOneOf, requireOpenInterval } from '../../src/validate.js';
import { bernoulliEntropy, categoricalEntropy, ENTROPY_EPSILON } from './entropy.js';
import { DEFAULT_ALEATORIC_SAMPLES, heteroscedasticProbability, splitHeteroscedastic } from './heteroscedastic.js';

/** Default number of stochastic forward passes S. */
export const DEFAULT_PREDICTIVE_SAMPLES = 20;

/** A network to sample: a tfjs LayersModel (called with `predict`) or any function of a batch. */
export type PredictiveModel = tf.LayersModel | ((x: tf.Tensor) => tf.Tensor);

/** How logits become probabilities: independent sigmoids per channel, or a softmax over the last axis. */
export type PredictiveOutput = 'sigmoid' | 'softmax';

/** Options of `predictive`. Give `noise` or `seed`. */
export interface PredictiveOptions {
  /** Stochastic forward passes S. Default `DEFAULT_PREDICTIVE_SAMPLES` (20). */
  readonly samples?: number;
  /** Examples per forward pass (bounds memory for large volumes). Default: the whole batch. */
  readonly chunkSize?: number;
  /** Noise source of the passes; pass s runs at position `{step, particle: s}`. */
  readonly noise?: NoiseSource;
  /** Seed of a new `NoiseSource`, when `noise` is not given. */
  readonly seed?: number | string;
  /** Link from logits to probabilities. Default `'sigmoid'`. */
  readonly output?: PredictiveOutput;
  /** Noise step of every pass (use a step never used in training). Default 0. */
  readonly step?: number;
  /** Probability clamp inside entropies. Default `ENTROPY_EPSILON` (1e-7). */
  readonly epsilon?: number;
  /**
   * The model has a heteroscedastic head (Kendall & Gal 2017): its last axis holds 2C channels,
   * logit means then log-variances; each pass averages `samples` logit draws. Sigmoid output only.
   */
  readonly aleatoric?: { readonly samples?: number };
  /** Called after each forward pass with (passes done, passes total); e.g. for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * On tfjs-node's `tensorflow` backend, run the passes of a `tf.LayersModel` as one TensorFlow graph
   * call each. The graph is traced from one eager pass the first time a model meets a chunk shape and
   * kept (`releaseCompiledPasses` frees it); in every call one pass still runs eagerly and must be
   * reproduced by the graph bit for bit before the other passes run compiled (~0.7× the time of an
   * eager conv-net pass). Where that check fails or the model cannot be traced, the passes stay
   * eager, so the maps never change. Ignored on other backends. Default false.
   */
  readonly compile?: boolean;
}

/**
 * Uncertainty maps. All tensors are new and **owned by the caller**: free them with
 * `disposePredictive(result)`.
 *
 * Shapes, for a model output (probabilities) of shape `[N, ..., C]`:
 * sigmoid: every map is `[N, ..., C]`; softmax: `meanProbability` and `variance` are
 * `[N, ..., C]`, the three entropies `[N, ...]` (summed over classes).
 */
export interface PredictiveResult {
  /** p̄ = (1/S) Σ_s p_s. */
  readonly meanProbability: tf.Tensor;
  /** H[p̄], total uncertainty, nats. */
  readonly predictiveEntropy: tf.Tensor;
  /** (1/S) Σ_s H[p_s], aleatoric uncertainty, nats. */
  readonly expectedEntropy: tf.Tensor;
  /** predictiveEntropy − expectedEntropy, epistemic uncertainty, nats, clamped at 0 against round-off. */
  readonly mutualInformation: tf.Tensor;
  /** (1/S) Σ_s (p_s − p̄)² (population variance, Welford's update). */
  readonly variance: tf.Tensor;
  /** The number of passes S. */
  readonly samples: number;
}

const MAP_KEYS = ['meanProbability', 'predictiveEntropy', 'expectedEntropy', 'mutualInformation', 'variance'] as const;

/** Disposes every tensor of a `PredictiveResult`. */
export function disposePredictive(result: PredictiveResult): void {
  for (const key of MAP_KEYS) result[key].dispose();
}

interface Settings {
  readonly samples: number;
  readonly noise: NoiseSource;
  readonly output: PredictiveOutput;
  readonly step: number;
  readonly epsilon: number;
  readonly aleatoricSamples: number | null;
  readonly compile: boolean;
  readonly progress: (done: number) => void;
}

function forward(model: PredictiveModel, x: tf.Tensor): tf.Tensor {
  const y = typeof model === 'function' ? model(x) : model.predict(x, { batchSize: x.shape[0] });
  if (!(y instanceof tf.Tensor)) {
    throw new InvalidArgumentError('predictive', 'model', 'a model with several outputs', 'a model with one output tensor');
  }
  return y;
}

/** Logits of pass `particle` on one chunk, computed eagerly. */
function passLogits(model: PredictiveModel, chunk: tf.Tensor, particle: number, settings: Settings): tf.Tensor {
  return withNoise(settings.noise, { step: settings.step, particle }, () => tf.tidy(() => forward(model, chunk)));
}

/** Probabilities of pass `particle` from its logits (disposed). */
function passProbability(logits: tf.Tensor, particle: number, chunkStart: number, settings: Settings): tf.Tensor {
  try {
    return tf.tidy(() => {
      if (settings.aleatoricSamples !== null) {
        const { logitMean, logVariance } = splitHeteroscedastic(logits);
        // Each chunk gets its own stream of logit noise (the draws are per voxel).
        const draws = settings.noise.draws({ step: settings.step, particle }, `predictive/aleatoric/${chunkStart}`);
        return heteroscedasticProbability(logitMean, logVariance, { samples: settings.aleatoricSamples, draws });
      }
      return settings.output === 'sigmoid' ? tf.sigmoid(logits) : tf.softmax(logits);
    });
  } finally {
    logits.dispose();
  }
}

function entropyOf(p: tf.Tensor, settings: Settings): tf.Tensor {
  return settings.output === 'sigmoid' ? bernoulliEntropy(p, settings.epsilon) : categoricalEntropy(p, settings.epsilon);
}

/** Streams S passes over one chunk: Welford mean and M2, running sum of entropies. */
function predictChunk(
  model: PredictiveModel,
  chunk: tf.Tensor,
  chunkStart: number,
  settings: Settings,
  done: { count: number },
): Omit<PredictiveResult, 'samples'> {
  let mean: tf.Tensor | null = null;
  let m2: tf.Tensor | null = null;
  let entropySum: tf.Tensor | null = null;
  const eager = (particle: number) => passLogits(model, chunk, particle, settings);
  const passes = settings.compile ? chunkPasses(model, chunk, settings.noise, settings.step, eager) : null;
  try {
    for (let particle = 0; particle < settings.samples; particle++) {
      const p = passProbability(passes === null ? eager(particle) : passes.logits(particle), particle, chunkStart, settings);
      const previous: Array<tf.Tensor | null> = [mean, m2, entropySum];
      const count = particle + 1;
      [mean, m2, entropySum] = tf.tidy(() => {
        const entropy = entropyOf(p, settings);
        if (mean === null || m2 === null || entropySum === null) return [p.clone(), tf.zerosLike(p), entropy];
        const delta = tf.sub(p, mean);
        const nextMean = tf.add(mean, tf.div(delta, count));
        return [nextMean, tf.add(m2, tf.mul(delta, tf.sub(p, nextMean))), tf.add(entropySum, entropy)];
      });
      p.dispose();
      tf.dispose(previous.filter((t): t is tf.Tensor => t !== null));
      settings.progress(++done.count);
    }
    const [finalMean, finalM2, finalEntropySum] = [mean, m2, entropySum] as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
    return tf.tidy(() => {
      const predictiveEntropy = entropyOf(finalMean, settings);
      const expectedEntropy = tf.div(finalEntropySum, settings.samples);
      return {
        meanProbability: finalMean.clone(),
        predictiveEntropy,
        expectedEntropy,
        mutualInformation: tf.relu(tf.sub(predictiveEntropy, expectedEntropy)),
        variance: tf.div(finalM2, settings.samples),
      };
    });
  } finally {
    passes?.dispose();
    tf.dispose([mean, m2, entropySum].filter((t): t is tf.Tensor => t !== null));
  }
}

function resolveSettings(x: tf.Tensor, options: PredictiveOptions): Settings & { chunkSize: number } {
  const where = 'predictive';
  const samples = requireInteger(where, 'options.samples', options.samples ?? DEFAULT_PREDICTIVE_SAMPLES);
  const chunkSize = requireInteger(where, 'options.chunkSize', options.chunkSize ?? x.shape[0]);
  const step = requireInteger(where, 'options.step', options.step ?? 0, 0);
  const output = requireOneOf(where, 'options.output', options.output ?? 'sigmoid', ['sigmoid', 'softmax'] as const);
  const epsilon = requireOpenInterval(where, 'options.epsilon', options.epsilon ?? ENTROPY_EPSILON, 0, 0.5);
  let noise: NoiseSource;
  if (options.noise !== undefined) {
    if (!(options.noise instanceof NoiseSource)) throw new InvalidArgumentError(where, 'options.noise', options.noise, 'a NoiseSource');
    noise = options.noise;
  } else if (options.seed !== undefined) {
    noise = new NoiseSource(options.seed);
  } else {
    throw new InvalidArgumentError(
      where,
      'options',
      'neither noise nor seed',
      'options.noise (a NoiseSource) or options.seed, so the passes are replayable',
    );
  }
  let aleatoricSamples: number | null = null;
  if (options.aleatoric !== undefined) {
    if (output !== 'sigmoid') throw new InvalidArgumentError(where, 'options.output', output, "'sigmoid' when options.aleatoric is set");
    aleatoricSamples = requireInteger(where, 'options.aleatoric.samples', options.aleatoric.samples ?? DEFAULT_ALEATORIC_SAMPLES);
  }
  const compile = options.compile ?? false;
  if (typeof compile !== 'boolean') throw new InvalidArgumentError(where, 'options.compile', compile, 'true or false');
  const total = samples * Math.ceil(x.shape[0] / chunkSize);
  const onProgress = options.onProgress;
  return { samples, chunkSize, step, output, epsilon, noise, aleatoricSamples, compile, progress: (done) => onProgress?.(done, total) };
}

/**
 * Runs S stochastic forward passes of `model` on `x` (`[N, ...]`, float32) and returns per-voxel
 * uncertainty maps (see `PredictiveResult`; **the caller owns them**). Memory: three running
 * accumulators of one chunk's output, independent of S; the batch is processed `chunkSize`
 * examples at a time. Pass s of every chunk uses noise position `{step, particle: s}`, so with
 * per-weight sampling each pass is one weight sample for the whole batch and chunking does not
 * change the result (Flipout and local reparameterization draw per example, so chunked results
 * are equally valid samples but not bit-identical). In mean-weights mode (`setSamplingMode(model,
 * 'mean')`) all passes agree and the mutual information is 0.
 *
 * @example
 * const maps = predictive(model, volume, {samples: 20, seed: 1, chunkSize: 1});
 * const mi = await maps.mutualInformation.data();
 * disposePredictive(maps);
 */
export function predictive(model: PredictiveModel, x: tf.Tensor, options: PredictiveOptions = {}): PredictiveResult {
  if (typeof model !== 'function' && !(model instanceof tf.LayersModel)) {
    throw new InvalidArgumentError('predictive', 'model', model, 'a tf.LayersModel or a function (x: tf.Tensor) => tf.Tensor');
  }
  requireModelInput('predictive', 'x', x);
  if (x.rank < 2 || x.shape[0] < 1) throw new ShapeError('predictive', 'x', x.shape, 'a batch [N, ...] with N ≥ 1');
  const settings = resolveSettings(x, options);
  const n = x.shape[0];
  const done = { count: 0 };
  const parts: Array<Omit<PredictiveResult, 'samples'>> = [];
  try {
    for (let start = 0; start < n; start += settings.chunkSize) {
      const size = Math.min(settings.chunkSize, n - start);
      const chunk = size === n ? x : tf.slice(x, [start, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1)]);
      try {
        parts.push(predictChunk(model, chunk, start, settings, done));
      } finally {
        if (chunk !== x) chunk.dispose();
      }
    }
    if (parts.length === 1) return { ...parts[0], samples: settings.samples };
    const joined = Object.fromEntries(
      MAP_KEYS.map((key) => [
        key,
        tf.concat(
          parts.map((part) => part[key]),
          0,
        ),
      ]),
    ) as Record<(typeof MAP_KEYS)[number], tf.Tensor>;
    return { ...joined, samples: settings.samples };
  } finally {
    if (parts.length > 1) for (const part of parts) for (const key of MAP_KEYS) part[key].dispose();
  }
}
