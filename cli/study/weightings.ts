/**
 * The KL weightings the CLI accepts by name, mapped onto `inference/kl-weighting` and paired with
 * the likelihood reduction each assumes (per-example scalings with the batch mean, per-minibatch
 * ones with the batch sum; see `ElboOptions.reduction`). Anything else is a mathjs expression.
 */
import { klWeighting, type KLWeighting } from '../../inference/index.js';
import { checkWeightingWord } from '../weighting-names.js';
import type { Reduction } from '../../inference/elbo/index.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** A weighting ready for the ELBO. */
export interface NamedWeighting {
  /** The name or expression as given. */
  readonly label: string;
  readonly weighting: KLWeighting;
  readonly reduction: Reduction;
}

/**
 * Resolves a weighting name or expression.
 * - `perExample`: KL/N per step, batch-mean likelihood (TFP's convention);
 * - `perMinibatch`: KL/M per step, batch-sum likelihood (Graves 2011);
 * - `blundell`: π_i = 2^(M−i)/(2^M − 1), batch-sum likelihood (Blundell 2015);
 * - `tempered:T`: T·KL/N (tempered likelihood), batch mean;
 * - `warmup` / `warmup:E`: KL/N times a linear warm-up from 0 to 1 over E epochs (default ⌈epochs/2⌉), batch mean;
 * - anything else: `klWeighting.expression(text)` of epoch, step, batchIndex, numBatches, datasetSize,
 *   with the batch-mean likelihood (so `1/datasetSize` equals `perExample`).
 * @param epochs the run's epochs (for the default warm-up length).
 * @throws InvalidArgumentError naming `where` and the argument for a bad parameter or expression.
 */
export function resolveWeighting(text: string, epochs: number, where: string, argument: string): NamedWeighting {
  const [name, parameter] = text.includes(':') ? [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)] : [text, undefined];
  const number = (expected: string): number => {
    const value = Number(parameter);
    if (parameter === undefined || parameter.trim() === '' || !Number.isFinite(value) || value <= 0)
      throw new InvalidArgumentError(where, argument, text, expected);
    return value;
  };
  switch (name) {
    case 'perExample':
      return { label: text, weighting: klWeighting.perExample(), reduction: 'mean' };
    case 'perMinibatch':
      return { label: text, weighting: klWeighting.perMinibatch(), reduction: 'sum' };
    case 'blundell':
      return { label: text, weighting: klWeighting.blundell(), reduction: 'sum' };
    case 'tempered':
      return {
        label: text,
        weighting: klWeighting.product(
          klWeighting.perExample(),
          klWeighting.temperedLikelihood(number("'tempered:T' with a temperature T > 0, e.g. tempered:0.1")),
        ),
        reduction: 'mean',
      };
    case 'warmup': {
      const warmupEpochs =
        parameter === undefined ? Math.max(1, Math.ceil(epochs / 2)) : number("'warmup:E' with E > 0 warm-up epochs, e.g. warmup:10");
      return {
        label: text,
        weighting: klWeighting.product(klWeighting.perExample(), klWeighting.linearWarmup({ epochs: warmupEpochs })),
        reduction: 'mean',
      };
    }
    default:
      checkWeightingWord(text, where, argument);
      return { label: text, weighting: klWeighting.expression(text), reduction: 'mean' };
  }
}
