/**
 * The `segment` options that name library objects: the prior spec and the loss. The CLI only maps
 * names to the constructors of `layers/priors` and `inference/likelihoods`.
 */
import {
  bernoulli,
  diceCrossEntropy,
  focal,
  ohem,
  softDice,
  weightedBernoulli,
  type Likelihood,
  type SegmentationLoss,
} from '../../inference/likelihoods/index.js';
import { PHANTOM_SEGMENTATION_RECIPE } from '../../inference/segmentation/recipe.js';
import { priors, type PriorSpec } from '../../layers/index.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** Blundell et al. (2015)'s scale-mixture prior used by `scale-mixture` without parameters: π = ½, σ1 = e^0, σ2 = e^−6. */
const DEFAULT_SCALE_MIXTURE = { pi: 0.5, scale1: 1, scale2: Math.exp(-6) } as const;

const PRIOR_EXPECTED =
  "'normal', 'normal:SCALE', 'scale-mixture' or 'scale-mixture:PI,SCALE1,SCALE2' (e.g. normal:0.1, scale-mixture:0.5,1,0.0025)";

/**
 * Parses `--prior`: `normal[:scale]` → N(0, scale²) (default scale 1); `scale-mixture[:pi,scale1,scale2]`
 * → π N(0, σ1²) + (1 − π) N(0, σ2²) (default `DEFAULT_SCALE_MIXTURE`).
 * @throws InvalidArgumentError naming `--prior` for anything else (the prior constructors check the ranges).
 */
export function parsePrior(text: string, where: string): PriorSpec {
  const [kind, parameters] = text.includes(':') ? [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)] : [text, undefined];
  const numbers = parameters === undefined ? [] : parameters.split(',').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (numbers.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError(where, '--prior', text, PRIOR_EXPECTED);
  if (kind === 'normal' && numbers.length <= 1) return priors.normal({ scale: numbers[0] ?? 1 });
  if (kind === 'scale-mixture' && numbers.length === 0) return priors.scaleMixture(DEFAULT_SCALE_MIXTURE);
  if (kind === 'scale-mixture' && numbers.length === 3)
    return priors.scaleMixture({ pi: numbers[0], scale1: numbers[1], scale2: numbers[2] });
  throw new InvalidArgumentError(where, '--prior', text, PRIOR_EXPECTED);
}

/** Largest positive-class weight `weighted-bce` uses, so an almost empty mask does not make the loss explode. */
export const MAX_POSITIVE_WEIGHT = 1000;

/**
 * The likelihood of `--loss`:
 * `bce` → `bernoulli()`; `weighted-bce` → `weightedBernoulli` with w = negatives/positives of the
 * training masks (capped at `MAX_POSITIVE_WEIGHT`); `focal` → `focal()` (γ = 2, α = 0.25, Lin 2017);
 * `ohem` → `ohem()` (all positives and the 3× hardest negatives); `dice` → `softDice()` (per image);
 * `dice-ce` → `diceCrossEntropy` with the phantom recipe's settings (per-image cross-entropy with
 * positive weight 10 plus soft Dice, the nnU-Net combination).
 * @param positiveFraction fraction of foreground voxels in the training masks.
 */
export function lossFor(name: string, positiveFraction: number): Likelihood | SegmentationLoss {
  switch (name) {
    case 'dice-ce':
      return diceCrossEntropy(PHANTOM_SEGMENTATION_RECIPE.loss);
    case 'bce':
      return bernoulli();
    case 'weighted-bce': {
      const weight = positiveFraction > 0 ? Math.min(MAX_POSITIVE_WEIGHT, (1 - positiveFraction) / positiveFraction) : MAX_POSITIVE_WEIGHT;
      return weightedBernoulli({ positiveWeight: weight });
    }
    case 'focal':
      return focal();
    case 'ohem':
      return ohem();
    case 'dice':
      return softDice();
    default:
      throw new InvalidArgumentError('tfjs-bnn segment', '--loss', name, 'one of dice-ce, bce, weighted-bce, focal, ohem, dice');
  }
}
