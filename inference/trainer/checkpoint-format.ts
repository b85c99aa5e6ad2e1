/**
 * The trainer checkpoint as data and as text (no Node API): its plain-data type, exact tensor
 * serialization, and the two-line text layout with a sha256 of the body, shared by every
 * `CheckpointStore` (files in Node, memory anywhere).
 *
 * Text layout: line 1 is a header `{"format":"tfjs-bnn-trainer-checkpoint","version":1,"sha256":…,"bytes":…}`,
 * line 2 the body JSON; tensors are base64 of their little-endian bytes, so values round-trip bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { FormatError } from '../../src/errors.js';
import { base64ToBytes, bytesToBase64 } from '../../src/io/base64.js';
import { sha256Hex } from '../../src/io/sha256.js';
import type { EpochAccumulator, TrainingHistory } from './history.js';
import type { RunFingerprint } from './fingerprint.js';
import type { BestSoFar } from './best-checkpoint.js';

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
  /** Settings exactness depends on; a resuming run must match them (absent in older checkpoints). */
  readonly fingerprint?: RunFingerprint;
  /** Best monitored value so far, when `checkpoint.keep` includes `'best'`. */
  readonly best?: BestSoFar;
}

/** Reads a tensor's exact values (async). Does not dispose it. */
export async function serializeTensor(name: string, tensor: tf.Tensor): Promise<SerializedTensor> {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
    throw new FormatError(`writeCheckpoint: tensor '${name}' has dtype ${tensor.dtype}; only float32 and int32 can be checkpointed.`);
  }
  const values = (await tensor.data()) as Float32Array | Int32Array;
  return {
    name,
    shape: [...tensor.shape],
    dtype: tensor.dtype,
    data: bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
  };
}

/** Rebuilds a tensor from its bytes. Caller owns it. */
export function deserializeTensor(serialized: SerializedTensor, source: string): tf.Tensor {
  const bytes = base64ToBytes(serialized.data, `tensor '${serialized.name}' in ${source}`);
  const size = serialized.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== size * 4 || (serialized.dtype !== 'float32' && serialized.dtype !== 'int32')) {
    throw new FormatError(
      `readCheckpoint: tensor '${serialized.name}' in ${source} does not match its shape [${serialized.shape.join(', ')}] and dtype ${serialized.dtype}.`,
    );
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
 * The checkpoint as text: a header line with format, version, the body's sha256 and byte length,
 * then the body JSON (NaN and ±Infinity kept as `{"$number": "NaN"}`).
 */
export function encodeCheckpoint(checkpoint: TrainerCheckpoint): string {
  const body = JSON.stringify(checkpoint, replaceNonFinite);
  const header = JSON.stringify({
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    sha256: sha256Hex(body),
    bytes: new TextEncoder().encode(body).length,
  });
  return `${header}\n${body}\n`;
}

/**
 * Parses checkpoint text; `source` names it in errors.
 * @throws FormatError when the text is truncated, altered (its sha256 does not match) or of another format.
 */
export function decodeCheckpoint(text: string, source: string): TrainerCheckpoint {
  const newline = text.indexOf('\n');
  const body = newline < 0 ? '' : text.slice(newline + 1).replace(/\n$/, '');
  let header: { format?: unknown; version?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as typeof header;
  } catch {
    throw new FormatError(
      `readCheckpoint: ${source} does not start with a checkpoint header; it is not a ${CHECKPOINT_FORMAT} file or was damaged.`,
    );
  }
  if (header.format !== CHECKPOINT_FORMAT || header.version !== CHECKPOINT_VERSION) {
    throw new FormatError(
      `readCheckpoint: ${source} has format ${String(header.format)} version ${String(header.version)}; expected ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION}.`,
    );
  }
  const sha256 = sha256Hex(body);
  if (sha256 !== header.sha256) {
    throw new FormatError(
      `readCheckpoint: ${source} is damaged: its body's sha256 ${sha256} differs from the header's ${String(header.sha256)}.`,
    );
  }
  return JSON.parse(body, reviveNonFinite) as TrainerCheckpoint;
}
