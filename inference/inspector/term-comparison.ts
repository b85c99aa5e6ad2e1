/**
 * Comparing two gradients of the same variables — the likelihood term's and the KL term's — by
 * norms, ratio and cosine, from three sums: Σ g_L², Σ g_K², Σ g_L·g_K.
 */

/** The three sums of squares/products of a set of gradient elements. Plain numbers. */
export interface GradientSums {
  /** Σ g_L² over the elements. */
  readonly likelihoodSquared: number;
  /** Σ g_K² over the elements. */
  readonly klSquared: number;
  /** Σ g_L · g_K over the elements. */
  readonly dot: number;
  /** Number of scalar elements summed. */
  readonly size: number;
}

/** How the weighted-likelihood gradient and the weighted-KL gradient of a set of parameters compare. */
export interface TermComparison {
  /** ‖∇ likelihood term‖₂. */
  readonly likelihoodNorm: number;
  /** ‖∇ weighted KL term‖₂. */
  readonly klNorm: number;
  /** klNorm / likelihoodNorm: > 1 means the KL pulls harder. +Infinity when only the KL has a gradient, NaN when neither has. */
  readonly ratio: number;
  /** cos ∠(∇ likelihood, ∇ KL) in [−1, 1]; negative means the terms pull against each other. NaN if either is zero. */
  readonly cosine: number;
  /** ‖∇ likelihood + ∇ KL‖₂: the norm of the gradient the optimizer sees. */
  readonly sumNorm: number;
  /** Number of scalar parameters compared. */
  readonly size: number;
}

/** Sum of several `GradientSums`. */
export function addSums(parts: readonly GradientSums[]): GradientSums {
  return parts.reduce(
    (a, b) => ({
      likelihoodSquared: a.likelihoodSquared + b.likelihoodSquared,
      klSquared: a.klSquared + b.klSquared,
      dot: a.dot + b.dot,
      size: a.size + b.size,
    }),
    { likelihoodSquared: 0, klSquared: 0, dot: 0, size: 0 },
  );
}

/** Norms, ratio, cosine and norm of the sum from the three sums. */
export function compareTerms(sums: GradientSums): TermComparison {
  const likelihoodNorm = Math.sqrt(sums.likelihoodSquared);
  const klNorm = Math.sqrt(sums.klSquared);
  const ratio = likelihoodNorm > 0 ? klNorm / likelihoodNorm : klNorm > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  const cosine = likelihoodNorm > 0 && klNorm > 0 ? Math.max(-1, Math.min(1, sums.dot / (likelihoodNorm * klNorm))) : Number.NaN;
  // ‖a + b‖² = ‖a‖² + ‖b‖² + 2a·b; clamp the rounding error of nearly opposite gradients.
  const sumNorm = Math.sqrt(Math.max(0, sums.likelihoodSquared + sums.klSquared + 2 * sums.dot));
  return { likelihoodNorm, klNorm, ratio, cosine, sumNorm, size: sums.size };
}
