/** The three networks of `study uci`: Bayes by Backprop, MC dropout and the deterministic MLP, one hidden layer each. */
import * as tf from '@tensorflow/tfjs';
import { denseVariational, mcDropout, mcDropoutWeightDecay } from '../../../layers/index.js';
import { UCI_PROTOCOL, type BbbRecipe, type DropoutRecipe, type UciMethod, UCI_RECIPES } from './recipe.js';

/**
 * The network of `method` for `features` inputs and `outputs` outputs (1 for regression, K logits
 * for classification), trained on `datasetSize` examples (it sets MC dropout's weight decay).
 * Layer names are fixed (they key the noise streams). MC dropout follows Gal's UCI code: dropout
 * on the inputs and on the hidden layer, L2 decay λ = (1 − p)·l²/(2N) on both kernels.
 */
export function buildUciModel(
  method: UciMethod,
  features: number,
  outputs: number,
  datasetSize: number,
  recipes = UCI_RECIPES,
): tf.Sequential {
  const hidden = UCI_PROTOCOL.hiddenUnits;
  if (method === 'bbb') {
    const r: BbbRecipe = recipes.bbb;
    const common = {
      prior: { kind: 'normal' as const, loc: 0, scale: r.priorScale },
      estimator: r.estimator,
      posteriorInit: { rawScaleInit: r.rawScaleInit },
    };
    return tf.sequential({
      layers: [
        denseVariational({ units: hidden, activation: 'relu', inputShape: [features], name: 'hidden', ...common }),
        denseVariational({ units: outputs, name: 'output', ...common }),
      ],
    });
  }
  if (method === 'mc-dropout') {
    const r: DropoutRecipe = recipes['mc-dropout'];
    const l2 = mcDropoutWeightDecay({ rate: r.rate, lengthScale: r.lengthScale, datasetSize });
    return tf.sequential({
      layers: [
        mcDropout({ rate: r.rate, inputShape: [features], name: 'input_dropout' }),
        tf.layers.dense({ units: hidden, activation: 'relu', name: 'hidden', kernelRegularizer: tf.regularizers.l2({ l2 }) }),
        mcDropout({ rate: r.rate, name: 'dropout' }),
        tf.layers.dense({ units: outputs, name: 'output', kernelRegularizer: tf.regularizers.l2({ l2 }) }),
      ],
    });
  }
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [features], name: 'hidden' }),
      tf.layers.dense({ units: outputs, name: 'output' }),
    ],
  });
}
