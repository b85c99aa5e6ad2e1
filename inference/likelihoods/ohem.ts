/** Online hard example mining (OHEM) for dense binary targets. */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../src/errors.js';
import { requireInteger, requirePositive } from '../../src/validate.js';
import { bernoulli } from './bernoulli.js';
import { type Likelihood, isLikelihood, requireMatchingPair } from './likelihood.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** Default ratio of kept negatives to positives (k ≈ 3 × positives). */
export const DEFAULT_OHEM_RATIO = 3;

/** Options of `ohem`. */
export interface OhemOptions {
  /** Kept negatives per positive, > 0: k = ⌊ratio × positives⌋. Default `DEFAULT_OHEM_RATIO` (3). */
  readonly ratio?: number;
  /** Per-element loss to mine on; its output must have the shape of `yTrue`. Default `bernoulli()`. */
  readonly base?: Likelihood;
  /** Negatives kept even when the batch has few or no positives, an integer ≥ 0. Default 0. */
  readonly minNegatives?: number;
}

/**
 * The 0/1 mask of kept elements: every positive (y > ½), and the k = max(⌊ratio·P⌋, minNegatives)
 * negatives with the largest loss (ties by position), k clipped to the number of negatives.
 * Plain arrays in, plain array out: it never touches the gradient tape.
 */
export function ohemMask(labels: ArrayLike<number>, losses: ArrayLike<number>, ratio: number, minNegatives: number): Float32Array {
  const mask = new Float32Array(labels.length);
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > 0.5) mask[i] = 1;
    else negatives.push(i);
  }
  const positives = labels.length - negatives.length;
  const keep = Math.min(negatives.length, Math.max(Math.floor(ratio * positives), minNegatives));
  if (keep === 0) return mask;
  if (keep === negatives.length) {
    for (const i of negatives) mask[i] = 1;
    return mask;
  }
  const negativeLosses = Float64Array.from(negatives, (i) => losses[i]).sort();
  const threshold = negativeLosses[negativeLosses.length - keep];
  let strictlyAbove = 0;
  for (const i of negatives) if (losses[i] > threshold) strictlyAbove++;
  let tiesLeft = keep - strictlyAbove;
  for (const i of negatives) {
    if (losses[i] > threshold) mask[i] = 1;
    else if (losses[i] === threshold && tiesLeft > 0) {
      mask[i] = 1;
      tiesLeft--;
    }
  }
  return mask;
}

/**
 * OHEM for dense binary targets (Shrivastava et al. 2016, applied per voxel as in segmentation
 * practice): keeps the loss of every positive element and of the k = ⌊ratio × positives⌋ hardest
 * negatives **of the whole batch**; every other element gets zero loss and zero gradient. The mask
 * is computed from a copy of the loss values read off the graph, so it carries no gradient (tfjs has
 * no gradient for comparisons or top-k). Reads the loss synchronously once per call.
 * `yTrue` (0/1 targets) and `modelOutput` as the base likelihood (same shape). The ELBO's `'mean'`
 * reduction then divides by all elements, not only the kept ones.
 */
export function ohem(options: OhemOptions = {}): Likelihood {
  const where = 'ohem';
  const ratio = requirePositive(where, 'ratio', options.ratio ?? DEFAULT_OHEM_RATIO);
  const minNegatives = requireInteger(where, 'minNegatives', options.minNegatives ?? 0, 0);
  const base = options.base ?? bernoulli();
  if (!isLikelihood(base)) throw new InvalidArgumentError(where, 'base', base, 'a per-element Likelihood');
  return {
    name: 'ohem',
    describe: `OHEM on ${base.name}: all positives and the ${ratio}× as many hardest negatives of the batch keep their loss, the rest count zero.`,
    perElement(yTrue: tf.Tensor, modelOutput: tf.Tensor): tf.Tensor {
      const [y] = requireMatchingPair('ohem.perElement', yTrue, modelOutput);
      return tf.tidy(() => {
        const losses = base.perElement(y, modelOutput);
        if (losses.rank !== y.rank || losses.shape.some((d, i) => d !== y.shape[i])) {
          throw new ShapeError(
            'ohem.perElement',
            'base.perElement(yTrue, modelOutput)',
            losses.shape,
            `the shape of 'yTrue', [${y.shape.join(', ')}]`,
          );
        }
        const mask = ohemMask(y.dataSync(), losses.dataSync(), ratio, minNegatives);
        return tf.mul(losses, tf.tensor(mask, losses.shape, 'float32'));
      });
    },
  };
}
