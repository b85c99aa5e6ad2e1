/**
 * Trainer checkpoints: model weights, optimizer state, history and position in one file, written
 * atomically (temp file, fsync, rename) so a crash never leaves a half-written checkpoint in place.
 *
 * File layout (`<dir>/checkpoint.json`): line 1 is a header
 * `{"format":"tfjs-bnn-trainer-checkpoint","version":1,"sha256":…,"bytes":…}`, line 2 the body
 * JSON; tensors are base64 of their little-endian bytes, so values round-trip bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError, InvalidArgumentError } from '../../src/errors.js';
import type { EpochAccumulator, TrainingHistory } from './history.js';

/** File name of the latest checkpoint inside the checkpoint directory. */
export const CHECKPOINT_FILE = 'checkpoint.json';
/** Suffix of the temporary file a checkpoint is first written to. */
export const CHECKPOINT_TEMP_SUFFIX = '.tmp';
/** Value of the header's `format` field. */
export const CHECKPOINT_FORMAT = 'tfjs-bnn-trainer-checkpoint';
/** Version of the layout written by this code. */
export const CHECKPOINT_VERSION = 1;

/** A tensor's exact bytes. */
export interface SerializedTensor {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  /** base64 of the little-endian bytes. */
  readonly data: string;
}

/** Everything needed to continue a run exactly where it stopped. Plain data. */
export interface TrainerCheckpoint {
  /** Root seed of the run's noise and data order. */
  readonly seed: number | string;
  /** Epoch in progress (or the next one when `batchIndex` is 0). */
  readonly epoch: number;
  /** Batches of `epoch` already drawn (0 at an epoch boundary). */
  readonly batchIndex: number;
  /** Next global step. */
  readonly step: number;
  /** Skipped steps in a row at the time of writing. */
  readonly consecutiveNonFinite: number;
  /** The history so far. */
  readonly history: TrainingHistory;
  /** Running sums of the epoch in progress (null at an epoch boundary). */
  readonly accumulator: EpochAccumulator | null;
  /** Every model weight (`model.weights` order: trainable and non-trainable). */
  readonly weights: SerializedTensor[];
  /** Variables the likelihood owns (e.g. a learned noise scale), in `likelihood.variables` order; absent in older checkpoints. */
  readonly extraVariables?: SerializedTensor[];
  /** The optimizer's class name, `getWeights()` and any other state variables it holds (e.g. Adam's β powers). */
  readonly optimizer: {
    readonly className: string;
    readonly weights: SerializedTensor[];
    readonly stateVariables: SerializedTensor[];
  };
}

function toBase64(values: Float32Array | Int32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** Reads a tensor's exact values (async). Does not dispose it. */
export async function serializeTensor(name: string, tensor: tf.Tensor): Promise<SerializedTensor> {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
    throw new FormatError(`writeCheckpoint: tensor '${name}' has dtype ${tensor.dtype}; only float32 and int32 can be checkpointed.`);
  }
  const values = (await tensor.data()) as Float32Array | Int32Array;
  return { name, shape: [...tensor.shape], dtype: tensor.dtype, data: toBase64(values) };
}

/** Rebuilds a tensor from its bytes. Caller owns it. */
export function deserializeTensor(serialized: SerializedTensor, source: string): tf.Tensor {
  const bytes = Buffer.from(serialized.data, 'base64');
  const size = serialized.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== size * 4 || (serialized.dtype !== 'float32' && serialized.dtype !== 'int32')) {
    throw new FormatError(`readCheckpoint: tensor '${serialized.name}' in ${source} does not match its shape [${serialized.shape.join(', ')}] and dtype ${serialized.dtype}.`);
  }
  const copy = new Uint8Array(bytes);
  const values = serialized.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  return tf.tensor(values, serialized.shape, serialized.dtype);
}

/** JSON replacer/reviver keeping NaN and ±Infinity (history values may be non-finite). */
function replaceNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value;
}
function reviveNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 1 && '$number' in value) {
    return Number((value as { $number: string }).$number);
  }
  return value;
}

/**
 * Writes `checkpoint` to `<dir>/checkpoint.json` atomically: the text goes to
 * `checkpoint.json.tmp`, is fsync'ed, then renamed over the previous checkpoint (and the directory
 * fsync'ed), so readers see either the old or the new file, never a mix.
 *
 * @returns the path of the written file.
 */
export async function writeCheckpoint(dir: string, checkpoint: TrainerCheckpoint): Promise<string> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('writeCheckpoint', 'dir', dir, 'a directory path');
  await fs.mkdir(dir, { recursive: true });
  const body = JSON.stringify(checkpoint, replaceNonFinite);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const header = JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, sha256, bytes: Buffer.byteLength(body) });
  const target = path.join(dir, CHECKPOINT_FILE);
  const temp = target + CHECKPOINT_TEMP_SUFFIX;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(`${header}\n${body}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  }
  return target;
}

/**
 * Reads `<dir>/checkpoint.json`. Returns null when there is none; a stale temp file from an
 * interrupted write is ignored. Throws `FormatError` when the file is truncated, altered (its
 * sha256 does not match) or of another format.
 */
export async function readCheckpoint(dir: string): Promise<TrainerCheckpoint | null> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('readCheckpoint', 'dir', dir, 'a directory path');
  const file = path.join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const newline = text.indexOf('\n');
  const body = newline < 0 ? '' : text.slice(newline + 1).replace(/\n$/, '');
  let header: { format?: unknown; version?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as typeof header;
  } catch {
    throw new FormatError(`readCheckpoint: ${file} does not start with a checkpoint header; it is not a ${CHECKPOINT_FORMAT} file or was damaged.`);
  }
  if (header.format !== CHECKPOINT_FORMAT || header.version !== CHECKPOINT_VERSION) {
    throw new FormatError(`readCheckpoint: ${file} has format ${String(header.format)} version ${String(header.version)}; expected ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION}.`);
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (sha256 !== header.sha256) {
    throw new FormatError(`readCheckpoint: ${file} is damaged: its body's sha256 ${sha256} differs from the header's ${String(header.sha256)}.`);
  }
  return JSON.parse(body, reviveNonFinite) as TrainerCheckpoint;
}
