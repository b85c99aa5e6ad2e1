/**
 * The ELBO composer: `new Elbo(model, {likelihood, klWeighting, particles, reduction, countUnit})`.
 * `terms` gives the differentiable scalars (likelihood term and weighted KL term apart), `report`
 * the plain numbers, `lossAndReport` both for a gradient closure, `term` a single scalar.
 */
export { Elbo, type ElboTermName } from './elbo.js';
export {
  type ElboOptions,
  type ResolvedElboOptions,
  type Reduction,
  type CountUnit,
  REDUCTIONS,
  COUNT_UNITS,
  DEFAULT_PARTICLES,
  DEFAULT_REDUCTION,
  DEFAULT_COUNT_UNIT,
} from './options.js';
export {
  type ElboTerms,
  type ElboReport,
  type LayerReport,
  type LayerWeights,
  type StepKLWeights,
  type FedKLWeights,
  klWeightScalars,
  disposeElboTerms,
  readElboReport,
  reportTensors,
  elboReportFromValues,
} from './terms.js';
export { type KLLayer, posteriorEntropy, weightedPriorTerm } from './prior-term.js';
export { reducedNll, type ReducedNll } from './reduce.js';
