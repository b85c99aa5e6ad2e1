/**
 * Counting device→host reads: every `dataSync`/`data`/`array`/`arraySync`/`bufferSync` of a tensor
 * ends in the active backend's `readSync` or `read`, so wrapping those two counts every transfer
 * (on the native backend, each is a wait for TensorFlow to finish and a copy out of it).
 */
import * as tf from '@tensorflow/tfjs';

/** The read methods of a tfjs backend (`KernelBackend`). */
interface ReadingBackend {
  readSync(dataId: object): unknown;
  read(dataId: object): Promise<unknown>;
}

/**
 * Runs `fn` with the active backend's `readSync`/`read` wrapped and returns its result and the
 * number of reads it made. The wrappers are removed afterwards, also when `fn` throws.
 */
export async function countReads<T>(fn: () => T | Promise<T>): Promise<{ result: T; reads: number }> {
  const backend = tf.backend() as unknown as ReadingBackend;
  const originalSync = backend.readSync;
  const originalAsync = backend.read;
  let reads = 0;
  // tfjs-node's `read` calls `readSync` synchronously: count that as the one read it is.
  let insideRead = false;
  backend.readSync = function (this: ReadingBackend, dataId: object) {
    if (!insideRead) reads += 1;
    return originalSync.call(this, dataId);
  };
  backend.read = function (this: ReadingBackend, dataId: object) {
    reads += 1;
    insideRead = true;
    try {
      return originalAsync.call(this, dataId);
    } finally {
      insideRead = false;
    }
  };
  try {
    const result = await fn();
    return { result, reads };
  } finally {
    backend.readSync = originalSync;
    backend.read = originalAsync;
  }
}

/** Kernels the engine ran during `fn` (`tf.profile`), and the device→host reads it made. */
export async function stepCost(
  fn: () => Promise<void> | void,
): Promise<{ kernels: number; reads: number; kernelNames: Map<string, number> }> {
  let reads = 0;
  const profile = await tf.profile(async () => {
    reads = (await countReads(fn)).reads;
  });
  const kernelNames = new Map<string, number>();
  for (const k of profile.kernels) kernelNames.set(k.name, (kernelNames.get(k.name) ?? 0) + 1);
  return { kernels: profile.kernels.length, reads, kernelNames };
}
