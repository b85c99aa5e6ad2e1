/**
 * Re-drawing a model's initial weights from a seed, so two runs with the same seed start from the
 * same weights whatever happened at build time (tfjs initializers are unseeded by default).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../src/errors.js';
import { requireFinite } from '../src/validate.js';
import { layerSeed, type Initializer } from './posterior-init.js';
import { VariationalLayer } from './variational-layer.js';

/** Re-creates `initializer` with `seed` (initializers without a seed ignore it). */
function reseeded(initializer: Initializer, seed: number): Initializer {
  const className = initializer.getClassName();
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) return initializer;
  const config = initializer.getConfig();
  const [cls, fromConfig] = entry;
  return fromConfig(cls, 'seed' in config ? { ...config, seed } : config) as Initializer;
}

/** The initializer tfjs stored on a deterministic layer for a weight suffix (`kernel` → `kernelInitializer`). */
function deterministicInitializer(layer: tf.layers.Layer, suffix: string): Initializer | undefined {
  const key = `${suffix.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}Initializer`;
  const special: Record<string, string> = {
    recurrent_kernel: 'recurrentInitializer',
    depthwise_kernel: 'depthwiseInitializer',
    pointwise_kernel: 'pointwiseInitializer',
    embeddings: 'embeddingsInitializer',
  };
  const value = (layer as unknown as Record<string, unknown>)[special[suffix] ?? key];
  return value instanceof tf.serialization.Serializable && typeof (value as Initializer).apply === 'function'
    ? (value as Initializer)
    : undefined;
}

/** The initializer of one weight of a variational layer (its prior's empirical values are kept: `null`). */
function variationalInitializer(layer: VariationalLayer, suffix: string): Initializer | null {
  if (suffix.endsWith('_raw_scale')) return tf.initializers.constant({ value: layer.posteriorInit.rawScaleInit });
  if (suffix === 'kernel_loc') return layer.posteriorInit.locInitializer;
  if (suffix === 'bias_loc' || suffix === 'bias') return tf.initializers.zeros();
  return null;
}

/**
 * Overwrites every weight of `model` with a fresh draw of its own initializer, seeded by a number
 * derived from (`seed`, layer name, weight name) with FNV-1a (`layerSeed`): variational layers get
 * their `posteriorInit` (loc initializer, rawScale constant), tf.layers get their
 * `kernelInitializer`, `biasInitializer`, … Layers of equal shapes still start apart. The empirical
 * prior weights of variational layers are kept. Weights whose initializer cannot be found throw an
 * `InvalidArgumentError` naming the weight. `fit(…, {seed, initialWeights: 'seeded'})` calls this.
 *
 * Note: tfjs's seeded initializers are deterministic within one process and tfjs version.
 *
 * @returns the number of weights written.
 */
export function seedInitialWeights(model: tf.LayersModel | tf.layers.Layer, seed: number | string): number {
  const where = 'seedInitialWeights';
  if (!(model instanceof tf.layers.Layer)) throw new InvalidArgumentError(where, 'model', model, 'a tf.LayersModel or tf.layers.Layer');
  if (!(typeof seed === 'string' && seed.length > 0)) requireFinite(where, 'seed', seed);
  let written = 0;
  const seen = new Set<tf.layers.Layer>();
  const visit = (layer: tf.layers.Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (layer instanceof tf.LayersModel) {
      layer.layers.forEach(visit);
      return;
    }
    for (const weight of layer.weights) {
      const suffix = weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1);
      const initializer =
        layer instanceof VariationalLayer ? variationalInitializer(layer, suffix) : deterministicInitializer(layer, suffix);
      if (initializer === null) continue;
      if (initializer === undefined) {
        throw new InvalidArgumentError(
          where,
          'model',
          `weight '${weight.originalName}' of a ${layer.getClassName()}`,
          'weights whose layer keeps an initializer for them (or build the model with seeded initializers)',
        );
      }
      const value = tf.tidy(() =>
        reseeded(initializer, layerSeed(0, `${seed}/${weight.originalName}`)).apply(weight.shape as number[], weight.dtype),
      );
      weight.write(value);
      value.dispose();
      written += 1;
    }
  };
  visit(model);
  return written;
}
