/**
 * The KL weighting abstraction: a pure function of the training position (and optionally the layer)
 * to the factor that multiplies a layer's KL in the ELBO, plus its JSON form.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import type { TrainingPosition } from '../position.js';
import { reviverRegistry } from '../../src/reviver-registry.js';

/** A JSON value (what a `KLWeightingSpec` config may hold). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The serializable form of a KL weighting: its registered `name` and the options that rebuild it. */
export interface KLWeightingSpec {
  /** Registered name, e.g. `'blundell'`, `'product'`. */
  readonly name: string;
  /** Options of the factory; nested weightings appear as their own specs. */
  readonly config: { readonly [key: string]: JsonValue };
}

/** What a weighting may look at of a layer: its name (tfjs layer names are unique within a model). */
export interface LayerRef {
  readonly name: string;
}

/**
 * The two weights of the prior term of one layer, for objectives that are not a plain multiple of
 * the KL. With KL(q‖p) = CE(q, p) − H(q), where CE = −E_q[log p(w)] and H is the entropy of q, the
 * layer contributes `crossEntropy · CE − entropy · H = crossEntropy · KL + (crossEntropy − entropy) · H`.
 * A plain KL weight β is `{crossEntropy: β, entropy: β}`; Wenzel et al. (2020)'s tempered
 * posterior at temperature T is `{crossEntropy: 1, entropy: T}`.
 */
export interface KLTermWeights {
  /** Weight of −E_q[log p(w)] (the prior's cross-entropy), ≥ 0. */
  readonly crossEntropy: number;
  /** Weight of the posterior entropy H(q), ≥ 0. */
  readonly entropy: number;
}

/**
 * A KL weighting: the factor(s) the ELBO applies to each layer's KL at a training position.
 * Implementations are immutable and hold no tensors. Build them with the factories of the
 * `klWeighting` namespace (`klWeighting.blundell()`, `klWeighting.product(...)`, …).
 */
export interface KLWeighting {
  /** Registered name of the scheme (the `name` of its spec). */
  readonly name: string;
  /** One sentence: the objective this weighting makes the ELBO optimise. */
  readonly describe: string;
  /**
   * The weight of the KL (for two-part weightings, of the prior cross-entropy) at `position`, for
   * `layer` when given (per-layer overrides), else the model-wide weight. A finite number ≥ 0.
   */
  weight(position: TrainingPosition, layer?: LayerRef): number;
  /**
   * Both weights of the prior term (see `KLTermWeights`). Optional: when absent the weighting is a
   * plain multiplier and both weights equal `weight(position, layer)`.
   */
  termWeights?(position: TrainingPosition, layer?: LayerRef): KLTermWeights;
  /** The spec that `klWeightingFromJSON` turns back into an equal weighting. */
  toJSON(): KLWeightingSpec;
  /**
   * The batch reduction of the likelihood this weighting is defined for: `'mean'` for 1/N
   * (`perExample`), `'sum'` for 1/M and π_i (`perMinibatch`, `blundell`); `'mixed'` when per-layer
   * overrides disagree; absent for pure factors (annealing, tempering, constants, expressions)
   * that fit either. `Elbo` uses it as its default `reduction` and rejects a contradicting one.
   */
  readonly reduction?: WeightingReduction;
}

/** What a weighting declares about the likelihood reduction it is defined for. */
export type WeightingReduction = 'mean' | 'sum' | 'mixed';

/**
 * The one reduction a set of weightings agrees on: `undefined` when none declares one, `'mixed'`
 * when two declare different ones (or one is already mixed).
 */
export function combinedReduction(weightings: readonly KLWeighting[]): WeightingReduction | undefined {
  const declared = new Set(weightings.map((w) => w.reduction).filter((r): r is WeightingReduction => r !== undefined));
  if (declared.size === 0) return undefined;
  if (declared.size > 1 || declared.has('mixed')) return 'mixed';
  return [...declared][0];
}

/** The two weights of a weighting at a position: `termWeights` when it has it, else `weight` twice. */
export function klTermWeights(weighting: KLWeighting, position: TrainingPosition, layer?: LayerRef): KLTermWeights {
  if (weighting.termWeights !== undefined) return weighting.termWeights(position, layer);
  const beta = weighting.weight(position, layer);
  return { crossEntropy: beta, entropy: beta };
}

/** Rebuilds a weighting from its spec's config. Must validate the config (the factories do). */
export type KLWeightingReviver = (config: KLWeightingSpec['config']) => KLWeighting;

const registry = reviverRegistry<KLWeighting, KLWeightingSpec['config']>('registerKLWeighting', 'klWeightingFromJSON');

/**
 * Registers how to rebuild the weighting called `name` from JSON. Built-in schemes register
 * themselves; register your own custom weightings to make them serializable. Names are unique.
 */
export function registerKLWeighting(name: string, reviver: KLWeightingReviver): void {
  registry.register(name, reviver);
}

/** The names `klWeightingFromJSON` can rebuild. */
export function registeredKLWeightings(): string[] {
  return registry.names();
}

/**
 * Rebuilds a weighting from `weighting.toJSON()` (or its `JSON.parse`d string). Throws
 * `InvalidArgumentError` for an unknown name (listing the known ones) or a bad config.
 *
 * @example
 * const copy = klWeightingFromJSON(JSON.parse(JSON.stringify(klWeighting.blundell())));
 */
export function klWeightingFromJSON(spec: unknown): KLWeighting {
  return registry.revive(spec);
}

/** Requires a weight a scheme computed to be finite and ≥ 0 (a negative KL weight rewards divergence). */
export function requireWeight(where: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(where, 'weight', value, 'a finite KL weight ≥ 0');
  }
  return value;
}

/** An optional number from a spec config, or `undefined`. Leaves validation to the factory. */
export function optionalNumber(config: KLWeightingSpec['config'], key: string): number | undefined {
  const value = config[key];
  return value === undefined || value === null ? undefined : (value as number);
}
