/**
 * The layout of a flat (multi-tensor) optimizer buffer: which variable occupies which stretch of
 * one 1-D tensor, and the two moves between the per-variable and the flat view — concatenation
 * (one `Concat` kernel plus one `Reshape` per variable) and splitting (one `SplitV` kernel plus one
 * `Reshape` per variable).
 */
import * as tf from '@tensorflow/tfjs';

/** One variable's stretch of a flat buffer. */
export interface FlatSlot {
  /** The variable's name (`tf.Variable.name`), or the saved name while the slot is not yet bound. */
  readonly name: string;
  /** The variable's shape. */
  readonly shape: readonly number[];
  /** Its number of elements. */
  readonly size: number;
}

/** A slot for a tensor of `shape`. */
export function slotOf(name: string, shape: readonly number[]): FlatSlot {
  return { name, shape: [...shape], size: shape.reduce((a, b) => a * b, 1) };
}

/**
 * The tensors as one 1-D tensor, in order (a [0] tensor for none). Call inside `tf.tidy`: the
 * result may be one of the inputs itself (a single rank-1 tensor), so it is not a copy to own.
 */
export function concatFlat(tensors: readonly tf.Tensor[]): tf.Tensor1D {
  if (tensors.length === 0) return tf.zeros([0]);
  const flat = tensors.map((t) => (t.rank === 1 ? t : tf.reshape(t, [-1])));
  return (flat.length === 1 ? flat[0] : tf.concat(flat)) as tf.Tensor1D;
}

/**
 * The stretches of `flat` laid out by `slots`, each reshaped to its slot's shape. Call inside
 * `tf.tidy`: with one rank-1 slot the result is `flat` itself.
 */
export function splitFlat(flat: tf.Tensor, slots: readonly FlatSlot[]): tf.Tensor[] {
  if (slots.length === 0) return [];
  const parts =
    slots.length === 1
      ? [flat]
      : tf.split(
          flat,
          slots.map((s) => s.size),
        );
  return parts.map((part, i) => (slots[i].shape.length === 1 ? part : tf.reshape(part, [...slots[i].shape])));
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
