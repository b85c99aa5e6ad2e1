/**
 * The ELBO composer: one particle loop that runs the stochastic forward passes, applies the
 * likelihood with its reduction, and adds each layer's KL with its weight at the training position.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { NoiseSource } from '../../src/random/noise-source.js';
import { withNoise } from '../../src/random/noise-scope.js';
import { variationalLayers, type ModelOrLayer } from '../../layers/model-walk.js';
import { klTermWeights } from '../kl-weighting/kl-weighting.js';
import { type Likelihood, type SegmentationLoss, isSegmentationLoss } from '../likelihoods/likelihood.js';
import { requireTrainingPosition, type TrainingPosition } from '../position.js';
import { type ResolvedElboOptions, type ElboOptions, resolveElboOptions } from './options.js';
import { weightedPriorTerm, type KLLayer } from './prior-term.js';
import { reducedNll } from './reduce.js';
import { type ElboReport, type ElboTerms, type FedKLWeights, type StepKLWeights, disposeElboTerms, readElboReport } from './terms.js';

/** Checks the arguments of one ELBO evaluation at the boundary. */
function requireInputs(where: string, x: unknown, y: unknown, position: unknown, noise: unknown): void {
  if (!(x instanceof tf.Tensor)) throw new InvalidArgumentError(where, 'x', x, 'a tf.Tensor (batch first)');
  if (!(y instanceof tf.Tensor)) throw new InvalidArgumentError(where, 'y', y, 'a tf.Tensor (batch first)');
  if (x.rank < 1 || x.shape[0] < 1) throw new ShapeError(where, 'x', x.shape, 'batch first with at least one example');
  if (y.rank < 1 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(where, 'y', y.shape, `the batch size of 'x' (${x.shape[0]}) on its first axis`);
  }
  requireTrainingPosition(where, position);
  if (!(noise instanceof NoiseSource)) throw new InvalidArgumentError(where, 'noise', noise, 'a NoiseSource');
}

/**
 * The prior term of a likelihood's own parameters (e.g. a learned noise scale with a prior on log σ):
 * −log p(θ) times the model-wide KL weight (a number, or its fed scalar), so it is scaled like the
 * layers' KL. 0 when it has none.
 */
function likelihoodPriorTerm(likelihood: Likelihood | SegmentationLoss, modelWideWeight: number | tf.Scalar | undefined): tf.Scalar {
  if (isSegmentationLoss(likelihood) || likelihood.priorNegativeLogProb === undefined || modelWideWeight === undefined) return tf.scalar(0);
  return tf.mul(modelWideWeight, likelihood.priorNegativeLogProb()) as tf.Scalar;
}

/**
 * The tfjs weight-regularizer losses of `model` (`kernelRegularizer`, `biasRegularizer` of its
 * layers, as `model.fit` adds them): e.g. the L2 weight decay of MC dropout (Gal & Ghahramani
 * 2016). Each is already scaled by its own coefficient, so it is added as is (not KL-weighted), once
 * per step (the weights do not depend on the particle). Empty when no layer has a regularizer.
 */
function regularizerLosses(model: ModelOrLayer): tf.Scalar[] {
  return model.calculateLosses() as tf.Scalar[];
}

/** Which differentiable scalar `Elbo.term` returns. */
export type ElboTermName = 'loss' | 'likelihood' | 'kl';

/**
 * The (negative) evidence lower bound of a model with variational layers, per training step:
 *
 *   loss = (1/P) Σ_p [ NLL_p + Σ_layers (w_l · KL_l,p + (w_l − w^H_l) · H_l) ]
 *
 * where particle p is the forward pass run in `withNoise(noise, {step: position.step, particle: p})`,
 * NLL_p the likelihood reduced by `reduction`/`countUnit`, w_l = `klWeighting` at `position` for
 * layer l, and the entropy H_l enters only for two-part weightings (tempered posteriors, w^H ≠ w).
 * The prior term (`klTerm`) also holds the likelihood's own prior, if any, and the tfjs weight
 * regularizers of the model's layers (`kernelRegularizer: tf.regularizers.l2(...)`, as `model.fit`
 * adds them; the weight decay of MC dropout), each with its own coefficient.
 * Each KL is read from its layer inside the particle's noise scope (Monte Carlo KLs replay it).
 * The model runs with `{training: true}`.
 *
 * Holds no tensors; the model stays the caller's.
 *
 * @example
 * const elbo = new Elbo(model, {likelihood: categorical(), klWeighting: klWeighting.perExample()});
 * let terms: ElboTerms | undefined;
 * const {value, grads} = tf.variableGrads(() => (terms = elbo.terms(x, y, position, noise)).loss);
 * optimizer.applyGradients(grads); tf.dispose(grads);
 * const report = elbo.report(terms!); // reads the numbers, disposes every term (value included)
 */
