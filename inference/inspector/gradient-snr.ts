/**
 * Gradient signal-to-noise ratio of one layer and one ELBO term over a window of steps:
 * SNR = ‖E[g]‖₂ / √(Σ_e Var[g_e]), with the expectation over the steps of the window.
 *
 * The layer-level form (norm of the mean over root of the summed variance) stays finite where a
 * per-element |mean|/std would divide by zero, and is the quantity that decides whether a
 * minibatch step moves the layer's weights in a consistent direction (> 1) or mostly jitters
 * them (< 1). Memory: two accumulators the size of the layer's parameters.
 */
import * as tf from '@tensorflow/tfjs';

/** Relative size below which a float32 variance estimate E[g²] − E[g]² is rounding noise. */
const VARIANCE_RESOLUTION = 1e-6;

/** Running Σg and Σg² of a set of variables over a window. Owns its accumulator tensors: call `dispose`. */
export class GradientWindow {
  private sums = new Map<string, tf.Tensor>();
  private squares = new Map<string, tf.Tensor>();
  private steps = 0;

  /** Adds one step's gradients of the named variables (absent gradients count as zero). Tensors stay the caller's. */
  add(names: readonly string[], gradients: tf.NamedTensorMap, shapes: ReadonlyMap<string, number[]>): void {
    for (const name of names) {
      const g = gradients[name];
      const shape = shapes.get(name) ?? [];
      const previousSum = this.sums.get(name);
      const previousSquare = this.squares.get(name);
      const [sum, square] = tf.tidy(() => {
        const value = g ?? tf.zeros(shape);
        return [
          previousSum ? tf.add(previousSum, value) : tf.clone(value),
          previousSquare ? tf.add(previousSquare, tf.square(value)) : tf.square(value),
        ];
      });
      previousSum?.dispose();
      previousSquare?.dispose();
      this.sums.set(name, sum);
      this.squares.set(name, square);
    }
    this.steps += 1;
  }

  /** Number of steps added since the last reset. */
  get size(): number {
    return this.steps;
  }

  /**
   * ‖mean‖ / √(Σ variance) over the steps added (population variance), or NaN with fewer than two
   * steps; +Infinity when the gradient did not vary at all but is non-zero.
   */
  snr(): number {
    if (this.steps < 2) return Number.NaN;
    const n = this.steps;
    const out = tf.tidy(() => {
      let meanSquared: tf.Tensor = tf.scalar(0);
      let variance: tf.Tensor = tf.scalar(0);
      for (const [name, sum] of this.sums) {
        const mean = tf.div(sum, n);
        meanSquared = tf.add(meanSquared, tf.sum(tf.square(mean)));
        variance = tf.add(variance, tf.sum(tf.relu(tf.sub(tf.div(this.squares.get(name)!, n), tf.square(mean)))));
      }
      return tf.stack([meanSquared, variance]);
    });
    const [meanSquared, variance] = out.dataSync();
    out.dispose();
    // E[g²] − E[g]² in float32 cancels to ~1e-7·E[g²] even for a constant gradient; below the
    // resolution of the accumulators the variance is zero.
    if (variance <= VARIANCE_RESOLUTION * meanSquared || variance === 0) return meanSquared > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
    return Math.sqrt(meanSquared) / Math.sqrt(variance);
  }

  /** Forgets every step (disposes the accumulators). */
  reset(): void {
    tf.dispose([...this.sums.values(), ...this.squares.values()]);
    this.sums = new Map();
    this.squares = new Map();
    this.steps = 0;
  }

  /** Releases the accumulators. */
  dispose(): void {
    this.reset();
  }
}
