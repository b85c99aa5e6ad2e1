/**
 * Tempering, in its two conventions, named apart: a tempered likelihood scales the whole KL; a
 * tempered posterior (Wenzel et al. 2020) scales only the entropy of q.
 */
import { requirePositive } from '../../src/validate.js';
import { requireTrainingPosition, type TrainingPosition } from '../position.js';
import { type KLTermWeights, type KLWeighting, type KLWeightingSpec, registerKLWeighting } from './kl-weighting.js';

/**
 * Tempered likelihood: the objective E_q[NLL] + T·KL(q‖p), the usual "KL weight" (the posterior of
 * the likelihood raised to 1/T, p(y|w)^(1/T) p(w), up to the factor T). T = 1 is the plain ELBO;
 * T < 1 trusts the data more. Combine with the dataset scaling: `product(perExample(), temperedLikelihood(T))`.
 *
 * @param temperature T, a finite number > 0.
 */
export function temperedLikelihood(temperature: number): KLWeighting {
  requirePositive('klWeighting.temperedLikelihood', 'temperature', temperature);
  return {
    name: 'temperedLikelihood',
    describe: `Minimises E_q[NLL] + ${temperature} · KL(q‖p) (likelihood tempered to the power 1/${temperature}).`,
    weight(position: TrainingPosition): number {
      requireTrainingPosition('klWeighting.temperedLikelihood', position);
      return temperature;
    },
    toJSON: (): KLWeightingSpec => ({ name: 'temperedLikelihood', config: { temperature } }),
  };
}

/**
 * Tempered posterior as Wenzel et al. (2020, "How good is the Bayes posterior in deep neural
 * networks really?") define it: p_T(w | D) ∝ exp(−U(w)/T) with U = Σ NLL − log p(w). For a
 * mean-field q the variational objective T·KL(q ‖ p_T) is, up to a constant,
 * E_q[NLL] − E_q[log p(w)] − T·H(q): the likelihood and the prior cross-entropy keep weight 1 and
 * only the entropy is scaled by T. It is not a multiple of the KL, so it reports two weights
 * (`termWeights`: crossEntropy 1, entropy T); the ELBO then needs each layer's entropy. T = 1 is the
 * plain ELBO; T < 1 is a "cold" posterior.
 *
 * @param temperature T, a finite number > 0.
 */
export function temperedPosterior(temperature: number): KLWeighting {
  requirePositive('klWeighting.temperedPosterior', 'temperature', temperature);
  const termWeights = (position: TrainingPosition): KLTermWeights => {
    requireTrainingPosition('klWeighting.temperedPosterior', position);
    return { crossEntropy: 1, entropy: temperature };
  };
  return {
    name: 'temperedPosterior',
    describe: `Minimises E_q[NLL] − E_q[log p(w)] − ${temperature} · H(q), i.e. fits q to the posterior at temperature ${temperature} (Wenzel et al. 2020).`,
    weight: (position: TrainingPosition): number => termWeights(position).crossEntropy,
    termWeights,
    toJSON: (): KLWeightingSpec => ({ name: 'temperedPosterior', config: { temperature } }),
  };
}

registerKLWeighting('temperedLikelihood', (config) => temperedLikelihood(config.temperature as number));
registerKLWeighting('temperedPosterior', (config) => temperedPosterior(config.temperature as number));
