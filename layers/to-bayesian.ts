/**
 * Converting a deterministic tfjs-layers model into a variational one, layer by layer, keeping the
 * topology; optionally initialised with MOPED (Krishnan, Subedar & Tickoo 2020).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../src/errors.js';
import { inverseSoftplus } from '../src/tensor/softplus.js';
import { requirePositive } from '../src/validate.js';
import { ACTIVATION_NAMES } from './activation.js';
import { DEFAULT_ESTIMATOR, requireEstimator, type Estimator } from './estimator.js';
import {
  DEFAULT_EMPIRICAL_MIN_SCALE,
  DEFAULT_MOPED_DELTA,
  DEFAULT_PRIOR,
  empiricalScales,
  requirePrior,
  serializePrior,
  type PriorSpec,
} from './priors.js';
import { resolvePosteriorInit, serializePosteriorInit, type PosteriorInitArgs } from './posterior-init.js';
import { VariationalLayer } from './variational-layer.js';
import { wrappedLayers } from './model-walk.js';
import './dense-variational.js';
import './conv-variational.js';
import './conv-transpose-variational.js';
import './recurrent-layers.js';
import './embedding-variational.js';

/** MOPED settings: loc at the trained weights w, prior N(w, (δ|w|)²), posterior scale δ|w| (both floored at minScale). */
export interface MopedArgs {
  /** δ > 0. Default `DEFAULT_MOPED_DELTA` (0.1). */
  delta?: number;
  /** Floor of the scales. Default `DEFAULT_EMPIRICAL_MIN_SCALE` (1e-3). */
  minScale?: number;
}

/** Options of `toBayesian`. */
export interface ToBayesianOptions {
  /** Estimator of every converted layer. Default `'reparameterization'`. */
  estimator?: Estimator;
  /** Prior of converted kernels (ignored with `moped`). Default N(0, 1). */
  prior?: PriorSpec;
  /** Prior of converted biases (ignored with `moped`). Default: `prior`. */
  biasPrior?: PriorSpec;
  /** Variational biases (true, default) or point-estimate biases. */
  bayesianBias?: boolean;
  /** Posterior initialisation of converted layers without `moped` (fresh init, as bayesian-torch's dnn_to_bnn). */
  posteriorInit?: PosteriorInitArgs;
  /** Initialise at the trained weights with MOPED's empirical prior. Default: off. */
  moped?: MopedArgs;
  /** Which layers to convert, by name and tfjs class name. Default: every Dense/Conv1D/Conv2D/Conv3D/Conv2DTranspose/Conv3DTranspose/LSTM/GRU/SimpleRNN/Embedding. */
  convert?: (layerName: string, className: string) => boolean;
}

/** tf.layers class names `toBayesian` converts, and the variational class each becomes. */
export const CONVERTIBLE_CLASSES: Readonly<Record<string, { className: string; rank?: number }>> = {
  Dense: { className: 'DenseVariational' },
  Conv1D: { className: 'ConvVariational', rank: 1 },
  Conv2D: { className: 'ConvVariational', rank: 2 },
  Conv3D: { className: 'ConvVariational', rank: 3 },
  Conv2DTranspose: { className: 'ConvTransposeVariational', rank: 2 },
  Conv3DTranspose: { className: 'ConvTransposeVariational', rank: 3 },
  LSTM: { className: 'LSTMVariational' },
  GRU: { className: 'GRUVariational' },
  SimpleRNN: { className: 'SimpleRNNVariational' },
  Embedding: { className: 'EmbeddingVariational' },
};

const RECURRENT_CLASSES = new Set(['LSTMVariational', 'GRUVariational', 'SimpleRNNVariational']);

/**
 * The recurrent fields of a tf.layers LSTM/GRU/SimpleRNN config. Dropout settings are dropped (the
 * posterior's weight noise takes their place); a stateful layer or a GRU with resetAfter is refused.
 */
function recurrentFields(where: string, layerName: string, source: Config): Config {
  if (source.stateful === true)
    throw new InvalidArgumentError(
      where,
      `layer '${layerName}'.stateful`,
      true,
      'false (the variational recurrent layers are not stateful)',
    );
  if (source.resetAfter === true)
    throw new InvalidArgumentError(where, `layer '${layerName}'.resetAfter`, true, 'false (tf.layers GRU semantics)');
  const fields: Config = {
    units: source.units,
    returnSequences: source.returnSequences,
    returnState: source.returnState,
    goBackwards: source.goBackwards,
  };
  if (source.recurrentActivation !== undefined) {
    if (!(ACTIVATION_NAMES as string[]).includes(String(source.recurrentActivation))) {
      throw new InvalidArgumentError(
        where,
        `layer '${layerName}'.recurrentActivation`,
        source.recurrentActivation,
        `one of ${ACTIVATION_NAMES.join(', ')}`,
      );
    }
    fields.recurrentActivation = source.recurrentActivation;
  }
  if (source.unitForgetBias !== undefined) fields.unitForgetBias = source.unitForgetBias;
  return fields;
}

