/**
 * The active noise scope: stochastic layers take their random draws from the scope opened by
 * `withNoise` around a (synchronous) forward pass. A stochastic call outside any scope is a
 * `NoiseSourceError`, never a silent unseeded default.
 */
import * as tf from '@tensorflow/tfjs';
import { NoiseSourceError, InvalidArgumentError } from '../errors.js';
import { NoiseSource, type NoisePosition, type RandomDraws } from './noise-source.js';
import { recordingDraws } from './draw-recorder.js';

/** One open scope: a source, a position, how often each path has drawn in it, and the tensors it shares. */
export class NoiseScope {
  private readonly callsByPath = new Map<string, number>();
  private readonly shared = new Map<object, { readonly tensor: tf.Tensor; readonly tape: unknown }>();
  private readonly owned: tf.Tensor[] = [];

  constructor(
    readonly source: NoiseSource,
    readonly position: NoisePosition,
  ) {}

  /**
   * Generator for the next call of `path` in this scope. A layer called twice in one forward pass
   * (shared weights) gets independent streams `path`, `path#1`, ….
   */
  draws(path: string): RandomDraws {
    const calls = this.callsByPath.get(path) ?? 0;
    this.callsByPath.set(path, calls + 1);
    const key = calls === 0 ? path : `${path}#${calls}`;
    return recordingDraws(this.source.draws(this.position, key), key, this.position.particle ?? 0);
  }

  /**
   * The tensor `create()` returns, made once per scope and `owner` and shared by every later call
   * with the same `owner` (e.g. a variational parameter's softplus scale, used by its sample and by
   * its KL in one forward pass). The scope owns it: it survives the callers' `tf.tidy` scopes and is
   * disposed when `withNoise` returns. Gradients through it add up over its uses, as for any tensor.
   * It is shared only within one gradient recording (tfjs's active tape): a use under another
   * `tf.grad`/`variableGrads` call than the one that made it gets its own, so that tape sees the
   * ops from the variables on.
   */
  sharedTensor(owner: object, create: () => tf.Tensor): tf.Tensor {
    const tape = tf.engine().state.activeTape;
    const existing = this.shared.get(owner);
    if (existing !== undefined && existing.tape === tape && !existing.tensor.isDisposed) return existing.tensor;
    const tensor = tf.keep(create());
    this.owned.push(tensor);
    this.shared.set(owner, { tensor, tape });
    return tensor;
  }

  /** Disposes the shared tensors (when the scope closes). */
  release(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
    this.shared.clear();
  }
}

const scopes: NoiseScope[] = [];

/**
 * Runs `fn` synchronously with an open noise scope at `position` and returns its result.
 * Re-running with the same source and position replays the same noise in every layer.
 * `fn` must not be async: tfjs forward passes and `tf.tidy` are synchronous.
 *
 * @example
 * const y = withNoise(noise, {step, particle: 0}, () => model.apply(x) as tf.Tensor);
 */
export function withNoise<T>(source: NoiseSource, position: NoisePosition, fn: () => T): T {
  if (!(source instanceof NoiseSource)) {
    throw new InvalidArgumentError('withNoise', 'source', source, 'a NoiseSource');
  }
  source.key(position, ''); // validates the position
  const scope = new NoiseScope(source, position);
  scopes.push(scope);
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new InvalidArgumentError('withNoise', 'fn', 'an async function', 'a synchronous function');
    }
    return result;
  } finally {
    scopes.pop();
    scope.release();
  }
}

/** The innermost open scope, or `null` outside `withNoise`. */
export function activeNoiseScope(): NoiseScope | null {
  return scopes.length > 0 ? scopes[scopes.length - 1] : null;
}

/** The innermost open scope; throws `NoiseSourceError` naming `where` when there is none. */
export function requireNoiseScope(where: string): NoiseScope {
  const scope = activeNoiseScope();
  if (scope === null) {
    throw new NoiseSourceError(
      `${where}: a stochastic forward pass ran without a noise source. Wrap it in ` +
        `withNoise(new NoiseSource(seed), {step, particle}, () => ...), or switch the model to mean-weights mode ` +
        `(setSamplingMode(model, 'mean')) for deterministic prediction.`,
    );
  }
  return scope;
}
