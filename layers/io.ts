/**
 * Saving and loading models with variational layers to a directory, without tfjs-node: `model.json`
 * (topology with every layer's config, weights manifest) and `weights.bin`, each written atomically.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError } from '../src/errors.js';
// Registers the variational layer classes before any model is deserialized.
import './dense-variational.js';
import './conv-variational.js';
import './conv-transpose-variational.js';
import './recurrent-layers.js';
import './embedding-variational.js';

/** File names inside a saved model directory. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

function joinedWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
}

/**
 * A tfjs `IOHandler` for a directory on disk: `save` writes `weights.bin` then `model.json` (each via a
 * temporary file and a rename, so a crash never leaves a half-written file under the final name);
 * `load` reads them back.
 */
export function directoryHandler(dirPath: string): tf.io.IOHandler {
  if (typeof dirPath !== 'string' || dirPath.length === 0) throw new InvalidArgumentError('directoryHandler', 'dirPath', dirPath, 'a non-empty path');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new FormatError(`saveModel: binary model topologies are not supported; save a tf.LayersModel.`);
      }
      await mkdir(dirPath, { recursive: true });
      const weights = joinedWeights(artifacts.weightData);
      await writeAtomically(join(dirPath, WEIGHTS_BIN), new Uint8Array(weights));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: 'tfjs-bnn',
      };
      await writeAtomically(join(dirPath, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let modelJson: tf.io.ModelJSON;
      let weights: Buffer;
      try {
        modelJson = JSON.parse(await readFile(join(dirPath, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
        weights = await readFile(join(dirPath, WEIGHTS_BIN));
      } catch (error) {
        throw new FormatError(`loadModel: cannot read a model from '${dirPath}' (${(error as Error).message}).`);
      }
      if (typeof modelJson.modelTopology !== 'object' || !Array.isArray(modelJson.weightsManifest)) {
        throw new FormatError(`loadModel: '${join(dirPath, MODEL_JSON)}' has no modelTopology or weightsManifest.`);
      }
      const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
      const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
      return { modelTopology: modelJson.modelTopology, weightSpecs, weightData, format: modelJson.format, generatedBy: modelJson.generatedBy, convertedBy: modelJson.convertedBy };
    },
  };
}

/**
 * Saves `model` (its topology, every layer config — estimator, priors, posterior initialisation,
 * sampling mode — and all weights, including the empirical priors' non-trainable weights) to
 * `dirPath`, created if missing. Works on the pure-JS backend: no tfjs-node needed.
 */
export async function saveModel(model: tf.LayersModel, dirPath: string): Promise<tf.io.SaveResult> {
  if (!(model instanceof tf.LayersModel)) throw new InvalidArgumentError('saveModel', 'model', model, 'a tf.LayersModel');
  return model.save(directoryHandler(dirPath));
}

/** Loads a model saved by `saveModel`. The caller owns (and disposes) the model. */
export async function loadModel(dirPath: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(directoryHandler(dirPath));
}
