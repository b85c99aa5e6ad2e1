/**
 * Priors of the variational layers as small plain-object specs, so that they serialize in a layer's
 * `getConfig()`. Per-weight (empirical) priors keep their tensors as non-trainable layer weights.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../src/errors.js';
import { Normal } from '../src/distributions/normal.js';
import { ScaleMixtureNormal } from '../src/distributions/scale-mixture-normal.js';
import type { Distribution } from '../src/distributions/distribution.js';
import { requireFinite, requireFloatTensor, requireOpenInterval, requirePositive } from '../src/validate.js';

/** Normal(loc, scale²) on every weight (scalar parameters). */
export interface NormalPriorSpec {
  readonly kind: 'normal';
  /** Prior mean of every weight. */
  readonly loc: number;
  /** Prior standard deviation of every weight, > 0. */
  readonly scale: number;
}

/** Blundell et al. (2015)'s zero-mean scale mixture π N(0, scale1²) + (1 − π) N(0, scale2²). */
export interface ScaleMixturePriorSpec {
  readonly kind: 'scaleMixture';
  /** Weight of the first component, in (0, 1). */
  readonly pi: number;
  /** Standard deviation of the first (wide) component, > 0. */
  readonly scale1: number;
  /** Standard deviation of the second (narrow) component, > 0. */
  readonly scale2: number;
}

/**
 * MOPED's empirical prior (Krishnan, Subedar & Tickoo 2020): per weight N(w, (δ·|w|)²) centred on
 * pretrained weights w, with scales floored at `minScale`. The values live in the layer as the
 * non-trainable weights `<param>_prior_loc` and `<param>_prior_scale`; the spec only carries them
 * until the layer is built (a spec read back from a config has none: loaded weights supply them).
 */
export interface EmpiricalPriorSpec {
  readonly kind: 'empirical';
  /** Relative scale δ: prior scale = δ·|w|. */
  readonly delta: number;
  /** Lower bound of the prior scale (keeps the KL finite where w = 0). */
  readonly minScale: number;
  /** The pretrained weights w (a copy, not a tensor), absent in a deserialized spec. */
  readonly weights?: { readonly values: Float32Array; readonly shape: readonly number[] };
}

/** Any prior a variational layer accepts. */
export type PriorSpec = NormalPriorSpec | ScaleMixturePriorSpec | EmpiricalPriorSpec;

/** Default prior of every weight: N(0, 1), as Blundell et al. 2015's Gaussian prior and bayesian-torch. */
export const DEFAULT_PRIOR: NormalPriorSpec = Object.freeze({ kind: 'normal', loc: 0, scale: 1 });

/** Default MOPED δ: prior and posterior scale 0.1·|w| (Krishnan et al. 2020 report δ = 0.1 as a robust choice). */
export const DEFAULT_MOPED_DELTA = 0.1;

/** Default floor of an empirical prior's scale (our choice, not MOPED's: zero weights would pin q at a point). */
export const DEFAULT_EMPIRICAL_MIN_SCALE = 1e-3;

/** Named arguments of `priors.normal`. */
export interface NormalPriorArgs {
  /** Prior mean. Default 0. */
  loc?: number;
  /** Prior standard deviation, > 0. Default 1. */
  scale?: number;
}

/** Named arguments of `priors.scaleMixture` (Blundell's grid: π ∈ {¼, ½, ¾}, −log σ1 ∈ {0, 1, 2}, −log σ2 ∈ {6, 7, 8}). */
export interface ScaleMixturePriorArgs {
  pi: number;
  scale1: number;
  scale2: number;
}

/** Named arguments of `priors.empirical`. */
export interface EmpiricalPriorArgs {
  /** Pretrained weights w of the parameter this prior is for (float32; copied, stays owned by the caller). */
  weights: tf.Tensor;
  /** Relative prior scale δ > 0. Default `DEFAULT_MOPED_DELTA` (0.1). */
  delta?: number;
  /** Floor of the prior scale, > 0. Default `DEFAULT_EMPIRICAL_MIN_SCALE` (1e-3). */
  minScale?: number;
}

/** Factories of prior specs. Pass the result as `prior` or `biasPrior` of a variational layer. */
export const priors = {
  /** N(loc, scale²) on every weight. Default N(0, 1). */
  normal({ loc = 0, scale = 1 }: NormalPriorArgs = {}): NormalPriorSpec {
    requireFinite('priors.normal', 'loc', loc);
    requirePositive('priors.normal', 'scale', scale);
    return { kind: 'normal', loc, scale };
  },
  /** Blundell's scale mixture π N(0, scale1²) + (1 − π) N(0, scale2²); KL by Monte Carlo. */
  scaleMixture({ pi, scale1, scale2 }: ScaleMixturePriorArgs): ScaleMixturePriorSpec {
    requireOpenInterval('priors.scaleMixture', 'pi', pi, 0, 1);
    requirePositive('priors.scaleMixture', 'scale1', scale1);
    requirePositive('priors.scaleMixture', 'scale2', scale2);
    return { kind: 'scaleMixture', pi, scale1, scale2 };
  },
  /** MOPED's per-weight prior N(w, max(δ|w|, minScale)²) at pretrained weights w. */
  empirical({ weights, delta = DEFAULT_MOPED_DELTA, minScale = DEFAULT_EMPIRICAL_MIN_SCALE }: EmpiricalPriorArgs): EmpiricalPriorSpec {
    requireFloatTensor('priors.empirical', 'weights', weights);
    requirePositive('priors.empirical', 'delta', delta);
    requirePositive('priors.empirical', 'minScale', minScale);
    const values = Float32Array.from(weights.dataSync());
    if (values.some((v) => !Number.isFinite(v))) {
      throw new InvalidArgumentError('priors.empirical', 'weights', 'a tensor with NaN or ±Inf', 'finite weights');
    }
    return { kind: 'empirical', delta, minScale, weights: { values, shape: weights.shape } };
  },
};

