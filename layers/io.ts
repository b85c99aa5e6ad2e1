/**
 * Saving and loading models with variational layers to a directory, without tfjs-node: `model.json`
 * (topology with every layer's config, weights manifest) and `weights.bin`, each written atomically.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BnnError, FormatError, InvalidArgumentError } from '../src/errors.js';
import { checkWeightBytes, manifestByteLength } from './weights-manifest.js';
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

/** A model.json as this module writes it: tfjs's format plus the sha256 of weights.bin. */
type ModelJsonWithDigest = tf.io.ModelJSON & { weightsSha256?: string };

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
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
  if (typeof dirPath !== 'string' || dirPath.length === 0)
    throw new InvalidArgumentError('directoryHandler', 'dirPath', dirPath, 'a non-empty path');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new FormatError(`saveModel: binary model topologies are not supported; save a tf.LayersModel.`);
      }
      await mkdir(dirPath, { recursive: true });
      const weights = joinedWeights(artifacts.weightData);
      await writeAtomically(join(dirPath, WEIGHTS_BIN), new Uint8Array(weights));
      const modelJson: ModelJsonWithDigest = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: 'tfjs-bnn',
        weightsSha256: sha256(new Uint8Array(weights)),
      };
      await writeAtomically(join(dirPath, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dirPath, MODEL_JSON);
      let text: string;
      let weights: Buffer;
      try {
        text = await readFile(jsonPath, 'utf8');
        weights = await readFile(join(dirPath, WEIGHTS_BIN));
      } catch (error) {
        throw new FormatError(`loadModel: cannot read a model from '${dirPath}' (${(error as Error).message}).`);
      }
      let modelJson: ModelJsonWithDigest;
      try {
        modelJson = JSON.parse(text) as ModelJsonWithDigest;
      } catch (error) {
        throw new FormatError(`loadModel: '${jsonPath}' is not valid JSON (${(error as Error).message}).`);
      }
      if (
        modelJson === null ||
        typeof modelJson !== 'object' ||
        typeof modelJson.modelTopology !== 'object' ||
        modelJson.modelTopology === null ||
        !Array.isArray(modelJson.weightsManifest)
      ) {
        throw new FormatError(`loadModel: '${jsonPath}' has no modelTopology or weightsManifest.`);
      }
      const weightSpecs: unknown[] = modelJson.weightsManifest.flatMap((group: unknown) => {
        const groupWeights = (group as { weights?: unknown } | null)?.weights;
        if (!Array.isArray(groupWeights))
          throw new FormatError(`loadModel: '${jsonPath}' has a weightsManifest group without a 'weights' list.`);
        return groupWeights as unknown[];
      });
      const digest = modelJson.weightsSha256;
      if (digest !== undefined && typeof digest !== 'string')
        throw new FormatError(`loadModel: '${jsonPath}' has weightsSha256 ${JSON.stringify(digest)}; expected a hex string.`);
      checkWeightBytes(weights, manifestByteLength(weightSpecs, `'${jsonPath}'`), digest, sha256, `'${join(dirPath, WEIGHTS_BIN)}'`);
      const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
        weightData,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
      };
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

/**
 * Loads a model saved by `saveModel`. The caller owns (and disposes) the model. Throws `FormatError`
 * when model.json is missing, not JSON or has a malformed weights manifest, when `weights.bin` is
 * shorter or longer than the manifest describes, or when its sha256 differs from the one recorded
 * at save time (models saved before the digest was recorded are checked for length only).
 */
export async function loadModel(dirPath: string): Promise<tf.LayersModel> {
  const handler = directoryHandler(dirPath);
  try {
    return await tf.loadLayersModel(handler);
  } catch (error) {
    if (error instanceof BnnError) throw error;
    throw new FormatError(`loadModel: '${dirPath}' holds a model that tfjs cannot rebuild (${(error as Error).message}).`);
  }
}