type Config = tf.serialization.ConfigDict;
interface LayerEntry {
  className: string;
  config: Config;
  name?: string;
  inboundNodes?: unknown;
}

function variationalConfig(
  entry: LayerEntry,
  options: Required<Omit<ToBayesianOptions, 'moped' | 'convert'>> & { moped?: Required<MopedArgs> },
): LayerEntry {
  const source = entry.config;
  const where = 'toBayesian';
  const layerName = String(source.name);
  const activation = source.activation ?? 'linear';
  if (!(ACTIVATION_NAMES as string[]).includes(String(activation))) {
    throw new InvalidArgumentError(where, `layer '${layerName}'.activation`, activation, `one of ${ACTIVATION_NAMES.join(', ')}`);
  }
  if (source.dataFormat !== undefined && source.dataFormat !== 'channelsLast') {
    throw new InvalidArgumentError(
      where,
      `layer '${layerName}'.dataFormat`,
      source.dataFormat,
      "'channelsLast' (the variational layers are channels last)",
    );
  }
  const target = CONVERTIBLE_CLASSES[entry.className];
  const moped = options.moped;
  const prior = moped === undefined ? options.prior : { kind: 'empirical' as const, delta: moped.delta, minScale: moped.minScale };
  const biasPrior = moped === undefined ? options.biasPrior : prior;
  const config: Config = {
    name: source.name,
    trainable: source.trainable,
    dtype: source.dtype,
    activation,
    useBias: source.useBias,
    estimator: options.estimator,
    bayesianBias: options.bayesianBias,
    prior: serializePrior(prior) as unknown as Config,
    biasPrior: serializePrior(biasPrior) as unknown as Config,
    posteriorInit: serializePosteriorInit(resolvePosteriorInit(where, options.posteriorInit)) as unknown as Config,
  };
  if (source.batchInputShape !== undefined) config.batchInputShape = source.batchInputShape;
  if (target.className === 'DenseVariational') config.units = source.units;
  else if (RECURRENT_CLASSES.has(target.className)) Object.assign(config, recurrentFields(where, layerName, source));
  else if (target.className === 'EmbeddingVariational') {
    Object.assign(config, { inputDim: source.inputDim, outputDim: source.outputDim, maskZero: source.maskZero ?? false });
    if (source.inputLength != null) config.inputLength = source.inputLength;
  } else {
    Object.assign(config, {
      rank: target.rank,
      filters: source.filters,
      kernelSize: source.kernelSize,
      strides: source.strides,
      padding: source.padding,
    });
    if (target.className === 'ConvVariational') config.dilationRate = source.dilationRate;
    else if (([] as unknown[]).concat(source.dilationRate ?? 1).some((d) => d !== 1)) {
      throw new InvalidArgumentError(
        where,
        `layer '${layerName}'.dilationRate`,
        source.dilationRate,
        '1 (dilated transposed convolutions are not supported)',
      );
    }
  }
  return { ...entry, className: target.className, config };
}

function convertEntries(entries: LayerEntry[], convert: (entry: LayerEntry) => LayerEntry): LayerEntry[] {
  return entries.map((entry) => {
    const nested = entry.config.layers;
    if (Array.isArray(nested))
      return {
        ...entry,
        config: { ...entry.config, layers: convertEntries(nested as unknown as LayerEntry[], convert) as unknown as Config[] },
      };
    const wrapped = entry.config.layer as unknown as LayerEntry | undefined;
    if (typeof wrapped === 'object' && wrapped !== null && typeof wrapped.className === 'string') {
      return { ...entry, config: { ...entry.config, layer: convert(wrapped) as unknown as Config } };
    }
    return convert(entry);
  });
}

function flatLayers(model: tf.layers.Layer, into = new Map<string, tf.layers.Layer>()): Map<string, tf.layers.Layer> {
  into.set(model.name, model);
  if (model instanceof tf.LayersModel) for (const layer of model.layers) flatLayers(layer, into);
  else for (const layer of wrappedLayers(model)) flatLayers(layer, into);
  return into;
}