/** Prior scales of an empirical prior: max(δ·|w|, minScale) per weight. */
export function empiricalScales(values: Float32Array, delta: number, minScale: number): Float32Array {
  return values.map((w) => Math.max(delta * Math.abs(w), minScale));
}

const EXPECTED_PRIOR =
  "a prior spec from priors.normal(), priors.scaleMixture() or priors.empirical(), e.g. {kind: 'normal', loc: 0, scale: 1}";

/**
 * Validates a prior spec (e.g. one read back from a config) and returns a clean copy.
 * Throws `InvalidArgumentError` naming `where` and `argument` for anything else.
 */
export function requirePrior(where: string, argument: string, value: unknown): PriorSpec {
  if (typeof value !== 'object' || value === null || !('kind' in value)) {
    throw new InvalidArgumentError(where, argument, value, EXPECTED_PRIOR);
  }
  const spec = value as Record<string, unknown>;
  const field = (name: string) => `${argument}.${name}`;
  switch (spec.kind) {
    case 'normal':
      return {
        kind: 'normal',
        loc: requireFinite(where, field('loc'), spec.loc),
        scale: requirePositive(where, field('scale'), spec.scale),
      };
    case 'scaleMixture':
      return {
        kind: 'scaleMixture',
        pi: requireOpenInterval(where, field('pi'), spec.pi, 0, 1),
        scale1: requirePositive(where, field('scale1'), spec.scale1),
        scale2: requirePositive(where, field('scale2'), spec.scale2),
      };
    case 'empirical': {
      const delta = requirePositive(where, field('delta'), spec.delta);
      const minScale = requirePositive(where, field('minScale'), spec.minScale);
      const weights = spec.weights as EmpiricalPriorSpec['weights'] | undefined;
      if (weights !== undefined && !(weights.values instanceof Float32Array)) {
        throw new InvalidArgumentError(where, field('weights'), weights, 'weights made by priors.empirical({weights})');
      }
      return weights === undefined ? { kind: 'empirical', delta, minScale } : { kind: 'empirical', delta, minScale, weights };
    }
    default:
      throw new InvalidArgumentError(where, argument, value, EXPECTED_PRIOR);
  }
}

/** The serializable part of a spec (drops an empirical prior's in-memory weights; they are saved as layer weights). */
export function serializePrior(spec: PriorSpec): PriorSpec {
  return spec.kind === 'empirical' ? { kind: 'empirical', delta: spec.delta, minScale: spec.minScale } : { ...spec };
}

/** Adds a non-trainable per-weight variable to the layer being built (a bound `Layer.addWeight`). */
export type AddPriorWeight = (name: string, initializer: ReturnType<typeof tf.initializers.zeros>) => tf.LayerVariable;

/** A prior made for one variational parameter: its distribution and, for an empirical prior, the variables it reads. */
export interface BuiltPrior {
  readonly distribution: Distribution;
  /** Per-weight prior means (empirical priors only), else null. Owned by the layer. */
  readonly priorLoc: tf.LayerVariable | null;
  /** Per-weight prior scales (empirical priors only), else null. Owned by the layer. */
  readonly priorScale: tf.LayerVariable | null;
}

/**
 * The prior distribution `spec` stands for over a parameter of `shape` named `parameterName`
 * (`'kernel'`, `'bias'`, …). Normal and scale-mixture specs give scalar-parameter distributions;
 * an empirical spec adds the non-trainable weights `<parameterName>_prior_loc` / `_prior_scale` with
 * `addWeight`, fills them from the spec's pretrained weights when it carries them (else loaded
 * weights will), and gives the per-weight Normal reading them.
 *
 * @throws ShapeError when an empirical prior's weights do not have the parameter's shape.
 */
export function buildPrior(
  where: string,
  argument: string,
  spec: PriorSpec,
  parameterName: string,
  shape: readonly number[],
  addWeight: AddPriorWeight,
): BuiltPrior {
  if (spec.kind === 'normal') return { distribution: new Normal(spec.loc, spec.scale), priorLoc: null, priorScale: null };
  if (spec.kind === 'scaleMixture')
    return { distribution: new ScaleMixtureNormal(spec.pi, spec.scale1, spec.scale2), priorLoc: null, priorScale: null };
  const priorLoc = addWeight(`${parameterName}_prior_loc`, tf.initializers.zeros());
  const priorScale = addWeight(`${parameterName}_prior_scale`, tf.initializers.ones());
  if (spec.weights !== undefined) {
    const given = spec.weights.shape;
    if (given.length !== shape.length || given.some((d, i) => d !== shape[i])) {
      throw new ShapeError(where, `${argument}.weights`, given, `the ${parameterName} shape [${shape.join(', ')}]`);
    }
    const { values } = spec.weights;
    tf.tidy(() => {
      priorLoc.write(tf.tensor(values, shape as number[]));
      priorScale.write(tf.tensor(empiricalScales(values, spec.delta, spec.minScale), shape as number[]));
    });
  }
  return { distribution: new Normal(priorLoc.read(), priorScale.read()), priorLoc, priorScale };
}