export class Elbo {
  private readonly options: ResolvedElboOptions;

  /**
   * @param model a tf.LayersModel (or a single layer) whose variational layers carry the KL;
   *   `model.apply(x, {training: true})` must return one tensor.
   * @param options see `ElboOptions`.
   */
  constructor(
    readonly model: ModelOrLayer,
    options: ElboOptions,
  ) {
    if (!(model instanceof tf.layers.Layer)) {
      throw new InvalidArgumentError('Elbo', 'model', model, 'a tf.LayersModel, tf.Sequential or tf.layers.Layer');
    }
    this.options = resolveElboOptions(options);
  }

  /** Validated options with their defaults. */
  get settings(): ResolvedElboOptions {
    return this.options;
  }

  /** One sentence per part: the likelihood and the KL weighting this ELBO combines. */
  get describe(): string {
    const { likelihood, klWeighting, particles, reduction, countUnit } = this.options;
    return `${likelihood.describe} Reduced by batch ${reduction} (N counts ${countUnit}), ${particles} particle(s). ${klWeighting.describe}`;
  }

  /**
   * Runs the particle loop on a batch and returns the differentiable terms. Every returned tensor is
   * `tf.keep`-marked and owned by the caller: release them with `report(terms)` or
   * `disposeElboTerms(terms)`. Safe to call inside `tf.variableGrads`/`optimizer.computeGradients`
   * (return `terms.loss`, `terms.likelihoodTerm` or `terms.klTerm`).
   *
   * @param x model input, batch first.
   * @param y targets, batch first, as the likelihood expects them.
   * @param position training position (its `step` is the noise step, particle p the noise particle).
   * @param noise the run's noise source.
   * @param fed the KL weights as scalar tensors, used in place of the numbers (a compiled training
   *   step feeds them as graph inputs); they must hold `klWeightScalars(elbo.klWeightsAt(...))` at
   *   this position. They stay the caller's.
   */
  terms(x: tf.Tensor, y: tf.Tensor, position: TrainingPosition, noise: NoiseSource, fed?: FedKLWeights): ElboTerms {
    requireInputs('Elbo.terms', x, y, position, noise);
    const terms = this.compute(x, y, position, noise, fed);
    for (const tensor of [terms.loss, terms.likelihoodTerm, terms.klTerm, terms.kl, ...terms.perLayerKL]) tf.keep(tensor);
    return terms;
  }

  /** The one particle loop. Tensors returned are new; intermediates are disposed. */
  /**
   * The KL weights at `scaled`, a position whose `datasetSize` is already in the count unit
   * (`terms.datasetSize`): each layer's, and the model-wide ones. Plain numbers, no tensors.
   */
  klWeightsAt(scaled: TrainingPosition): StepKLWeights {
    const { klWeighting } = this.options;
    const layerWeights = variationalLayers(this.model).map((layer) => {
      const weights = klTermWeights(klWeighting, scaled, { name: layer.name });
      return { name: layer.name, klWeight: weights.crossEntropy, entropyWeight: weights.entropy };
    });
    const modelWide = klTermWeights(klWeighting, scaled);
    return { layerWeights, klWeight: modelWide.crossEntropy, entropyWeight: modelWide.entropy };
  }

