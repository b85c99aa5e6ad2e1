/**
 * The trainable variables of a model, labelled by layer, parameter and role, so that gradient
 * figures can be reported per layer and per parameter (loc vs rawScale, kernel vs bias).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { isVariationalLayer, wrappedLayers } from '../../layers/model-walk.js';

/** `loc` / `rawScale` of a variational parameter, or `weight` for any other trainable variable. */
export type ParameterRole = 'loc' | 'rawScale' | 'weight';

/** One trainable variable with the labels the inspector reports it under. */
export interface ParameterGroup {
  /** Name of the layer owning the variable. */
  readonly layer: string;
  /** Parameter within the layer: `kernel`, `bias`, or the weight's own name for plain layers. */
  readonly parameter: string;
  readonly role: ParameterRole;
  /** The variable itself (not owned by the group). */
  readonly variable: tf.Variable;
}

function layersOf(layer: tf.layers.Layer, out: tf.layers.Layer[], seen: Set<tf.layers.Layer>): void {
  if (seen.has(layer)) return;
  seen.add(layer);
  const wrapped = layer instanceof tf.LayersModel ? layer.layers : wrappedLayers(layer);
  if (wrapped.length > 0) wrapped.forEach((inner) => layersOf(inner, out, seen));
  else out.push(layer);
}

/**
 * Every trainable variable of `model`, in layer order (inside nested models and wrappers such as
 * `tf.layers.bidirectional`, whose clones are reported under their own names): the `loc` and
 * `rawScale` of each variational parameter, then the other trainable weights (point-estimate
 * biases, batch norm, plain layers).
 */
export function parameterGroups(model: tf.LayersModel | tf.layers.Layer): ParameterGroup[] {
  if (!(model instanceof tf.layers.Layer)) {
    throw new InvalidArgumentError('parameterGroups', 'model', model, 'a tf.LayersModel or tf.layers.Layer');
  }
  const layers: tf.layers.Layer[] = [];
  layersOf(model, layers, new Set());
  const groups: ParameterGroup[] = [];
  const claimed = new Set<string>();
  for (const layer of layers) {
    if (isVariationalLayer(layer)) {
      for (const parameter of layer.variationalParameters) {
        groups.push({ layer: layer.name, parameter: parameter.name, role: 'loc', variable: parameter.loc });
        groups.push({ layer: layer.name, parameter: parameter.name, role: 'rawScale', variable: parameter.rawScale });
        claimed.add(parameter.loc.name).add(parameter.rawScale.name);
      }
    }
    for (const weight of layer.trainableWeights) {
      const variable = weight.read() as tf.Variable;
      if (claimed.has(variable.name)) continue;
      claimed.add(variable.name);
      const parameter = weight.originalName.split('/').pop() ?? weight.originalName;
      groups.push({ layer: layer.name, parameter, role: 'weight', variable });
    }
  }
  return groups;
}
