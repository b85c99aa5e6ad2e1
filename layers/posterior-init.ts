/**
 * How a variational layer initialises its posterior q(w) = N(loc, softplus(rawScale)²).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../src/errors.js';
import { requireFinite } from '../src/validate.js';

/** A tf.layers initializer object (what `tf.initializers.glorotUniform({})` returns). */
export type Initializer = ReturnType<typeof tf.initializers.ones>;

/** Initializers accepted by name, with an optional seed. */
export type InitializerName =
  'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'leCunUniform' | 'leCunNormal' | 'zeros' | 'ones';

const BY_NAME: Record<InitializerName, (seed: number | undefined) => Initializer> = {
  glorotUniform: (seed) => tf.initializers.glorotUniform({ seed }),
  glorotNormal: (seed) => tf.initializers.glorotNormal({ seed }),
  heUniform: (seed) => tf.initializers.heUniform({ seed }),
  heNormal: (seed) => tf.initializers.heNormal({ seed }),
  leCunUniform: (seed) => tf.initializers.leCunUniform({ seed }),
  leCunNormal: (seed) => tf.initializers.leCunNormal({ seed }),
  zeros: () => tf.initializers.zeros(),
  ones: () => tf.initializers.ones(),
};

/** An initializer as it appears in a config: `{className, config}` (tfjs' serialization). */
export interface SerializedInitializer {
  readonly className: string;
  readonly config: tf.serialization.ConfigDict;
}

/** Named arguments of the posterior initialisation. */
export interface PosteriorInitArgs {
  /**
   * Initializer of the posterior means `loc` of the kernel. Default `'glorotUniform'`, the default
   * `kernelInitializer` of tf.layers.dense/conv2d (Glorot & Bengio 2010: U(±√(6/(fanIn + fanOut))),
   * a fan-average rule), so a variational layer in mean mode starts like its deterministic twin.
   * The bias `loc` starts at zero, as tf.layers' `biasInitializer`.
   */
  locInitializer?: Initializer | InitializerName | SerializedInitializer;
  /**
   * Initial pre-softplus scale of every weight. Default −3: σ = softplus(−3) ≈ 0.04859, as TFP's
   * `default_mean_field_normal_fn` and bayesian-torch (`posterior_rho_init = −3`).
   */
  rawScaleInit?: number;
  /**
   * Seed of a named `locInitializer`, so that building the same model twice gives the same initial
   * weights. Each layer seeds its initializer with a number derived from this seed and its own
   * name, so layers of equal shapes still start apart (a fixed tfjs seed would repeat the same
   * values in every layer). Unset: tfjs's unseeded initializers (different on every build). An
   * initializer object carries its own seed (e.g. `tf.initializers.heNormal({seed: 1})`).
   */
  seed?: number;
}

/** Default `posteriorInit.rawScaleInit` (σ ≈ 0.04859). */
export const DEFAULT_RAW_SCALE_INIT = -3;

/** Default `posteriorInit.locInitializer`. */
export const DEFAULT_LOC_INITIALIZER: InitializerName = 'glorotUniform';

/** A validated posterior initialisation. */
export interface PosteriorInit {
  readonly locInitializer: Initializer;
  readonly rawScaleInit: number;
}

function isInitializer(value: unknown): value is Initializer {
  return value instanceof tf.serialization.Serializable && typeof (value as Initializer).apply === 'function';
}

function fromSerialized(where: string, value: SerializedInitializer): Initializer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[value.className];
  if (entry === undefined) {
    throw new InvalidArgumentError(where, 'posteriorInit.locInitializer', value, 'a registered tf.initializers class');
  }
  const [cls, fromConfig] = entry;
  const created = fromConfig(cls, value.config ?? {});
  if (!isInitializer(created)) {
    throw new InvalidArgumentError(where, 'posteriorInit.locInitializer', value, 'the serialized form of a tf.initializers object');
  }
  return created;
}

/** Validates `posteriorInit` at a layer's boundary and fills in the defaults. */
/** A per-layer initializer seed: FNV-1a of `${seed}/${layerName}`, a non-negative 31-bit integer. */
export function layerSeed(seed: number, layerName: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}/${layerName}`) {
    hash ^= char.codePointAt(0) as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
}

export function resolvePosteriorInit(where: string, args: PosteriorInitArgs | undefined, layerName = ''): PosteriorInit {
  const value = args ?? {};
  if (typeof value !== 'object')
    throw new InvalidArgumentError(where, 'posteriorInit', value, 'an object {locInitializer?, rawScaleInit?}');
  const rawScaleInit = requireFinite(where, 'posteriorInit.rawScaleInit', value.rawScaleInit ?? DEFAULT_RAW_SCALE_INIT);
  const given = value.locInitializer ?? DEFAULT_LOC_INITIALIZER;
  let locInitializer: Initializer;
  if (typeof given === 'string') {
    const make = (BY_NAME as Record<string, ((seed: number | undefined) => Initializer) | undefined>)[given];
    if (make === undefined) {
      throw new InvalidArgumentError(
        where,
        'posteriorInit.locInitializer',
        given,
        `a tf.initializers object or one of ${Object.keys(BY_NAME).join(', ')}`,
      );
    }
    const seed = value.seed === undefined ? undefined : layerSeed(requireFinite(where, 'posteriorInit.seed', value.seed), layerName);
    locInitializer = make(seed);
  } else if (isInitializer(given)) {
    locInitializer = given;
  } else if (typeof given === 'object' && given !== null && typeof (given as SerializedInitializer).className === 'string') {
    locInitializer = fromSerialized(where, given as SerializedInitializer);
  } else {
    throw new InvalidArgumentError(
      where,
      'posteriorInit.locInitializer',
      given,
      'a tf.initializers object, its name, or {className, config}',
    );
  }
  return { locInitializer, rawScaleInit };
}

/** The config form of a posterior initialisation. */
export function serializePosteriorInit(init: PosteriorInit): { locInitializer: SerializedInitializer; rawScaleInit: number } {
  return {
    locInitializer: { className: init.locInitializer.getClassName(), config: init.locInitializer.getConfig() },
    rawScaleInit: init.rawScaleInit,
  };
}
