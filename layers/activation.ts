/**
 * Element-wise activations of the variational layers, named as tf.layers names them
 * (the strings `tf.layers.dense(...).getConfig().activation` returns), so configs convert both ways.
 */
import * as tf from '@tensorflow/tfjs';
import { requireOneOf } from '../src/validate.js';

/** Activation identifiers accepted by the variational layers (the tf.layers names). */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'tanh'
  | 'softmax'
  | 'logSoftmax'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'mish'
  | 'gelu';

const ACTIVATIONS: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  sigmoid: (x) => tf.sigmoid(x),
  // Keras' piecewise-linear approximation, as tf.layers computes it.
  hardSigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x, -1),
  logSoftmax: (x) => tf.logSoftmax(x, -1),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  // The exact (erf) form, as tf.layers' 'gelu'.
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
};

/** Every accepted activation name. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

/** The activation of a new layer: none, as in tf.layers. */
export const DEFAULT_ACTIVATION: ActivationName = 'linear';

/** Validates an activation name at a public boundary. */
export function requireActivation(where: string, value: unknown): ActivationName {
  return requireOneOf(where, 'activation', value, ACTIVATION_NAMES);
}

/** Applies a named activation. Returns a new tensor (or `x` itself for `'linear'`); use under `tf.tidy`. */
export function applyActivation(name: ActivationName, x: tf.Tensor): tf.Tensor {
  return ACTIVATIONS[name](x);
}
