/**
 * JSON form of likelihoods: a registry of revivers by name, like the KL weightings'
 * (`registerKLWeighting`). A likelihood with learned parameters writes their current values into its
 * spec, so the spec saved next to a model restores the trained noise too.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import type { Likelihood, LikelihoodSpec } from './likelihood.js';

/** Rebuilds a likelihood from its spec's config. Must validate the config (the factories do). */
export type LikelihoodReviver = (config: LikelihoodSpec['config']) => Likelihood;

const revivers = new Map<string, LikelihoodReviver>();

/** Registers how to rebuild the likelihood called `name` from JSON. Built-ins register themselves; names are unique. */
export function registerLikelihood(name: string, reviver: LikelihoodReviver): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError('registerLikelihood', 'name', name, 'a non-empty string');
  if (typeof reviver !== 'function') throw new InvalidArgumentError('registerLikelihood', 'reviver', reviver, 'a function');
  if (revivers.has(name)) throw new InvalidArgumentError('registerLikelihood', 'name', name, 'a name not registered yet');
  revivers.set(name, reviver);
}

/** The names `likelihoodFromJSON` can rebuild. */
export function registeredLikelihoods(): string[] {
  return [...revivers.keys()].sort();
}

/**
 * Rebuilds a likelihood from `likelihood.toJSON()` (or its `JSON.parse`d string). A learned
 * parameter starts at its saved value. Throws `InvalidArgumentError` for an unknown name (listing the
 * known ones) or a bad config. The caller owns the result (call `dispose()` when it has variables).
 *
 * @example
 * const noise = gaussian({scale: 'learned'});
 * await fit(model, data, {elbo: {likelihood: noise, …}, …});
 * fs.writeFileSync('likelihood.json', JSON.stringify(noise.toJSON?.()));
 * const restored = likelihoodFromJSON(JSON.parse(fs.readFileSync('likelihood.json', 'utf8')));
 */
export function likelihoodFromJSON(spec: unknown): Likelihood {
  const where = 'likelihoodFromJSON';
  if (typeof spec !== 'object' || spec === null) throw new InvalidArgumentError(where, 'spec', spec, 'an object {name, config}');
  const { name, config } = spec as { name?: unknown; config?: unknown };
  const reviver = typeof name === 'string' ? revivers.get(name) : undefined;
  if (reviver === undefined) {
    throw new InvalidArgumentError(
      where,
      'spec.name',
      name,
      `one of ${registeredLikelihoods()
        .map((n) => `'${n}'`)
        .join(', ')}`,
    );
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError(where, 'spec.config', config, 'an object of options');
  }
  return reviver(config as LikelihoodSpec['config']);
}
