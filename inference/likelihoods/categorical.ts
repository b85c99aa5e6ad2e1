/** Categorical likelihood from logits (softmax cross-entropy). */
import * as tf from '@tensorflow/tfjs';
import { DtypeError, ShapeError } from '../../src/errors.js';
import type { Likelihood } from './likelihood.js';
import { requireTensor } from './likelihood.js';
import { registerLikelihood } from './serialization.js';

/**
 * Categorical likelihood from logits: −Σ_k y_k log softmax(z)_k over the last (class) axis,
 * computed with log-softmax (stable). `modelOutput`: logits [B, …, K]. `yTrue` is either
 * - one-hot or class probabilities, float32 of the same shape [B, …, K], or
 * - integer class indices in [0, K), int32 or float32, of shape [B, …] (an index outside the
 *   range gives an all-zero one-hot row, hence zero loss: check labels when loading data).
 * Returns shape [B, …] (one value per example or voxel). Caller owns it.
 */
export function categorical(): Likelihood {
  return {
    name: 'categorical',
    describe: 'Softmax cross-entropy from logits z: −Σ_k y_k log softmax(z)_k per example (or voxel).',
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const where = 'categorical.perElement';
      const logits = requireTensor(where, 'modelOutput', modelOutput);
      const y = requireTensor(where, 'yTrue', yTrue, ['float32', 'int32']);
      const classes = logits.shape[logits.rank - 1];
      const sameShape = y.rank === logits.rank && y.shape.every((d, i) => d === logits.shape[i]);
      const indexShape = y.rank === logits.rank - 1 && y.shape.every((d, i) => d === logits.shape[i]);
      if (!sameShape && !indexShape) {
        throw new ShapeError(
          where,
          'yTrue',
          y.shape,
          `one-hot [${logits.shape.join(', ')}] or class indices [${logits.shape.slice(0, -1).join(', ')}] for logits of shape [${logits.shape.join(', ')}]`,
        );
      }
      if (sameShape && y.dtype !== 'float32')
        throw new DtypeError(where, 'yTrue', y.dtype, 'float32 for one-hot rows (int32 only for class indices without the class axis)');
      return tf.tidy(() => {
        const target = sameShape ? y : tf.oneHot(tf.cast(y, 'int32'), classes).toFloat();
        return tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits, -1)), -1));
      });
    },
    toJSON: () => ({ name: 'categorical', config: {} }),
  };
}

registerLikelihood('categorical', () => categorical());
