/**
 * The one base class of the mean-field Gaussian variational layers. It owns the named variational
 * parameters (kernel, optional bias) and their priors, and implements sampling, the KL, the config
 * and the estimators once; subclasses declare shapes and the deterministic op.
 */
import * as tf from '@tensorflow/tfjs';
import { BnnError, NoiseSourceError, ShapeError } from '../src/errors.js';
import { activeNoiseScope, requireNoiseScope, type RandomDraws } from '../src/random/index.js';
import { requireOwnTensor } from '../src/backend/single-tfjs.js';
import { VariationalParameter } from '../src/variational-parameter.js';
import { DEFAULT_ACTIVATION, applyActivation, requireActivation, type ActivationName } from './activation.js';
import {
  DEFAULT_ESTIMATOR,
  DEFAULT_SAMPLING_MODE,
  requireEstimator,
  requireSamplingMode,
  type Estimator,
  type SamplingMode,
} from './estimator.js';
import { flipoutOutput, localReparameterizationOutput, reparameterizedOutput, type KernelOp } from './estimators.js';
import { DEFAULT_PRIOR, buildPrior, requirePrior, serializePrior, type PriorSpec } from './priors.js';
import { resolvePosteriorInit, serializePosteriorInit, type PosteriorInit, type PosteriorInitArgs } from './posterior-init.js';

/** Arguments every variational layer accepts (the tf.layers base arguments plus the variational ones). */
export interface VariationalLayerArgs {
  /** Gradient estimator. Default `'reparameterization'`. */
  estimator?: Estimator;
  /** Prior of the kernel. Default N(0, 1) (`DEFAULT_PRIOR`). */
  prior?: PriorSpec;
  /** Prior of the bias. Default: `prior`, or N(0, 1) when `prior` is empirical (its weights are the kernel's). */
  biasPrior?: PriorSpec;
  /** Add a bias. Default true. */
  useBias?: boolean;
  /** true: the bias is variational too; false: a point-estimate bias without prior. Default true. */
  bayesianBias?: boolean;
  /** Activation applied to the output. Default `'linear'`. */
  activation?: ActivationName;
  /** Posterior initialisation. Defaults: loc ~ glorotUniform (kernel), 0 (bias); rawScale −3. */
  posteriorInit?: PosteriorInitArgs;
  /** `'sample'` (default) or `'mean'` (posterior-mean weights, deterministic). */
  samplingMode?: SamplingMode;
  /** Layer name (unique in a model; it also names the layer's noise streams). */
  name?: string;
  /** Input shape without the batch axis (first layer of a model only). */
  inputShape?: number[];
  /** Input shape with the batch axis (null for any size). */
  batchInputShape?: Array<number | null>;
  /** Fixed batch size used with `inputShape`. */
  batchSize?: number;
  /** Whether the weights are trainable. Default true. */
  trainable?: boolean;
  /** Only 'float32' is supported. */
  dtype?: 'float32';
}

/** The pair of weight variables behind one variational parameter (and its per-weight prior, if empirical). */
export interface VariationalWeights {
  readonly loc: tf.LayerVariable;
  readonly rawScale: tf.LayerVariable;
  readonly priorLoc: tf.LayerVariable | null;
  readonly priorScale: tf.LayerVariable | null;
}

/**
 * One variational parameter a layer declares at build time. `'kernel'` parameters take the layer's
 * `prior` and `posteriorInit.locInitializer`; `'bias'` parameters take `biasPrior`, start at loc 0,
 * and become a point-estimate weight when `bayesianBias` is false.
 */
export interface ParameterDeclaration {
  /** Parameter name (`kernel`, `recurrent_kernel`, `bias`, …): names the weights `<name>_loc`, `<name>_raw_scale` and the noise stream `<layer>/<name>`. */
  readonly name: string;
  /** Shape of the parameter tensor (its loc, rawScale and empirical prior weights). */
  readonly shape: number[];
  /** Which prior, loc initializer and bias handling it takes (see above). */
  readonly role: 'kernel' | 'bias';
}

