/**
 * A registry of revivers by name, for objects that serialize as `{name, config}` (KL weightings,
 * likelihoods): registration refuses duplicates, and reviving names the known names when the one
 * asked for is missing. Each kind keeps its own registry.
 */
import { InvalidArgumentError } from './errors.js';

/** The registry of one kind of object; `T` is what a reviver returns, `C` its config. */
export interface ReviverRegistry<T, C> {
  /** Registers how to rebuild `name`; throws `InvalidArgumentError` for a bad or duplicate name. */
  register(name: string, reviver: (config: C) => T): void;
  /** The registered names, sorted. */
  names(): string[];
  /** Rebuilds from `{name, config}`; throws `InvalidArgumentError` naming `where`, for an unknown name (listing the known ones) or a non-object config. */
  revive(spec: unknown): T;
}

/**
 * A new, empty registry. `registerWhere` and `reviveWhere` are the public function names used in
 * error messages (e.g. `'registerKLWeighting'`, `'klWeightingFromJSON'`).
 */
export function reviverRegistry<T, C>(registerWhere: string, reviveWhere: string): ReviverRegistry<T, C> {
  const revivers = new Map<string, (config: C) => T>();
  const names = (): string[] => [...revivers.keys()].sort();
  return {
    register(name, reviver) {
      if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(registerWhere, 'name', name, 'a non-empty string');
      if (typeof reviver !== 'function') throw new InvalidArgumentError(registerWhere, 'reviver', reviver, 'a function');
      if (revivers.has(name)) throw new InvalidArgumentError(registerWhere, 'name', name, 'a name not registered yet');
      revivers.set(name, reviver);
    },
    names,
    revive(spec) {
      if (typeof spec !== 'object' || spec === null) throw new InvalidArgumentError(reviveWhere, 'spec', spec, 'an object {name, config}');
      const { name, config } = spec as { name?: unknown; config?: unknown };
      const reviver = typeof name === 'string' ? revivers.get(name) : undefined;
      if (reviver === undefined) {
        throw new InvalidArgumentError(
          reviveWhere,
          'spec.name',
          name,
          `one of ${names()
            .map((n) => `'${n}'`)
            .join(', ')}`,
        );
      }
      if (typeof config !== 'object' || config === null || Array.isArray(config)) {
        throw new InvalidArgumentError(reviveWhere, 'spec.config', config, 'an object of options');
      }
      return reviver(config as C);
    },
  };
}