  private compute(x: tf.Tensor, y: tf.Tensor, position: TrainingPosition, noise: NoiseSource, fed?: FedKLWeights): ElboTerms {
    const { likelihood, particles, reduction, countUnit } = this.options;
    const layers: KLLayer[] = variationalLayers(this.model);
    /** The step's KL weights, from the first particle (N in the count unit needs its output). */
    let stepWeights: (StepKLWeights & { readonly datasetSize: number }) | null = null;
    const tensors = tf.tidy(() => {
      const nlls: tf.Scalar[] = [];
      const priorTerms: tf.Scalar[] = [];
      const kls: tf.Scalar[][] = [];
      for (let particle = 0; particle < particles; particle++) {
        withNoise(noise, { step: position.step, particle }, () => {
          const output = this.model.apply(x, { training: true });
          if (!(output instanceof tf.Tensor)) {
            throw new InvalidArgumentError('Elbo.terms', 'model output', output, 'a single tf.Tensor (one output)');
          }
          const { nll, elementsPerExample } = reducedNll(likelihood, y, output, reduction, countUnit);
          if (stepWeights === null) {
            const datasetSize = countUnit === 'voxels' ? position.datasetSize * elementsPerExample : position.datasetSize;
            stepWeights = { ...this.klWeightsAt({ ...position, datasetSize }), datasetSize };
          }
          const { layerWeights } = stepWeights;
          const layerKL = layers.map((layer) => layer.kl());
          const weighted = layers.map((layer, l) =>
            weightedPriorTerm(
              layer,
              layerKL[l],
              { crossEntropy: layerWeights[l].klWeight, entropy: layerWeights[l].entropyWeight },
              fed === undefined ? undefined : { crossEntropy: fed.perLayer[l], entropyGap: fed.entropyGap[l] },
            ),
          );
          nlls.push(nll);
          kls.push(layerKL);
          priorTerms.push((weighted.length === 0 ? tf.scalar(0) : tf.addN(weighted)) as tf.Scalar);
        });
      }
      // One particle (the usual case): the mean is the value itself (x / 1 = x exactly), with no kernels.
      const mean = (values: tf.Scalar[]): tf.Scalar =>
        values.length === 1 ? values[0] : (tf.div(tf.addN(values), particles) as tf.Scalar);
      const likelihoodTerm = mean(nlls);
      // Undefined only without particles (an error below).
      const modelWideWeight = fed?.modelWide ?? (stepWeights as StepKLWeights | null)?.klWeight;
      // Without weight regularizers (every Bayes-by-Backprop model) no zero term is added: one kernel fewer per step.
      const klTerm = tf.addN([
        mean(priorTerms),
        likelihoodPriorTerm(likelihood, modelWideWeight),
        ...regularizerLosses(this.model),
      ]) as tf.Scalar;
      const perLayerKL = layers.map((_, l) => mean(kls.map((k) => k[l])));
      const kl = (perLayerKL.length === 0 ? tf.scalar(0) : tf.addN(perLayerKL)) as tf.Scalar;
      return { loss: tf.add(likelihoodTerm, klTerm) as tf.Scalar, likelihoodTerm, klTerm, kl, perLayerKL };
    });
    const weights = stepWeights as (StepKLWeights & { readonly datasetSize: number }) | null;
    if (weights === null) throw new InvalidArgumentError('Elbo.terms', 'particles', particles, 'an integer ≥ 1');
    const { layerWeights, klWeight, entropyWeight, datasetSize } = weights;
    return { ...tensors, layerWeights: [...layerWeights], klWeight, entropyWeight, datasetSize };
  }

  /**
   * Reads the plain numbers of `terms` (one transfer) and disposes every tensor in it, including
   * `terms.loss` (so also the `value` that `tf.variableGrads` returned for it). Call it after the
   * gradients are taken.
   */
  report(terms: ElboTerms): ElboReport {
    try {
      return readElboReport(terms, this.options);
    } finally {
      disposeElboTerms(terms);
    }
  }

  /**
   * The differentiable loss and its report in one call, for use inside a gradient closure: the report
   * is read synchronously there and every other term is disposed. The caller owns `loss` (return it
   * from the closure; dispose the `value` the gradient function gives back).
   *
   * @example
   * let report!: ElboReport;
   * const {value, grads} = optimizer.computeGradients(() => { const r = elbo.lossAndReport(x, y, p, noise); report = r.report; return r.loss; });
   */
  lossAndReport(x: tf.Tensor, y: tf.Tensor, position: TrainingPosition, noise: NoiseSource): { loss: tf.Scalar; report: ElboReport } {
    const terms = this.terms(x, y, position, noise);
    const report = readElboReport(terms, this.options);
    tf.dispose([terms.likelihoodTerm, terms.klTerm, terms.kl, ...terms.perLayerKL]);
    return { loss: terms.loss, report };
  }

  /**
   * Only one differentiable scalar of the ELBO: `'loss'`, `'likelihood'` (the reduced NLL) or
   * `'kl'` (the weighted prior term). Same particle loop and noise as `terms`, so the gradients of
   * `'likelihood'` and `'kl'` taken in two calls at the same position are on the same sample and
   * add up to the gradient of `'loss'`. Caller owns the scalar (not `tf.keep`-marked).
   */
  term(which: ElboTermName, x: tf.Tensor, y: tf.Tensor, position: TrainingPosition, noise: NoiseSource): tf.Scalar {
    const key = { loss: 'loss', likelihood: 'likelihoodTerm', kl: 'klTerm' } as const;
    if (typeof which !== 'string' || !Object.hasOwn(key, which)) {
      throw new InvalidArgumentError('Elbo.term', 'which', which, "one of 'loss', 'likelihood', 'kl'");
    }
    requireInputs('Elbo.term', x, y, position, noise);
    return tf.tidy(() => this.compute(x, y, position, noise)[key[which]]);
  }
}
