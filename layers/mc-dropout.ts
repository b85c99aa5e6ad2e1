/**
 * Monte Carlo dropout (Gal & Ghahramani 2016): dropout that stays on at prediction time, so S
 * stochastic forward passes sample an approximate posterior — the baseline to compare Bayes by
 * Backprop against with the same `predictive`, `regressionPredictive` and metrics code.
 */
import * as tf from '@tensorflow/tfjs';
import { requireNoiseScope } from '../src/random/index.js';
import { requireOneOf, requireOpenInterval } from '../src/validate.js';
import { SAMPLING_MODES, type SamplingMode } from './estimator.js';

/** Arguments of `mcDropout`. */
export interface McDropoutArgs {
  /** Probability p of dropping a unit, in (0, 1). Kept units are scaled by 1/(1 − p) (inverted dropout). */
  rate: number;
  /** `'sample'` (default): a fresh mask on every call, training or not; `'mean'`: the identity (the expected output). */
  samplingMode?: SamplingMode;
  /** Layer name (names key the noise streams: keep them stable for replayable runs). */
  name?: string;
  /** Input shape without the batch axis, for a first layer. */
  inputShape?: tf.Shape;
}

/**
 * A dropout layer active at prediction time. Its mask is drawn from the open noise scope
 * (`withNoise`, which `fit`, `predictive` and `regressionPredictive` open), at path
 * `<name>/mask`, so passes are replayable; outside a scope in `'sample'` mode it throws
 * `NoiseSourceError`. `setSamplingMode(model, 'mean')` turns it into the identity, like the
 * variational layers. Owns no weights; contributes no KL (Gal's objective adds weight decay instead: `mcDropoutWeightDecay`).
 */
export class McDropout extends tf.layers.Layer {
  static className = 'McDropout';
  /** Drop probability p. */
  readonly rate: number;
  /** Current sampling mode. */
  samplingMode: SamplingMode;

  constructor(args: McDropoutArgs) {
    super({ name: args?.name, inputShape: args?.inputShape });
    this.rate = requireOpenInterval('mcDropout', 'rate', args?.rate, 0, 1);
    this.samplingMode = requireOneOf('mcDropout', 'samplingMode', args?.samplingMode ?? 'sample', SAMPLING_MODES);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (this.samplingMode === 'mean') return x.clone();
      const draws = requireNoiseScope(`${this.getClassName()}.call`).draws(`${this.name}/mask`);
      const keep = tf.cast(tf.greaterEqual(draws.uniform(x.shape), this.rate), 'float32');
      return tf.mul(x, tf.div(keep, 1 - this.rate));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, samplingMode: this.samplingMode };
  }
}
tf.serialization.registerClass(McDropout);

/** Builds an `McDropout` layer. @example tf.sequential({layers: [tf.layers.dense({units: 50, inputShape: [8], activation: 'relu'}), mcDropout({rate: 0.05}), tf.layers.dense({units: 1})]}) */
export function mcDropout(args: McDropoutArgs): McDropout {
  return new McDropout(args);
}
