/**
 * The part of tfjs-node's `NodeJSKernelBackend` that tfjs-bnn calls directly: one TensorFlow eager op
 * by name through the binding. Inspected at run time, never imported, so files that use it stay
 * safe in a browser bundle (there the native backend is simply absent).
 */
import * as tf from '@tensorflow/tfjs';

/** The attribute of a TensorFlow eager op as the tfjs-node binding takes it. */
export interface OpAttr {
  readonly name: string;
  readonly type: number;
  readonly value: number | string;
}

/** The constants of the tfjs-node binding used to describe attributes and dtypes. */
interface BindingConstants {
  readonly TF_ATTR_TYPE: number;
  readonly TF_FLOAT: number;
  readonly TF_INT32: number;
}

/** tfjs-node's backend object, as far as tfjs-bnn uses it. */
export interface NativeBackend {
  /** Runs the TensorFlow op `name` on `inputs` (tensors of this backend); returns its only output, owned by the caller. */
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  readonly binding: BindingConstants;
}

/** `backend` as tfjs-node's backend when it has the binding calls used here, else null. */
export function asNativeBackend(backend: unknown): NativeBackend | null {
  const candidate = backend as Partial<NativeBackend> | null;
  if (candidate === null || typeof candidate !== 'object') return null;
  const binding = candidate.binding;
  if (typeof candidate.executeSingleOutput !== 'function' || binding === undefined) return null;
  if (typeof binding.TF_ATTR_TYPE !== 'number' || typeof binding.TF_FLOAT !== 'number' || typeof binding.TF_INT32 !== 'number') return null;
  return candidate as NativeBackend;
}

/** The active backend when it is tfjs-node's `tensorflow` and exposes the binding, else null. */
export function activeNativeBackend(): NativeBackend | null {
  return tf.getBackend() === 'tensorflow' ? asNativeBackend(tf.backend()) : null;
}

/** The `T` (element type) attribute for float32 inputs. */
export function floatTypeAttr(backend: NativeBackend, name = 'T'): OpAttr {
  return { name, type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT };
}
