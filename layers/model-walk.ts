/** Finding the variational layers of a model and reading their KL. */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../src/errors.js';
import { requireSamplingMode, type SamplingMode } from './estimator.js';
import { VariationalLayer } from './variational-layer.js';
import { McDropout } from './mc-dropout.js';

/** Type guard: is `x` a variational layer of this library (an `instanceof` check). */
export function isVariationalLayer(x: unknown): x is VariationalLayer {
  return x instanceof VariationalLayer;
}

/** A model or a single layer to walk. */
export type ModelOrLayer = tf.LayersModel | tf.layers.Layer;

function requireModelOrLayer(where: string, value: unknown): ModelOrLayer {
  if (!(value instanceof tf.layers.Layer)) {
    throw new InvalidArgumentError(where, 'model', value, 'a tf.LayersModel, tf.Sequential or tf.layers.Layer');
  }
  return value;
}

/**
 * The layers a tf.layers wrapper runs: `forwardLayer` and `backwardLayer` of a Bidirectional (its
 * clones of the wrapped layer), the wrapped `layer` of any other wrapper (TimeDistributed); none
 * for other layers.
 */
export function wrappedLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  const fields = layer as unknown as { forwardLayer?: unknown; backwardLayer?: unknown; layer?: unknown };
  const found = fields.forwardLayer !== undefined ? [fields.forwardLayer, fields.backwardLayer] : [fields.layer];
  return found.filter((inner): inner is tf.layers.Layer => inner instanceof tf.layers.Layer);
}

/**
 * Every variational layer of `modelOrLayer`, depth first in layer order, walking nested models and
 * wrappers (`tf.layers.bidirectional`, `tf.layers.timeDistributed`); a layer shared by several
 * places appears once.
 */
export function variationalLayers(modelOrLayer: ModelOrLayer): VariationalLayer[] {
  const found: VariationalLayer[] = [];
  const seen = new Set<tf.layers.Layer>();
  const walk = (layer: tf.layers.Layer) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (isVariationalLayer(layer)) found.push(layer);
    if (layer instanceof tf.LayersModel) layer.layers.forEach(walk);
    else wrappedLayers(layer).forEach(walk);
  };
  walk(requireModelOrLayer('variationalLayers', modelOrLayer));
  return found;
}

/** The KL of one layer in a `collectKL` breakdown. */
export interface LayerKL {
  /** Layer name. */
  readonly name: string;
  readonly layer: VariationalLayer;
  /** KL(q ‖ p) summed over the layer's variational weights (owned by the caller). */
  readonly kl: tf.Scalar;
  /** Number of variational weights the KL sums over. */
  readonly numWeights: number;
}

/** Result of `collectKL`. Every tensor in it is owned by the caller: dispose with `disposeKLBreakdown`. */
export interface KLBreakdown {
  /** Σ over layers of their KL (a new scalar, 0 for a model without variational layers). */
  readonly total: tf.Scalar;
  readonly perLayer: LayerKL[];
}

/**
 * The KL of every variational layer of `model` and their sum (each `layer.kl()`; call it inside the
 * forward pass's `withNoise` scope when a prior has no closed-form KL). Unweighted: the ELBO
 * composer applies the KL weighting. The caller owns `total` and every `perLayer[i].kl`.
 */
export function collectKL(model: ModelOrLayer): KLBreakdown {
  const perLayer = variationalLayers(model).map((layer) => ({
    name: layer.name,
    layer,
    kl: layer.kl(),
    numWeights: layer.numVariationalWeights,
  }));
  const total = tf.tidy(() => (perLayer.length === 0 ? tf.scalar(0) : tf.addN(perLayer.map((entry) => entry.kl))) as tf.Scalar);
  return { total, perLayer };
}

/** Disposes every tensor of a `collectKL` result. */
export function disposeKLBreakdown(breakdown: KLBreakdown): void {
  breakdown.total.dispose();
  for (const entry of breakdown.perLayer) entry.kl.dispose();
}

/** Sets the mode of every `McDropout` layer (walking nested models); returns how many. */
function setDropoutMode(model: ModelOrLayer, mode: SamplingMode): number {
  let count = 0;
  const walk = (layer: tf.layers.Layer) => {
    if (layer instanceof McDropout) {
      layer.samplingMode = mode;
      count += 1;
    }
    if (layer instanceof tf.LayersModel) layer.layers.forEach(walk);
  };
  walk(model);
  return count;
}

/** Sets the sampling mode of every variational layer and `McDropout` layer of `model`. Returns how many layers it set. */
export function setSamplingMode(model: ModelOrLayer, mode: SamplingMode): number {
  const checked = requireSamplingMode('setSamplingMode', mode);
  const layers = variationalLayers(model);
  for (const layer of layers) layer.samplingMode = checked;
  return layers.length + setDropoutMode(model, checked);
}
