import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { bayesianUNet } from '../../../../layers/unet.js';
import { collectKL, disposeKLBreakdown } from '../../../../layers/index.js';
import { ESTIMATORS, type Estimator } from '../../../../layers/estimator.js';
import { NoiseSource, withNoise } from '../../../../src/random/index.js';
import { useWasmBackend } from './compare-with-cpu.js';

test.before(useWasmBackend);

/** Tolerance of the issue for a full training step: wasm within 1e-4 of cpu (relative to each tensor's scale). */
const STEP_TOLERANCE = 1e-4;
/**
 * Seed of the initial weights, so the check is the same on every run. Unseeded, the Glorot draw changed
 * from run to run; one run of the native suite drew weights for which a gradient tensor nearly cancelled
 * (largest |g| 0.0028) and float32 round-off (3e-7) exceeded 1e-4 of that tensor's own scale. Over seeds
 * 0–14 the worst per-tensor error is 8.2e-6 (2D) and 3.7e-6 (3D) of the tensor's scale.
 */
const INIT_SEED = 17;

interface StepResult {
  readonly loss: number;
  readonly grads: Float32Array[];
}

/**
 * Builds a small 2D and a small 3D Bayesian U-Net (conv, strided max-pool on odd sizes, transposed conv,
 * skip concatenation) on the active backend with the given weights, and returns loss = Σ(f(x) − y)² + KL and
 * the gradient of every trainable variable at one replayable noise position.
 */
function stepOn(
  rank: 2 | 3,
  estimator: Estimator,
  weights: Float32Array[] | null,
  seed = INIT_SEED,
): { result: StepResult; weights: Float32Array[] } {
  const inputShape = rank === 2 ? [10, 10, 2] : [6, 6, 6, 1];
  const model = bayesianUNet({
    rank,
    inputShape,
    depth: 1,
    baseFilters: 3,
    estimator,
    name: `step_${rank}_${estimator}`,
    posteriorInit: { seed },
  });
  try {
    if (weights !== null)
      model.trainableWeights.forEach((w, i) =>
        tf.tidy(() => {
          w.write(tf.tensor(weights[i], w.shape as number[]));
        }),
      );
    const own = model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
    const x = tf.tidy(() => tf.sin(tf.range(0, 2 * inputShape.reduce((a, b) => a * b)).reshape([2, ...inputShape])));
    const y = tf.tidy(() =>
      tf.cos(tf.range(0, 2 * inputShape.slice(0, -1).reduce((a, b) => a * b)).reshape([2, ...inputShape.slice(0, -1), 1])),
    );
    const noise = new NoiseSource('wasm-step');
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () =>
        withNoise(noise, { step: 3, particle: 0 }, () => {
          const kl = collectKL(model);
          const loss = tf.add(tf.sum(tf.squaredDifference(model.apply(x) as tf.Tensor, y)), kl.total) as tf.Scalar;
          disposeKLBreakdown(kl);
          return loss;
        }),
      variables,
    );
    const result = { loss: value.dataSync()[0], grads: variables.map((v) => grads[v.name].dataSync() as Float32Array) };
    tf.dispose([x, y, value, ...Object.values(grads)]);
    return { result, weights: own };
  } finally {
    model.dispose();
  }
}

for (const rank of [2, 3] as const) {
  test(`a ${rank}D Bayesian U-Net training step (loss and every gradient) on wasm is within 1e-4 of cpu and replays exactly, for all three estimators`, async (t) => {
    for (const estimator of ESTIMATORS) {
      await tf.setBackend('wasm');
      const first = stepOn(rank, estimator, null);
      const replay = stepOn(rank, estimator, first.weights);
      await tf.setBackend('cpu');
      const cpu = stepOn(rank, estimator, first.weights);
      await tf.setBackend('wasm');
      t.is(replay.result.loss, first.result.loss, `${estimator}: the same weights and noise give the same loss on wasm`);
      t.true(
        Math.abs(first.result.loss - cpu.result.loss) <= STEP_TOLERANCE * Math.abs(cpu.result.loss),
        `${estimator}: loss ${first.result.loss} vs cpu ${cpu.result.loss}`,
      );
      cpu.result.grads.forEach((want, i) => {
        const got = first.result.grads[i];
        t.deepEqual(Array.from(replay.result.grads[i]), Array.from(got), `${estimator}: gradient ${i} replays`);
        let scale = 1e-6;
        let worst = 0;
        for (let j = 0; j < want.length; j++) scale = Math.max(scale, Math.abs(want[j]));
        for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]));
        t.true(worst <= STEP_TOLERANCE * scale, `${estimator}: gradient ${i} max |error| ${worst} > 1e-4 × ${scale}`);
      });
    }
  });
}
