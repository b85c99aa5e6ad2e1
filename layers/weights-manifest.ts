/**
 * Checks of a saved model's weights manifest against its `weights.bin`: every entry well formed,
 * the file exactly as long as the manifest says, and (when the manifest records one) the sha256 of
 * the bytes equal to the recorded one. A truncated, padded or altered weights file is a typed
 * `FormatError` before tfjs reads a single value.
 */
import * as tf from '@tensorflow/tfjs';
import { FormatError } from '../src/errors.js';

/** Bytes per stored value, by manifest dtype (after quantization, when present). */
const BYTES_PER_VALUE: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint16: 2, uint8: 1, float16: 2 };

/**
 * Validates the manifest entries and returns the number of bytes their values take in
 * `weights.bin`. `file` names the model.json in messages. Throws `FormatError` for an entry without
 * a string name, a shape that is not a list of non-negative integers, or an unknown dtype.
 */
export function manifestByteLength(specs: readonly unknown[], file: string): number {
  let total = 0;
  specs.forEach((spec, index) => {
    const entry = spec as Partial<tf.io.WeightsManifestEntry> | null;
    const where = `loadModel: ${file} weightsManifest entry ${index}`;
    if (entry === null || typeof entry !== 'object' || typeof entry.name !== 'string') {
      throw new FormatError(`${where} has no string 'name'; expected {name, shape, dtype}.`);
    }
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new FormatError(`${where} ('${entry.name}') has shape ${JSON.stringify(shape)}; expected a list of integers ≥ 0.`);
    }
    const dtype = entry.quantization?.dtype ?? entry.dtype;
    const bytes = typeof dtype === 'string' ? BYTES_PER_VALUE[dtype] : undefined;
    if (bytes === undefined) {
      throw new FormatError(
        `${where} ('${entry.name}') has dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(BYTES_PER_VALUE).join(', ')}.`,
      );
    }
    total += shape.reduce((a, b) => a * b, 1) * bytes;
  });
  return total;
}

/**
 * Throws `FormatError` unless `weights` has exactly `expectedBytes` bytes and, when `sha256` is
 * given, that digest (`digest` computes it; injected so this file stays free of Node imports).
 */
export function checkWeightBytes(
  weights: Uint8Array,
  expectedBytes: number,
  sha256: string | undefined,
  digest: (bytes: Uint8Array) => string,
  file: string,
): void {
  if (weights.byteLength !== expectedBytes) {
    const how = weights.byteLength < expectedBytes ? 'truncated' : 'longer than its manifest';
    throw new FormatError(
      `loadModel: ${file} has ${weights.byteLength} bytes but the weights manifest describes ${expectedBytes} (${how}); re-save the model or restore the file.`,
    );
  }
  if (sha256 !== undefined) {
    const actual = digest(weights);
    if (actual !== sha256)
      throw new FormatError(`loadModel: ${file} is damaged: its sha256 ${actual} differs from the ${sha256} recorded in model.json.`);
  }
}
