/**
 * The closed-form KL of a mean-field Gaussian to a fixed scalar Normal prior, summed over every
 * element, as one differentiable op with its gradient written out (`tf.customGrad`). It is the
 * same quantity as `tf.sum(klDivergence(N(loc, scale), N(priorLoc, priorScale)))`, computed in 6
 * element-wise passes forward and 4 backward instead of the ~10 + ~20 that automatic
 * differentiation of the per-element formula takes: the KL of a large layer is then a small share
 * of its training step.
 */
import * as tf from '@tensorflow/tfjs';
import { requireFinite, requirePositive } from '../validate.js';

/**
 * Σ_i KL(N(μ_i, σ_i²) ‖ N(m, s²)) = (1 / 2s²) Σ_i (σ_i² + (μ_i − m)²) − Σ_i log σ_i + n (log s − ½),
 * with gradients ∂/∂μ_i = (μ_i − m) / s² and ∂/∂σ_i = σ_i / s² − 1 / σ_i (differentiable in `loc`
 * and `scale`; the gradient reaches `rawScale` through the softplus that made `scale`).
 * Example: loc 0.3, scale 0.5, prior N(0, 1) gives 0.36315 per element.
 *
 * @param loc posterior means μ (float32, any shape).
 * @param scale posterior standard deviations σ > 0 (same shape as `loc`).
 * @param priorLoc prior mean m (a finite number).
 * @param priorScale prior standard deviation s (a finite number > 0).
 * @returns the summed KL in nats, a scalar the caller owns.
 */
export function klNormalToFixedNormalSum(loc: tf.Tensor, scale: tf.Tensor, priorLoc: number, priorScale: number): tf.Scalar {
  requireFinite('klNormalToFixedNormalSum', 'priorLoc', priorLoc);
  requirePositive('klNormalToFixedNormalSum', 'priorScale', priorScale);
  const inversePriorVariance = 1 / (priorScale * priorScale);
  const constant = loc.size * (Math.log(priorScale) - 0.5);
  const centred = (mu: tf.Tensor) => (priorLoc === 0 ? mu : tf.sub(mu, priorLoc));
  const op = tf.customGrad((...args: unknown[]) => {
    const [mu, sigma, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([mu, sigma]);
    const squares = tf.sum(tf.add(tf.square(sigma), tf.square(centred(mu))));
    const value = tf.add(tf.sub(tf.mul(squares, 0.5 * inversePriorVariance), tf.sum(tf.log(sigma))), constant) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedMu, savedSigma] = saved;
      const dyOverPriorVariance = tf.mul(dy, inversePriorVariance);
      const gradLoc = tf.mul(centred(savedMu), dyOverPriorVariance);
      const gradScale = tf.sub(tf.mul(savedSigma, dyOverPriorVariance), tf.div(dy, savedSigma));
      return [gradLoc, gradScale];
    };
    return { value, gradFunc };
  });
  return op(loc, scale) as tf.Scalar;
}
