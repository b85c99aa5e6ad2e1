/**
 * Composing weightings: products of factors, and per-layer overrides chosen by predicate.
 */
import { FormatError, InvalidArgumentError } from '../../src/errors.js';
import type { TrainingPosition } from '../position.js';
import {
  type JsonValue,
  type KLTermWeights,
  type KLWeighting,
  type KLWeightingSpec,
  type LayerRef,
  klTermWeights,
  klWeightingFromJSON,
  combinedReduction,
  registerKLWeighting,
} from './kl-weighting.js';

function requireWeighting(where: string, argument: string, value: unknown): KLWeighting {
  const w = value as Partial<KLWeighting> | null;
  if (
    typeof w !== 'object' ||
    w === null ||
    typeof w.weight !== 'function' ||
    typeof w.toJSON !== 'function' ||
    typeof w.name !== 'string'
  ) {
    throw new InvalidArgumentError(where, argument, value, 'a KLWeighting (from the klWeighting factories)');
  }
  return value as KLWeighting;
}

/**
 * The product of weightings, e.g. a dataset scaling times an annealing factor. Two-part weights
 * (`temperedPosterior`) multiply part by part. At least one factor.
 *
 * @example
 * klWeighting.product(klWeighting.perExample(), klWeighting.linearWarmup({epochs: 5}))
 */
export function product(...weightings: KLWeighting[]): KLWeighting {
  const where = 'klWeighting.product';
  if (weightings.length === 0) throw new InvalidArgumentError(where, 'weightings', weightings, 'at least one KLWeighting');
  weightings.forEach((w, i) => requireWeighting(where, `weightings[${i}]`, w));
  const twoPart = weightings.some((w) => w.termWeights !== undefined);
  const reduction = combinedReduction(weightings);
  if (reduction === 'mixed') {
    throw new InvalidArgumentError(
      where,
      'weightings',
      weightings.map((w) => `${w.name}${w.reduction === undefined ? '' : ` (${w.reduction})`}`).join(' × '),
      'at most one dataset scaling (factors defined for a batch-mean and a batch-sum likelihood cannot be multiplied)',
    );
  }
  const termWeights = (position: TrainingPosition, layer?: LayerRef): KLTermWeights =>
    weightings.reduce<KLTermWeights>(
      (acc, w) => {
        const part = klTermWeights(w, position, layer);
        return { crossEntropy: acc.crossEntropy * part.crossEntropy, entropy: acc.entropy * part.entropy };
      },
      { crossEntropy: 1, entropy: 1 },
    );
  return {
    name: 'product',
    ...(reduction === undefined ? {} : { reduction }),
    describe: `Multiplies the KL weights of: ${weightings.map((w) => w.describe).join(' × ')}`,
    weight: (position: TrainingPosition, layer?: LayerRef): number => weightings.reduce((acc, w) => acc * w.weight(position, layer), 1),
    ...(twoPart ? { termWeights } : {}),
    toJSON: (): KLWeightingSpec => ({ name: 'product', config: { factors: weightings.map((w) => w.toJSON() as unknown as JsonValue) } }),
  };
}

/** One per-layer override: which layers it applies to, and the weighting they get instead of the base. */
export interface LayerOverride {
  /** A predicate on the layer, or a RegExp tested against `layer.name` (only RegExps serialize). */
  readonly match: ((layer: LayerRef) => boolean) | RegExp;
  /** The weighting of the matched layers (replaces the base; wrap in `product` to scale it). */
  readonly weighting: KLWeighting;
}

/**
 * Per-layer KL weights: each layer gets the weighting of the first override whose `match` accepts
 * it, else `base`. Called without a layer (the model-wide weight), it returns `base`'s.
 *
 * @example
 * // Keep the KL of the last layer at full weight, anneal the rest.
 * klWeighting.perLayer(klWeighting.product(klWeighting.perExample(), klWeighting.linearWarmup({epochs: 5})),
 *   [{match: /^output/, weighting: klWeighting.perExample()}])
 */
export function perLayer(base: KLWeighting, overrides: readonly LayerOverride[]): KLWeighting {
  const where = 'klWeighting.perLayer';
  requireWeighting(where, 'base', base);
  if (!Array.isArray(overrides)) throw new InvalidArgumentError(where, 'overrides', overrides, 'an array of {match, weighting}');
  overrides.forEach((o: LayerOverride, i: number) => {
    if (typeof o !== 'object' || o === null || !(typeof o.match === 'function' || o.match instanceof RegExp)) {
      throw new InvalidArgumentError(where, `overrides[${i}].match`, o?.match, 'a function (layer) => boolean or a RegExp');
    }
    requireWeighting(where, `overrides[${i}].weighting`, o.weighting);
  });
  const choose = (layer?: LayerRef): KLWeighting => {
    if (layer === undefined) return base;
    const hit = overrides.find((o) =>
      o.match instanceof RegExp ? new RegExp(o.match.source, o.match.flags).test(layer.name) : o.match(layer),
    );
    return hit === undefined ? base : hit.weighting;
  };
  const twoPart = base.termWeights !== undefined || overrides.some((o) => o.weighting.termWeights !== undefined);
  const reduction = combinedReduction([base, ...overrides.map((o) => o.weighting)]);
  return {
    name: 'perLayer',
    ...(reduction === undefined ? {} : { reduction }),
    describe: `Weights each layer's KL by the first matching override (${overrides.length}), else: ${base.describe}`,
    weight: (position: TrainingPosition, layer?: LayerRef): number => choose(layer).weight(position, layer),
    ...(twoPart
      ? { termWeights: (position: TrainingPosition, layer?: LayerRef): KLTermWeights => klTermWeights(choose(layer), position, layer) }
      : {}),
    toJSON(): KLWeightingSpec {
      const serialized = overrides.map((o, i) => {
        if (!(o.match instanceof RegExp)) {
          throw new FormatError(
            `klWeighting.perLayer.toJSON: overrides[${i}].match is a function, which cannot be serialized; use a RegExp on the layer name.`,
          );
        }
        return { pattern: o.match.source, flags: o.match.flags, weighting: o.weighting.toJSON() as unknown as JsonValue };
      });
      return { name: 'perLayer', config: { base: base.toJSON() as unknown as JsonValue, overrides: serialized } };
    },
  };
}

registerKLWeighting('product', (config) => {
  const factors = config.factors;
  if (!Array.isArray(factors)) throw new InvalidArgumentError('klWeightingFromJSON', 'config.factors', factors, 'an array of specs');
  return product(...factors.map((f) => klWeightingFromJSON(f)));
});

registerKLWeighting('perLayer', (config) => {
  const overrides = config.overrides;
  if (!Array.isArray(overrides)) throw new InvalidArgumentError('klWeightingFromJSON', 'config.overrides', overrides, 'an array');
  return perLayer(
    klWeightingFromJSON(config.base),
    overrides.map((o, i) => {
      const { pattern, flags, weighting } = (o ?? {}) as { pattern?: unknown; flags?: unknown; weighting?: unknown };
      if (typeof pattern !== 'string' || typeof flags !== 'string') {
        throw new InvalidArgumentError('klWeightingFromJSON', `config.overrides[${i}]`, o, '{pattern: string, flags: string, weighting}');
      }
      return { match: new RegExp(pattern, flags), weighting: klWeightingFromJSON(weighting) };
    }),
  );
});
