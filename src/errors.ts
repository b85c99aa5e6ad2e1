/**
 * Typed errors raised at every public boundary of tfjs-bnn.
 *
 * Every message names the function, the argument, the value received and what
 * was expected, so that the first line of a stack trace says what to fix.
 */

/** Base class of every error tfjs-bnn throws on purpose. */
export class BnnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A hyperparameter or option is out of range, non-finite or of the wrong kind. */
export class InvalidArgumentError extends BnnError {
  /**
   * @param where function or constructor that rejected the value, e.g. `'Normal'`.
   * @param argument name of the argument, e.g. `'scale'`.
   * @param received the offending value (rendered with `describeValue`).
   * @param expected what would have been accepted, e.g. `'a finite number > 0'`.
   */
  constructor(
    readonly where: string,
    readonly argument: string,
    readonly received: unknown,
    readonly expected: string,
  ) {
    super(`${where}: argument '${argument}' was ${describeValue(received)}; expected ${expected}.`);
  }
}

/** A tensor has the wrong rank or shape. */
export class ShapeError extends BnnError {
  constructor(
    readonly where: string,
    readonly argument: string,
    readonly receivedShape: readonly number[],
    readonly expected: string,
  ) {
    super(`${where}: '${argument}' has shape [${receivedShape.join(', ')}]; expected ${expected}.`);
  }
}

/** A tensor has the wrong dtype. */
export class DtypeError extends BnnError {
  constructor(
    readonly where: string,
    readonly argument: string,
    readonly receivedDtype: string,
    readonly expected: string,
  ) {
    super(`${where}: '${argument}' has dtype ${receivedDtype}; expected ${expected}.`);
  }
}

/** A stochastic computation ran without a noise source (see `withNoise`). */
export class NoiseSourceError extends BnnError {}

/** No KL divergence is known for a pair of distribution classes. */
export class KLNotAvailableError extends BnnError {
  constructor(
    readonly qClass: string,
    readonly pClass: string,
  ) {
    super(
      `klDivergence: no closed form is registered for KL(${qClass} || ${pClass}) and no sample was given ` +
        `for a Monte Carlo estimate; register one with registerKL(${qClass}, ${pClass}, fn) or pass {sample}.`,
    );
  }
}

/**
 * Two copies of tfjs are loaded, and tfjs-bnn was given objects of the other one (a layer built by
 * one tfjs and applied by another). `paths` are the two resolved tfjs-core locations when known.
 */
export class DuplicateTfjsError extends BnnError {
  constructor(
    readonly where: string,
    readonly paths: readonly string[],
  ) {
    super(
      `${where}: two copies of TensorFlow.js are loaded${paths.length > 0 ? ` (${paths.join(' and ')})` : ''}; tfjs-bnn and your code must use one. ` +
        `Fix: make @tensorflow/tfjs resolve to one copy — run 'npm dedupe', install tfjs-bnn with 'npm install --install-links <path>' ` +
        `instead of a linked folder, or use the same @tensorflow/tfjs version as tfjs-bnn's peer range (^4.22.0).`,
    );
  }
}

/** A KL function is already registered for this pair of classes. */
export class DuplicateKLError extends BnnError {
  constructor(
    readonly qClass: string,
    readonly pClass: string,
  ) {
    super(`registerKL: KL(${qClass} || ${pClass}) is already registered; each pair may be registered once.`);
  }
}

/** A requested backend cannot be loaded. */
export class BackendUnavailableError extends BnnError {}

/** A loss, gradient or output contains NaN or ±Inf where finite numbers are required. */
export class NonFiniteError extends BnnError {}

/** A file could not be read or written in the expected format. */
export class FormatError extends BnnError {}

/** One setting that differs between a checkpoint and the run resuming it. */
export interface ResumeDifference {
  /** Dotted name of the setting, e.g. `'batchSize'` or `'layers[2].name'`. */
  readonly field: string;
  /** The value recorded in the checkpoint. */
  readonly checkpoint: unknown;
  /** The value of the resuming run. */
  readonly current: unknown;
}

/**
 * A run resumes from a checkpoint written with other settings that exactness depends on (batch
 * size, data-set size, KL weighting, layers, estimator, seed, optimizer, …); `differences` lists
 * each one. Pass `checkpoint: {force: true}` to `fit` to continue anyway (no longer a bit-identical run).
 */
export class ResumeMismatchError extends BnnError {
  constructor(
    readonly where: string,
    readonly source: string,
    readonly differences: readonly ResumeDifference[],
  ) {
    super(
      `${where}: the checkpoint in ${source} was written by a run with other settings, so resuming would not continue it exactly: ` +
        differences.map((d) => `${d.field} was ${describeValue(d.checkpoint)}, is now ${describeValue(d.current)}`).join('; ') +
        '. Resume with the original settings, start a fresh run, or pass checkpoint.force: true (CLI: --force) to continue with the new settings.',
    );
  }
}

/**
 * The ELBO's likelihood reduction contradicts what its KL weighting is defined for (e.g. a batch-sum
 * likelihood with `perExample`'s 1/N): the likelihood and the KL are then weighted B× apart.
 */
export class ReductionMismatchError extends BnnError {
  constructor(
    readonly where: string,
    readonly reduction: string,
    readonly weightingReduction: string,
    readonly weighting: string,
    consequence: string,
  ) {
    super(
      `${where}: argument 'reduction' was "${reduction}"; the KL weighting ${weighting} is defined for "${weightingReduction}". ${consequence}`,
    );
  }
}

/** Renders a value for an error message: numbers exactly, strings quoted, arrays and objects shortened. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map(describeValue).join(', ');
    return `[${shown}${value.length > 8 ? ', …' : ''}]`;
  }
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  const ctor = (value as object).constructor?.name;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined && json.length <= 120) return ctor && ctor !== 'Object' ? `${ctor} ${json}` : json;
  } catch {
    // Cyclic or exotic objects fall through to the class name.
  }
  return ctor ? `a ${ctor}` : 'an object';
}
