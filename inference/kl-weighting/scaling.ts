/**
 * The dataset-scaling schemes: how the one KL of the whole data set is shared out over minibatches.
 */
import { requireFinite, requireNonNegative, requirePositive } from '../../src/validate.js';
import { requireTrainingPosition, type TrainingPosition } from '../position.js';
import { type KLWeighting, type KLWeightingSpec, optionalNumber, registerKLWeighting } from './kl-weighting.js';

/**
 * 1/N per step, with the likelihood a **mean** over the batch (ELBO `reduction: 'mean'`): each step
 * minimises (1/B) Σ_batch NLL + KL/N, the negative ELBO divided by N (TFP's convention).
 *
 * @param datasetSize N, the number of training examples; default `position.datasetSize` (in the
 *   ELBO's count unit, see `ElboOptions.countUnit`). A finite number > 0.
 */
export function perExample(datasetSize?: number): KLWeighting {
  if (datasetSize !== undefined) requirePositive('klWeighting.perExample', 'datasetSize', datasetSize);
  return {
    name: 'perExample',
    reduction: 'mean',
    describe:
      `Minimises the negative ELBO divided by N: the batch-mean NLL + KL / N ` +
      `(N = ${datasetSize ?? 'position.datasetSize'}; TFP convention).`,
    weight(position: TrainingPosition): number {
      requireTrainingPosition('klWeighting.perExample', position);
      return 1 / (datasetSize ?? position.datasetSize);
    },
    toJSON: (): KLWeightingSpec => ({ name: 'perExample', config: datasetSize === undefined ? {} : { datasetSize } }),
  };
}

/**
 * 1/M per step with M = `position.numBatches`, the likelihood **summed** over the batch (ELBO
 * `reduction: 'sum'`): each step minimises Σ_batch NLL + KL/M, so the M steps of an epoch add up to
 * the full negative ELBO (Graves 2011; Blundell et al. 2015, eq. 8).
 */
export function perMinibatch(): KLWeighting {
  return {
    name: 'perMinibatch',
    reduction: 'sum',
    describe: 'Minimises the batch-sum NLL + KL / M (M minibatches per epoch), so an epoch sums to the negative ELBO (Graves 2011).',
    weight(position: TrainingPosition): number {
      return 1 / requireTrainingPosition('klWeighting.perMinibatch', position).numBatches;
    },
    toJSON: (): KLWeightingSpec => ({ name: 'perMinibatch', config: {} }),
  };
}

/**
 * Blundell et al. (2015), section 3.4: π_i = 2^(M−i) / (2^M − 1) for minibatch i = batchIndex + 1 of
 * M = numBatches, with the likelihood summed over the batch. The weights sum to 1 over an epoch
 * (π_1 ≈ ½), so early batches carry most of the KL. Computed as 2^(−i) / (1 − 2^(−M)), which stays
 * finite for any M (2^M overflows float32 for M > 127 and float64 for M > 1023).
 */
export function blundell(): KLWeighting {
  return {
    name: 'blundell',
    reduction: 'sum',
    describe:
      'Minimises the batch-sum NLL + π_i KL with π_i = 2^(M−i)/(2^M−1), summing to the negative ELBO over an epoch (Blundell et al. 2015).',
    weight(position: TrainingPosition): number {
      const { batchIndex, numBatches } = requireTrainingPosition('klWeighting.blundell', position);
      const i = batchIndex + 1;
      return Math.pow(2, -i) / -Math.expm1(-numBatches * Math.LN2);
    },
    toJSON: (): KLWeightingSpec => ({ name: 'blundell', config: {} }),
  };
}

/**
 * A constant KL weight β at every step: the objective NLL + β·KL (β-VAE style). With β = 1 and a
 * batch-sum likelihood over the whole data set this is the plain negative ELBO.
 *
 * @param beta finite number ≥ 0.
 */
export function constant(beta: number): KLWeighting {
  requireNonNegative('klWeighting.constant', 'beta', beta);
  return {
    name: 'constant',
    describe: `Minimises NLL + ${beta} · KL at every step.`,
    weight(position: TrainingPosition): number {
      requireTrainingPosition('klWeighting.constant', position);
      return beta;
    },
    toJSON: (): KLWeightingSpec => ({ name: 'constant', config: { beta } }),
  };
}

registerKLWeighting('perExample', (config) => perExample(optionalNumber(config, 'datasetSize')));
registerKLWeighting('perMinibatch', () => perMinibatch());
registerKLWeighting('blundell', () => blundell());
registerKLWeighting('constant', (config) => constant(requireFinite('klWeightingFromJSON', 'config.beta', config.beta)));
