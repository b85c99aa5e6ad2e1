/** Closed-form KL between two Normals, registered at import. */
import * as tf from '@tensorflow/tfjs';
import { Normal } from '../distributions/normal.js';
import { asTensor } from '../distributions/distribution.js';
import { registerKL } from './registry.js';

/**
 * KL(N(μq, σq²) ‖ N(μp, σp²)) = log(σp/σq) + (σq² + (μq − μp)²) / (2σp²) − ½, element-wise.
 * Example: KL(N(0.3, 0.5²) ‖ N(0, 1)) = 0.36315.
 */
export function klNormalNormal(q: Normal, p: Normal): tf.Tensor {
  return tf.tidy(() => {
    const scaleQ = asTensor(q.scale);
    const scaleP = asTensor(p.scale);
    const varianceRatio = tf.square(tf.div(scaleQ, scaleP));
    const meanTerm = tf.square(tf.div(tf.sub(asTensor(q.loc), asTensor(p.loc)), scaleP));
    return tf.mul(0.5, tf.sub(tf.add(varianceRatio, meanTerm), tf.add(1, tf.log(varianceRatio))));
  });
}

registerKL(Normal, Normal, klNormalNormal);
