/**
 * Multi-tensor Adam's moment buffers: the first and second moments of every variable in one flat
 * 1-D tensor each, the slot layout that says which variable owns which stretch, and the moves a
 * step needs — binding the slots to the variables of an update (restored slots by position, new
 * variables as zero stretches), taking out the stretches of the variables a step updates and
 * merging their new values back, and the per-variable copies `getWeights` hands out.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';
import { concatFlat, sameShape, slotOf, splitFlat, type FlatSlot } from './flat-layout.js';

/** The moments of some slots as flat buffers, and how to keep their new values. */
export interface SlotMoments {
  readonly first: tf.Tensor1D;
  readonly second: tf.Tensor1D;
  /** Keeps `first` and `second` as the new moments of those slots; the other slots keep theirs. */
  commit(first: tf.Tensor1D, second: tf.Tensor1D): void;
}

/** The two flat moment buffers of an optimizer and their slot layout; owns the buffers. */
export class FlatMoments {
  /** Which variable owns which stretch, in buffer order. */
  private slotList: FlatSlot[] = [];
  /** Whether the slots name live variables (false right after `restore`, until the next `bind`). */
  private bound = true;
  /** Σ sizes long each; null while there are no slots. */
  private first: tf.Tensor1D | null = null;
  private second: tf.Tensor1D | null = null;

  /** The slot layout, in buffer order. */
  get slots(): readonly FlatSlot[] {
    return this.slotList;
  }

  /**
   * The two buffers when their slots are bound to exactly `variableNames`, in that order; else
   * null. The tensors stay this object's.
   */
  exactlyFor(variableNames: readonly string[]): { first: tf.Tensor1D; second: tf.Tensor1D } | null {
    const { first, second } = this;
    if (!this.bound || first === null || second === null || this.slotList.length !== variableNames.length) return null;
    return this.slotList.every((slot, i) => slot.name === variableNames[i]) ? { first, second } : null;
  }

  /**
   * The slot index of each named variable: restored slots are bound by position at the first call
   * after `restore`, unknown names get new zero-initialised slots.
   *
   * @throws ShapeError when a restored slot's shape is not its variable's.
   */
  bind(wanted: ReadonlyArray<{ name: string; shape: readonly number[] }>): number[] {
    if (!this.bound && wanted.length > 0) {
      this.slotList = this.slotList.map((slot, i) => {
        if (i >= wanted.length) return slot;
        if (!sameShape(slot.shape, wanted[i].shape)) {
          throw new ShapeError(
            'MultiTensorAdam.applyGradients',
            `restored moment ${i} ('${slot.name}')`,
            slot.shape,
            `[${wanted[i].shape.join(', ')}], the shape of variable '${wanted[i].name}' (restored state binds by position)`,
          );
        }
        return slotOf(wanted[i].name, wanted[i].shape);
      });
      this.bound = true;
    }
    const byName = new Map(this.slotList.map((s, i) => [s.name, i]));
    const added = wanted.filter((w) => !byName.has(w.name)).map((w) => slotOf(w.name, w.shape));
    if (added.length > 0) {
      tf.tidy(() => {
        const zeros = tf.zeros([added.reduce((a, s) => a + s.size, 0)]);
        const grow = (buffer: tf.Tensor1D | null) => (buffer === null ? zeros.clone() : tf.concat([buffer, zeros])) as tf.Tensor1D;
        this.replace(grow(this.first), grow(this.second));
      });
      for (const slot of added) byName.set(slot.name, this.slotList.push(slot) - 1);
    }
    return wanted.map((w) => byName.get(w.name) as number);
  }

  /**
   * The moments of the slots at `indices` (bound by `bind`), in that order, as flat buffers: the
   * whole buffers when `indices` is every slot in order, else the stretches concatenated. Call
   * inside a `tf.tidy`; `commit` keeps the new values it is given (`tf.keep`).
   */
  forSlots(indices: readonly number[]): SlotMoments {
    const first = this.first as tf.Tensor1D;
    const second = this.second as tf.Tensor1D;
    const slots = this.slotList;
    if (indices.length === slots.length && indices.every((slot, i) => slot === i)) {
      return { first, second, commit: (newFirst, newSecond) => this.replace(newFirst, newSecond) };
    }
    const sizes = slots.map((s) => s.size);
    const [firstParts, secondParts] = [tf.split(first, sizes), tf.split(second, sizes)];
    const position = new Map(indices.map((slot, k) => [slot, k]));
    const updatedSizes = indices.map((i) => slots[i].size);
    // Slots without a gradient keep their stretches unchanged.
    const merge = (old: tf.Tensor[], fresh: tf.Tensor1D) => {
      const freshParts = tf.split(fresh, updatedSizes);
      return tf.concat(slots.map((_, i) => (position.has(i) ? freshParts[position.get(i) as number] : old[i]))) as tf.Tensor1D;
    };
    return {
      first: concatFlat(indices.map((i) => firstParts[i])),
      second: concatFlat(indices.map((i) => secondParts[i])),
      commit: (newFirst, newSecond) => this.replace(merge(firstParts, newFirst), merge(secondParts, newSecond)),
    };
  }

  /** Takes `first` and `second` (Σ sizes long, slot layout unchanged) as the buffers; frees the old ones. */
  replace(first: tf.Tensor1D, second: tf.Tensor1D): void {
    this.disposeBuffers();
    this.first = tf.keep(first);
    this.second = tf.keep(second);
  }

  /** Copies of every slot's first and second moment, in slot order and shaped as its variable; the caller owns them. */
  copies(): { firsts: tf.Tensor[]; seconds: tf.Tensor[] } {
    const { first, second } = this;
    if (first === null || second === null) return { firsts: [], seconds: [] };
    return tf.tidy(() => ({
      firsts: splitFlat(first, this.slotList).map((t) => t.clone()),
      seconds: splitFlat(second, this.slotList).map((t) => t.clone()),
    }));
  }

  /**
   * Replaces everything by moments restored from a saved layout: slot names and shapes from
   * `firsts` (names ending in `/m`), bound to variables by position at the next `bind`. The given
   * tensors stay the caller's.
   */
  restore(firsts: ReadonlyArray<{ name: string; tensor: tf.Tensor }>, seconds: readonly tf.Tensor[]): void {
    this.disposeBuffers();
    this.slotList = firsts.map((f) => slotOf(f.name.replace(/\/m$/, ''), f.tensor.shape));
    this.bound = firsts.length === 0;
    if (firsts.length === 0) return;
    this.first = tf.tidy(() => tf.keep(concatFlat(firsts.map((f) => f.tensor)).clone()));
    this.second = tf.tidy(() => tf.keep(concatFlat(seconds).clone()));
  }

  /** Frees the buffers (the slot layout stays). Idempotent. */
  disposeBuffers(): void {
    tf.dispose([this.first, this.second].filter((b): b is tf.Tensor1D => b !== null));
    this.first = null;
    this.second = null;
  }
}