/** One shape (the layer takes a single input). */
function singleShape(where: string, inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  if (inputShape.length > 0 && Array.isArray(inputShape[0])) {
    const shapes = inputShape as tf.Shape[];
    if (shapes.length !== 1) throw new ShapeError(where, 'inputs', [shapes.length], 'exactly one input tensor');
    return shapes[0];
  }
  return inputShape as tf.Shape;
}

/** A shape with unknown (null) sizes written as −1, for error messages. */
export function shownShape(shape: tf.Shape): number[] {
  return shape.map((d) => d ?? -1);
}

/**
 * Abstract mean-field Gaussian variational layer: weights w ~ q(w) = N(loc, softplus(rawScale)²),
 * element-wise, with a prior p(w). `call()` returns the output tensor only; the KL is read from the
 * layer with `kl()` (never through `model.losses`), so the ELBO can weight it per layer.
 *
 * Noise: in `'sample'` mode the forward pass must run inside `withNoise(source, position, fn)`; the
 * layer draws from the streams `<name>/kernel`, `<name>/bias`, `<name>/signs` (Flipout) and
 * `<name>/preactivation` (local reparameterization), so the same position replays the same output.
 */
export abstract class VariationalLayer extends tf.layers.Layer {
  /** Gradient estimator of the sampled forward pass. */
  readonly estimator: Estimator;
  /** `'sample'` or `'mean'`; change it freely (or with `setSamplingMode(model, mode)`). */
  samplingMode: SamplingMode;
  /** Activation applied after the (sampled) linear op. */
  readonly activation: ActivationName;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  /** Whether the bias is variational (else a point estimate). */
  readonly bayesianBias: boolean;
  /** Prior spec of the kernel. */
  readonly prior: PriorSpec;
  /** Prior spec of the bias. */
  readonly biasPrior: PriorSpec;
  /** Posterior initialisation (validated). */
  readonly posteriorInit: PosteriorInit;

  private parameters: VariationalParameter[] = [];
  private readonly weightsByParameter = new Map<string, VariationalWeights>();
  private pointBias: tf.LayerVariable | null = null;

  protected constructor(where: string, args: VariationalLayerArgs) {
    super(args);
    this.estimator = requireEstimator(where, args.estimator ?? DEFAULT_ESTIMATOR);
    this.samplingMode = requireSamplingMode(where, args.samplingMode ?? DEFAULT_SAMPLING_MODE);
    this.activation = requireActivation(where, args.activation ?? DEFAULT_ACTIVATION);
    this.useBias = args.useBias ?? true;
    this.bayesianBias = args.bayesianBias ?? true;
    this.prior = requirePrior(where, 'prior', args.prior ?? DEFAULT_PRIOR);
    const defaultBiasPrior = this.prior.kind === 'empirical' ? DEFAULT_PRIOR : this.prior;
    this.biasPrior = requirePrior(where, 'biasPrior', args.biasPrior ?? defaultBiasPrior);
    this.posteriorInit = resolvePosteriorInit(where, args.posteriorInit, this.name);
    this.supportsMasking = false;
  }

  /** Kernel shape for an input of `inputShape` (batch axis first). Validates the input. */
  protected abstract kernelShape(inputShape: tf.Shape): number[];

  /** Number of output channels (units or filters): the bias length. */
  protected abstract get outputChannels(): number;