/** Writes loc = w, rawScale = softplus⁻¹(max(δ|w|, minScale)) and, for empirical priors, the prior weights. */
function initializeAt(layer: VariationalLayer, name: string, w: tf.Tensor, moped: Required<MopedArgs>): void {
  const weights = layer.variationalWeights(name);
  const values = w.dataSync() as Float32Array;
  const scales = empiricalScales(values, moped.delta, moped.minScale);
  tf.tidy(() => {
    weights.loc.write(w);
    weights.rawScale.write(
      tf.tensor(
        scales.map((s) => inverseSoftplus(s)),
        w.shape,
      ),
    );
    weights.priorLoc?.write(w);
    weights.priorScale?.write(tf.tensor(scales, w.shape));
  });
}

/**
 * A new model with the same topology (sequential, functional, nested) in which every convertible
 * layer (Dense, Conv1D/2D/3D, Conv2D/3DTranspose channels last; LSTM, GRU, SimpleRNN, Embedding;
 * recurrent layers inside tf.layers.bidirectional too) is replaced by its variational
 * twin with the same name, units/filters, kernel geometry and activation, and every other layer
 * (batch norm, pooling, dropout, …) keeps its trained weights. Without `moped` the converted layers
 * start fresh from `posteriorInit`; with `moped` they start at loc = w with MOPED's empirical prior,
 * so in `'mean'` mode the new model predicts exactly like the source. The source is untouched;
 * the caller owns the returned model.
 */
export async function toBayesian(model: tf.LayersModel, options: ToBayesianOptions = {}): Promise<tf.LayersModel> {
  const where = 'toBayesian';
  if (!(model instanceof tf.LayersModel)) throw new InvalidArgumentError(where, 'model', model, 'a tf.LayersModel or tf.Sequential');
  const prior = requirePrior(where, 'prior', options.prior ?? DEFAULT_PRIOR);
  const resolved = {
    estimator: requireEstimator(where, options.estimator ?? DEFAULT_ESTIMATOR),
    prior,
    biasPrior: requirePrior(where, 'biasPrior', options.biasPrior ?? (prior.kind === 'empirical' ? DEFAULT_PRIOR : prior)),
    bayesianBias: options.bayesianBias ?? true,
    posteriorInit: options.posteriorInit ?? {},
    moped:
      options.moped === undefined
        ? undefined
        : {
            delta: requirePositive(where, 'moped.delta', options.moped.delta ?? DEFAULT_MOPED_DELTA),
            minScale: requirePositive(where, 'moped.minScale', options.moped.minScale ?? DEFAULT_EMPIRICAL_MIN_SCALE),
          },
  };
  const shouldConvert = options.convert ?? (() => true);
  const config = JSON.parse(JSON.stringify(model.getConfig())) as Config;
  const layers = convertEntries(config.layers as unknown as LayerEntry[], (entry) =>
    entry.className in CONVERTIBLE_CLASSES && shouldConvert(String(entry.config.name), entry.className)
      ? variationalConfig(entry, resolved)
      : entry,
  );
  // The JSON round trip drops undefined fields, which tfjs' config conversion cannot walk.
  const topology = JSON.parse(
    JSON.stringify({ className: model.getClassName(), config: { ...config, layers } }),
  ) as tf.io.ModelJSON['modelTopology'];
  const converted = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  const sources = flatLayers(model);
  for (const [name, layer] of flatLayers(converted)) {
    const source = sources.get(name);
    // Models and wrappers hold no weights of their own: their inner layers are in the map.
    if (source === undefined || source === model || layer instanceof tf.LayersModel || wrappedLayers(layer).length > 0) continue;
    const sourceWeights = source.getWeights();
    if (!(layer instanceof VariationalLayer)) {
      if (sourceWeights.length > 0) layer.setWeights(sourceWeights);
    } else if (resolved.moped !== undefined) {
      // Source weights are matched by their own names: kernel, recurrent_kernel, bias, embeddings.
      const variational = new Set(layer.variationalParameters.map((parameter) => parameter.name));
      source.weights.forEach((weight, i) => {
        const name = weight.originalName.split('/').pop() ?? weight.originalName;
        if (variational.has(name)) initializeAt(layer, name, sourceWeights[i], resolved.moped!);
        else if (name === 'bias') layer.pointEstimateBias?.write(sourceWeights[i]);
      });
    }
  }
  return converted;
}
