/** The three networks of `study uci`: Bayes by Backprop, MC dropout and the deterministic MLP, one hidden layer each. */
import * as tf from '@tensorflow/tfjs';
import { denseVariational, mcDropout } from '../../../layers/index.js';
import { UCI_PROTOCOL, type BbbRecipe, type DropoutRecipe, type UciMethod, UCI_RECIPES } from './recipe.js';

/**
 * The network of `method` for `features` inputs and `outputs` outputs (1 for regression, K logits
 * for classification). Layer names are fixed (they key the noise streams).
 */
export function buildUciModel(method: UciMethod, features: number, outputs: number, recipes = UCI_RECIPES): tf.Sequential {
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
    return tf.sequential({
      layers: [
        tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [features], name: 'hidden' }),
        mcDropout({ rate: r.rate, name: 'dropout' }),
        tf.layers.dense({ units: outputs, name: 'output' }),
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
