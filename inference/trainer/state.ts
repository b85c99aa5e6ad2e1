/**
 * Capturing and restoring the tensors of a run (model weights, optimizer state) for checkpoints.
 */
import * as tf from '@tensorflow/tfjs';
import { FormatError, InvalidArgumentError } from '../../src/errors.js';
import { deserializeTensor, serializeTensor, type SerializedTensor, type TrainerCheckpoint } from './checkpoint-format.js';

/**
 * State variables an optimizer keeps outside `getWeights()`: its own properties holding a
 * `tf.Variable` (Adam's running β₁ᵗ and β₂ᵗ). `setWeights` recomputes Adam's as pow(β, t+1), which
 * can differ in the last bit from the running product; saving them keeps a resumed run bit-identical.
 */
function optimizerStateVariables(optimizer: tf.Optimizer): Array<[string, tf.Variable]> {
  return Object.entries(optimizer).filter((entry): entry is [string, tf.Variable] => entry[1] instanceof tf.Variable);
}

/** Reads the model's weights, the optimizer's state and `extra` variables (the likelihood's) as exact bytes (async). Disposes what it creates. */
export async function captureTensors(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  extra: readonly tf.Variable[] = [],
): Promise<Pick<TrainerCheckpoint, 'weights' | 'optimizer' | 'extraVariables'>> {
  const weights: SerializedTensor[] = [];
  for (const w of model.weights) weights.push(await serializeTensor(w.originalName, w.read()));
  let named: Awaited<ReturnType<tf.Optimizer['getWeights']>>;
  try {
    named = await optimizer.getWeights();
  } catch (error) {
    throw new InvalidArgumentError(
      'fit',
      'optimizer',
      optimizer,
      `an optimizer whose state can be saved (getWeights() failed: ${(error as Error).message})`,
    );
  }
  const optimizerWeights: SerializedTensor[] = [];
  for (const { name, tensor } of named) optimizerWeights.push(await serializeTensor(name, tensor));
  // getWeights() creates the iteration counter afresh; the other entries are the optimizer's own variables.
  if (named.length > 0 && named[0].name === 'iter') named[0].tensor.dispose();
  const stateVariables: SerializedTensor[] = [];
  for (const [name, variable] of optimizerStateVariables(optimizer)) stateVariables.push(await serializeTensor(name, variable));
  const extraVariables: SerializedTensor[] = [];
  for (const variable of extra) extraVariables.push(await serializeTensor(variable.name, variable));
  return { weights, optimizer: { className: optimizer.getClassName(), weights: optimizerWeights, stateVariables }, extraVariables };
}

/**
 * Writes a checkpoint's tensors into `model` and `optimizer`. The optimizer must be fresh (never
 * stepped) and of the class that wrote the checkpoint; the model must have the same weights in the
 * same order and shapes (names may differ: tfjs numbers layers per process).
 */
export async function restoreTensors(
  checkpoint: TrainerCheckpoint,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  source: string,
  extra: readonly tf.Variable[] = [],
): Promise<void> {
  const where = 'fit (resume)';
  const modelWeights = model.weights;
  if (modelWeights.length !== checkpoint.weights.length) {
    throw new FormatError(`${where}: ${source} holds ${checkpoint.weights.length} model weights; the model has ${modelWeights.length}.`);
  }
  const savedExtra = checkpoint.extraVariables ?? [];
  if (savedExtra.length !== extra.length) {
    throw new FormatError(
      `${where}: ${source} holds ${savedExtra.length} likelihood variables (e.g. a learned noise scale); the likelihood has ${extra.length}.`,
    );
  }
  const className = optimizer.getClassName();
  if (className !== checkpoint.optimizer.className) {
    throw new InvalidArgumentError(
      where,
      'optimizer',
      className,
      `an optimizer of class ${checkpoint.optimizer.className}, as in ${source}`,
    );
  }
  modelWeights.forEach((w, i) => {
    const saved = checkpoint.weights[i];
    if (saved.shape.length !== w.shape.length || saved.shape.some((d, k) => d !== w.shape[k])) {
      throw new FormatError(
        `${where}: weight ${i} ('${saved.name}') in ${source} has shape [${saved.shape.join(', ')}]; the model's '${w.originalName}' has [${w.shape.join(', ')}].`,
      );
    }
  });
  for (let i = 0; i < modelWeights.length; i++) {
    const value = deserializeTensor(checkpoint.weights[i], source);
    modelWeights[i].write(value);
    value.dispose();
  }
  extra.forEach((variable, i) => {
    const value = deserializeTensor(savedExtra[i], source);
    variable.assign(value);
    value.dispose();
  });
  const named = checkpoint.optimizer.weights.map((w) => ({ name: w.name, tensor: deserializeTensor(w, source) }));
  try {
    await optimizer.setWeights(named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
  const variables = new Map(optimizerStateVariables(optimizer));
  for (const saved of checkpoint.optimizer.stateVariables) {
    const variable = variables.get(saved.name);
    if (variable === undefined) throw new FormatError(`${where}: ${source} holds optimizer state '${saved.name}' that ${className} lacks.`);
    const value = deserializeTensor(saved, source);
    variable.assign(value);
    value.dispose();
  }
}
