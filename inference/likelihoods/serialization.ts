/**
 * JSON form of likelihoods: a registry of revivers by name, like the KL weightings'
 * (`registerKLWeighting`). A likelihood with learned parameters writes their current values into its
 * spec, so the spec saved next to a model restores the trained noise too.
 */
import { reviverRegistry } from '../../src/reviver-registry.js';
import type { Likelihood, LikelihoodSpec } from './likelihood.js';

/** Rebuilds a likelihood from its spec's config. Must validate the config (the factories do). */
export type LikelihoodReviver = (config: LikelihoodSpec['config']) => Likelihood;

const registry = reviverRegistry<Likelihood, LikelihoodSpec['config']>('registerLikelihood', 'likelihoodFromJSON');

/** Registers how to rebuild the likelihood called `name` from JSON. Built-ins register themselves; names are unique. */
export function registerLikelihood(name: string, reviver: LikelihoodReviver): void {
  registry.register(name, reviver);
}

/** The names `likelihoodFromJSON` can rebuild. */
export function registeredLikelihoods(): string[] {
  return registry.names();
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
  return registry.revive(spec);
}
