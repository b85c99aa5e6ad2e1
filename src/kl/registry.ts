/**
 * KL registry: `registerKL(Q, P, fn)` and `klDivergence(q, p)` dispatch on the pair of classes
 * (after TFP/Distrax). Results are per element; reduce them with a **sum** (that is the ELBO's KL).
 */
import * as tf from '@tensorflow/tfjs';
import { DuplicateKLError, InvalidArgumentError, KLNotAvailableError } from '../errors.js';
import type { Distribution } from '../distributions/distribution.js';

/** A class of distributions, as a constructor. */
export type DistributionClass<D extends Distribution> = abstract new (...args: never[]) => D;

/** A closed-form KL(q ‖ p), element-wise. Must return a new tensor the caller owns. */
export type KLFunction<Q extends Distribution, P extends Distribution> = (q: Q, p: P) => tf.Tensor;

type AnyKL = (q: Distribution, p: Distribution) => tf.Tensor;
type AnyClass = DistributionClass<Distribution>;
const registry = new Map<AnyClass, Map<AnyClass, AnyKL>>();

/**
 * Registers the closed-form KL for the exact pair of classes (Q, P). Registering a pair twice
 * throws `DuplicateKLError` naming both classes.
 */
export function registerKL<Q extends Distribution, P extends Distribution>(
  qClass: DistributionClass<Q>,
  pClass: DistributionClass<P>,
  fn: KLFunction<Q, P>,
): void {
  if (typeof qClass !== 'function' || typeof pClass !== 'function' || typeof fn !== 'function') {
    throw new InvalidArgumentError('registerKL', 'arguments', [qClass, pClass, fn], 'two distribution classes and a function');
  }
  const byP = registry.get(qClass) ?? new Map<AnyClass, AnyKL>();
  if (byP.has(pClass)) throw new DuplicateKLError(qClass.name, pClass.name);
  byP.set(pClass, fn as AnyKL);
  registry.set(qClass, byP);
}

/** Whether a closed form is registered for the classes of (q, p). */
export function hasClosedFormKL(q: Distribution, p: Distribution): boolean {
  return registry.get(q.constructor as AnyClass)?.has(p.constructor as AnyClass) ?? false;
}

/** Options of `klDivergence`. */
export interface KLOptions {
  /**
   * A draw w ~ q, used for the single-sample Monte Carlo estimate log q(w) − log p(w) when the
   * pair has no closed form. Ignored when a closed form exists.
   */
  readonly sample?: tf.Tensor;
}

/**
 * Element-wise KL(q ‖ p): the registered closed form for the pair of classes, otherwise the
 * Monte Carlo estimate log q(w) − log p(w) on `options.sample` (unbiased for the KL).
 * Throws `KLNotAvailableError` naming both classes when neither is possible.
 * Returns a new tensor of q's batch shape; the caller owns it. Reduce with `tf.sum`.
 */
export function klDivergence(q: Distribution, p: Distribution, options: KLOptions = {}): tf.Tensor {
  const fn = registry.get(q.constructor as AnyClass)?.get(p.constructor as AnyClass);
  if (fn !== undefined) return fn(q, p);
  if (options.sample === undefined) throw new KLNotAvailableError(q.constructor.name, p.constructor.name);
  const sample = options.sample;
  return tf.tidy(() => tf.sub(q.logProb(sample), p.logProb(sample)));
}
