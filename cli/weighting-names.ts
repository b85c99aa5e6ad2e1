/**
 * The KL weighting names the command line understands, and the check that a bare word is one of
 * them, as plain data with no TensorFlow.js import: run commands call it before loading the library,
 * so a typo is answered at once.
 */
import { InvalidArgumentError } from '../src/errors.js';
import { closestName } from './closest-name.js';

/** The names understood besides expressions (`tempered:T` and `warmup[:E]` take a parameter). */
const WEIGHTING_NAMES = ['perExample', 'perMinibatch', 'blundell', 'tempered:T', 'warmup[:E]'] as const;

/**
 * Bare words that are expressions: the training-position fields and the constants of
 * `klWeighting.expression` (a test keeps this list equal to `TRAINING_POSITION_FIELDS` + `EXPRESSION_CONSTANTS`).
 */
export const EXPRESSION_WORDS = ['epoch', 'step', 'batchIndex', 'numBatches', 'datasetSize', 'pi', 'e'] as const;

/**
 * Throws `InvalidArgumentError` when `text` is a bare word that is neither a weighting name nor an
 * expression word: a typo of a name, reported with the known names first and the closest one.
 * Anything else (names with parameters, formulas) passes to the full resolution.
 */
export function checkWeightingWord(text: string, where: string, argument: string): void {
  const word = text.trim();
  if (!/^[A-Za-z_][\w-]*$/.test(word) || (EXPRESSION_WORDS as readonly string[]).includes(word)) return;
  const names = WEIGHTING_NAMES.map((name) => name.replace(/[:[].*$/, ''));
  if (names.includes(word)) return;
  const suggestion = closestName(word, names);
  const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
  throw new InvalidArgumentError(
    where,
    argument,
    text,
    `a weighting name, one of ${WEIGHTING_NAMES.join(', ')}${hint}, or a mathjs expression of ${EXPRESSION_WORDS.join(', ')}`,
  );
}