  /** The deterministic op: output = kernelOp(x, kernel) (+ bias), linear in both arguments. */
  protected abstract kernelOp(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor;

  /** Throws `ShapeError` when an input shape does not fit the layer (rank, channels). */
  protected abstract checkInputShape(where: string, inputShape: tf.Shape): void;

  /** Subclass-specific config fields (units, filters, …). */
  protected abstract layerConfig(): tf.serialization.ConfigDict;

  /**
   * The variational parameters to create for an input of `inputShape` (validated), in order.
   * Default: `kernel` of `kernelShape(inputShape)`, then (with `useBias`) `bias` of
   * [`outputChannels`]. Layers with more parameters (recurrent kernels) override it.
   */
  protected declareParameters(inputShape: tf.Shape): ParameterDeclaration[] {
    const kernel: ParameterDeclaration = { name: 'kernel', shape: this.kernelShape(inputShape), role: 'kernel' };
    return this.useBias ? [kernel, { name: 'bias', shape: [this.outputChannels], role: 'bias' }] : [kernel];
  }

  /** The variational parameters (kernel, then bias if Bayesian), after build; empty before. */
  get variationalParameters(): readonly VariationalParameter[] {
    return this.parameters;
  }

  /** The weight variables of the parameter named `name` (`'kernel'` or `'bias'`); throws if absent. */
  variationalWeights(name: string): VariationalWeights {
    const weights = this.weightsByParameter.get(name);
    if (weights === undefined) {
      throw new BnnError(
        `${this.getClassName()}.variationalWeights: layer '${this.name}' has no variational parameter '${name}' (built: ${this.built}).`,
      );
    }
    return weights;
  }

  /** The point-estimate bias (when `useBias && !bayesianBias`), else null. */
  get pointEstimateBias(): tf.LayerVariable | null {
    return this.pointBias;
  }

  /** Number of variational (scalar) weights: the count the KL sums over. */
  get numVariationalWeights(): number {
    return this.parameters.reduce((n, p) => n + p.size, 0);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const where = `${this.getClassName()}.build`;
    const shape = singleShape(where, inputShape);
    this.checkInputShape(where, shape);
    this.parameters = [];
    for (const { name, shape: parameterShape, role } of this.declareParameters(shape)) {
      if (role === 'kernel') this.parameters.push(this.addParameter(name, parameterShape, this.prior, this.posteriorInit.locInitializer));
      else if (this.bayesianBias) this.parameters.push(this.addParameter(name, parameterShape, this.biasPrior, tf.initializers.zeros()));
      else this.pointBias = this.addWeight(name, parameterShape, 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  private addParameter(
    name: string,
    shape: number[],
    spec: PriorSpec,
    locInitializer: ReturnType<typeof tf.initializers.zeros>,
  ): VariationalParameter {
    const loc = this.addWeight(`${name}_loc`, shape, 'float32', locInitializer, undefined, true);
    const rawScale = this.addWeight(
      `${name}_raw_scale`,
      shape,
      'float32',
      tf.initializers.constant({ value: this.posteriorInit.rawScaleInit }),
      undefined,
      true,
    );
    const argument = name === 'bias' ? 'biasPrior' : 'prior';
    const addPriorWeight = (weightName: string, initializer: ReturnType<typeof tf.initializers.zeros>) =>
      this.addWeight(weightName, shape, 'float32', initializer, undefined, false);
    const prior = buildPrior(`${this.getClassName()}.build`, argument, spec, name, shape, addPriorWeight);
    this.weightsByParameter.set(name, { loc, rawScale, priorLoc: prior.priorLoc, priorScale: prior.priorScale });
    return new VariationalParameter(name, loc.read() as tf.Variable, rawScale.read() as tf.Variable, prior.distribution);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const where = `${this.getClassName()}.call`;
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      requireOwnTensor(where, x);
      if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(where, 'inputs', [inputs.length], 'exactly one input tensor');
      this.checkInputShape(where, x.shape);
      const output = this.samplingMode === 'mean' ? this.meanOutput(x) : this.sampledOutput(x);
      return applyActivation(this.activation, output);
    });
  }

  private meanOutput(x: tf.Tensor): tf.Tensor {
    const [kernel, bias] = this.parameters;
    const output = this.kernelOp(x, kernel.loc);
    if (bias !== undefined) return tf.add(output, bias.loc);
    return this.pointBias === null ? output : tf.add(output, this.pointBias.read());
  }

  /**
   * The draws of the stream `<name>/<stream>` in the open noise scope (throws `NoiseSourceError`
   * outside `withNoise`). Subclasses that override `call` take every random draw of a forward pass
   * through this; a weight parameter's draws come from the stream named like the parameter, which
   * is where a Monte Carlo `kl()` in the same scope takes its sample.
   */
  protected forwardDraws(): (stream: string) => RandomDraws {
    const scope = requireNoiseScope(`${this.getClassName()}.call`);
    return (stream: string) => scope.draws(`${this.name}/${stream}`);
  }

  private sampledOutput(x: tf.Tensor): tf.Tensor {
    const draws = this.forwardDraws();
    const op: KernelOp = (input, kernel) => this.kernelOp(input, kernel);
    const [kernel, bias] = this.parameters;
    let output: tf.Tensor;
    if (this.estimator === 'local') {
      output = localReparameterizationOutput(x, op, kernel, bias ?? null, draws('preactivation'));
    } else {
      output =
        this.estimator === 'flipout'
          ? flipoutOutput(x, op, kernel, draws('kernel'), draws('signs'))
          : reparameterizedOutput(x, op, kernel, draws('kernel'));
      if (bias !== undefined) output = tf.add(output, bias.sample(draws('bias')));
    }
    return this.pointBias === null ? output : tf.add(output, this.pointBias.read());
  }

  /**
   * KL(q ‖ p) of the layer: the **sum** over every variational weight (kernel and Bayesian bias),
   * each term from `VariationalParameter.kl`: the closed form where the KL registry has one for
   * (posterior, prior) — Normal priors, including the empirical one —, otherwise the single-sample
   * Monte Carlo estimate log q(w) − log p(w) on the weight sample of the stream `<name>/<param>`
   * at the open `withNoise` position: the very sample the forward pass drew there with the
   * reparameterization and Flipout estimators (an independent draw with `local`, which samples
   * pre-activations instead). A pure function of the variables and the open position: it changes
   * no state. Available without a forward pass or scope when every term has a closed form.
   * Differentiable in loc and rawScale. The caller owns (and disposes) the scalar.
   *
   * @throws BnnError if the layer is not built; NoiseSourceError for a Monte Carlo KL outside `withNoise`.
   */
  kl(): tf.Scalar {
    if (!this.built) {
      throw new BnnError(
        `${this.getClassName()}.kl: layer '${this.name}' is not built yet; give it an inputShape, add it to a model or apply it once.`,
      );
    }
    const scope = activeNoiseScope();
    return tf.tidy(() => {
      const terms = this.parameters.map((parameter) => {
        const path = `${this.name}/${parameter.name}`;
        try {
          return parameter.kl(scope === null ? undefined : scope.source.draws(scope.position, path));
        } catch (error) {
          if (!(error instanceof NoiseSourceError)) throw error;
          throw new NoiseSourceError(
            `${this.getClassName()}.kl: the KL of '${path}' has no closed form for its prior and needs a weight sample, ` +
              `but there is no open withNoise scope; call kl() inside withNoise(noise, {step, particle}, ...) (the same scope as the forward pass).`,
          );
        }
      });
      return (terms.length === 0 ? tf.scalar(0) : tf.addN(terms)) as tf.Scalar;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...this.layerConfig(),
      estimator: this.estimator,
      samplingMode: this.samplingMode,
      activation: this.activation,
      useBias: this.useBias,
      bayesianBias: this.bayesianBias,
      prior: serializePrior(this.prior) as unknown as tf.serialization.ConfigDict,
      biasPrior: serializePrior(this.biasPrior) as unknown as tf.serialization.ConfigDict,
      posteriorInit: serializePosteriorInit(this.posteriorInit) as unknown as tf.serialization.ConfigDict,
    };
  }
}
