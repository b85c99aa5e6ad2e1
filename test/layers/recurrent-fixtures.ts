// Shared builders of the recurrent-layer tests: each variational layer with its tf.layers twin.
import * as tf from '@tensorflow/tfjs';
import {
  gruVariational,
  lstmVariational,
  simpleRNNVariational,
  type LSTMVariationalArgs,
  type RecurrentVariational,
} from '../../layers/index.js';
import { fixedValues, setParameter } from './fixtures.js';

export type RecurrentKind = 'lstm' | 'gru' | 'simpleRNN';
export const RECURRENT_KINDS: readonly RecurrentKind[] = ['lstm', 'gru', 'simpleRNN'];
export const GATES: Record<RecurrentKind, number> = { lstm: 4, gru: 3, simpleRNN: 1 };

/** The variational layer of `kind` (LSTM args are accepted by all three; unknown fields are ignored). */
export function variationalOf(kind: RecurrentKind, args: LSTMVariationalArgs): RecurrentVariational {
  if (kind === 'lstm') return lstmVariational(args);
  if (kind === 'gru') return gruVariational(args);
  const { recurrentActivation: _ignored, unitForgetBias: _alsoIgnored, ...rest } = args;
  return simpleRNNVariational(rest);
}

/** tf.layers' layer of `kind` with the same sequence flags and activations. */
export function referenceOf(kind: RecurrentKind, args: LSTMVariationalArgs): tf.layers.Layer {
  type TfActivation = Parameters<typeof tf.layers.lstm>[0]['activation'];
  const common = {
    units: args.units,
    returnSequences: args.returnSequences,
    returnState: args.returnState,
    goBackwards: args.goBackwards,
    useBias: args.useBias,
    activation: (args.activation ?? 'tanh') as TfActivation,
  };
  const recurrentActivation = (args.recurrentActivation ?? 'hardSigmoid') as TfActivation;
  if (kind === 'lstm') return tf.layers.lstm({ ...common, recurrentActivation });
  if (kind === 'gru') return tf.layers.gru({ ...common, recurrentActivation });
  return tf.layers.simpleRNN(common);
}

/** Writes non-trivial locs (scale 0.5) and the given rawScale into every parameter of a built layer. */
export function setRecurrentWeights(layer: RecurrentVariational, seed: number, rawScale: number): void {
  layer.variationalParameters.forEach((parameter, i) => {
    const loc = fixedValues(parameter.size, seed + i).map((v) => 0.5 * v);
    setParameter(layer, parameter.name, loc, new Float32Array(parameter.size).fill(rawScale));
  });
}

/** Copies the posterior means into the tf.layers twin (kernel, recurrent kernel, bias: the same order). */
export function copyLocs(layer: RecurrentVariational, reference: tf.layers.Layer): void {
  const locs: tf.Tensor[] = layer.variationalParameters.map((parameter) => parameter.loc);
  const point = layer.pointEstimateBias;
  reference.setWeights(point === null ? locs : [...locs, point.read()]);
}

/** Largest |a − b| over a list of tensor pairs (tensors not disposed). */
export function maxDifference(a: tf.Tensor | tf.Tensor[], b: tf.Tensor | tf.Tensor[]): number {
  const left = ([] as tf.Tensor[]).concat(a);
  const right = ([] as tf.Tensor[]).concat(b);
  if (left.length !== right.length) return Number.POSITIVE_INFINITY;
  return Math.max(...left.map((tensor, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(tensor, right[i]))).dataSync()[0])));
}
