/**
 * One training step of `fit` as a pure function of what changes between steps (the form
 * `compiled-step.ts` traces into a graph): the batch, the KL weights as fed scalars, −α, the
 * weights (read by the model), multi-tensor Adam's state and, through the noise scopes, the
 * draws. It returns what the step reads and the new state, and changes nothing.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdamState, MultiTensorAdam } from '../../src/optimizers/multi-tensor-adam.js';
import type { NoiseSource } from '../../src/random/noise-source.js';
import type { Elbo } from '../elbo/elbo.js';
import { disposeElboTerms, reportTensors, type ElboTerms, type FedKLWeights, type StepKLWeights } from '../elbo/terms.js';
import type { TrainingPosition } from '../position.js';
import { clippedGradients, gradientCheck, packedStepValues, type StepClipping } from './step.js';

/** What a pure step reads: everything that may change between steps. */
export interface StepInputs {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly fed: FedKLWeights | undefined;
  readonly negativeLearningRate: tf.Scalar;
  readonly adam: AdamState;
}

/** What a pure step returns; the caller owns every tensor. */
export interface StepOutputs {
  /** Report scalars, each gradient's squared norm, the global norm. */
  readonly packed: tf.Tensor1D;
  /** New values of the trained variables, in their order. */
  readonly variables: tf.Tensor[];
  readonly adam: AdamState;
}

/** The outputs in graph order: packed values, new variables, first and second moments, β powers. */
export function outputTensors(outputs: StepOutputs): tf.Tensor[] {
  const { first, second, accBeta1, accBeta2 } = outputs.adam;
  return [outputs.packed, ...outputs.variables, first, second, accBeta1, accBeta2];
}

/** `outputTensors`' inverse. */
export function outputsOf(tensors: tf.Tensor[]): StepOutputs {
  const [packed, ...rest] = tensors;
  const variables = rest.slice(0, rest.length - 4);
  const [first, second, accBeta1, accBeta2] = rest.slice(rest.length - 4);
  return {
    packed: packed as tf.Tensor1D,
    variables,
    adam: { first: first as tf.Tensor1D, second: second as tf.Tensor1D, accBeta1: accBeta1 as tf.Scalar, accBeta2: accBeta2 as tf.Scalar },
  };
}

/** The numbers of a step's report that are not read from the device: KL weights and N in the count unit. */
export type ReportNumbers = StepKLWeights & { readonly datasetSize: number };

/** What a pure step works with: the run's ELBO, trained variables (in Adam's slot order) and their names, noise, clipping and Adam. */
export interface PureStepContext {
  readonly elbo: Elbo;
  readonly variables: tf.Variable[];
  readonly names: readonly string[];
  readonly noise: NoiseSource;
  readonly clipping: StepClipping;
  readonly adam: MultiTensorAdam;
}

/**
 * The step computed eagerly without changing anything: the ELBO's gradients, the gradient check,
 * clipping, the packed values and Adam's next state — `trainingStep`'s kernels, in its order. Also
 * returns the report's numbers and the count unit's factor (elements per example, 1 for images).
 * Disposes everything it makes except the outputs (caller owns them).
 */
export function pureTrainingStep(
  context: PureStepContext,
  inputs: StepInputs,
  position: TrainingPosition,
): { outputs: StepOutputs; weights: ReportNumbers; unitFactor: number } {
  const { elbo, variables, noise, clipping, adam, names } = context;
  let terms: ElboTerms | null = null;
  const { value, grads } = adam.computeGradients(() => {
    terms = elbo.terms(inputs.x, inputs.y, position, noise, inputs.fed);
    return terms.loss;
  }, variables);
  const madeTerms = terms as ElboTerms | null;
  let toApply: tf.NamedTensorMap = grads;
  try {
    if (madeTerms === null) throw new TypeError('fit: the ELBO returned no terms.');
    const missing = names.find((name) => grads[name] === undefined);
    if (missing !== undefined) throw new TypeError(`fit (compile): variable '${missing}' got no gradient.`);
    const { squares, norm } = gradientCheck(names, grads);
    toApply = clippedGradients(grads, norm, clipping);
    const packed = packedStepValues(reportTensors(madeTerms), squares, norm);
    tf.dispose([squares, norm]);
    const next = adam.nextState(
      inputs.adam,
      variables,
      names.map((name) => toApply[name]),
      inputs.negativeLearningRate,
    );
    const weights: ReportNumbers = {
      layerWeights: madeTerms.layerWeights,
      klWeight: madeTerms.klWeight,
      entropyWeight: madeTerms.entropyWeight,
      datasetSize: madeTerms.datasetSize,
    };
    return {
      outputs: { packed, variables: next.variables, adam: next.state },
      weights,
      unitFactor: madeTerms.datasetSize / position.datasetSize,
    };
  } finally {
    value.dispose();
    if (madeTerms !== null) disposeElboTerms(madeTerms);
    tf.dispose(Object.values(grads));
    if (toApply !== grads) tf.dispose(Object.values(toApply));
  }
}
