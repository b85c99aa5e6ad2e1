/**
 * The framework-overhead rows of the bench: Bayes by Backprop on a 13-50-1 regression MLP (ReLU,
 * batch 32, Gaussian likelihood σ = 1, N(0, 1) prior, KL weight 1/N, Adam), once through the
 * library's `fit` and once written directly against tfjs ("hand-written": variables, sampling
 * w = loc + softplus(rawScale)·ε, the closed-form Gaussian KL, `tf.variableGrads`, Adam). Both read
 * the step's loss back to JavaScript once per step, both take the step's batch from the same
 * dataset, so the difference is what `fit` and `Elbo` add per step.
 */
import * as tf from '@tensorflow/tfjs';
import { denseVariational } from '../layers/index.js';
import { fit } from '../inference/trainer/index.js';
import { gaussian } from '../inference/likelihoods/index.js';
import { perExample } from '../inference/kl-weighting/index.js';

/** Input features, hidden units and outputs of the regression MLP. */
export const REGRESSION_WIDTHS: readonly number[] = [13, 50, 1];
/** Batch size of the regression rows. */
export const REGRESSION_BATCH = 32;
/** Adam learning rate of the regression rows. */
export const REGRESSION_LEARNING_RATE = 1e-2;
/** rawScale at the start (σ = softplus(−3) ≈ 0.049, as bayesian-torch and TFP initialise it). */
export const REGRESSION_RAW_SCALE_INIT = -3;

/** A regression row's work: per-step times of a run of steps, or one step for the memory profile. */
export interface RegressionCase {
  readonly model: string;
  readonly forwardFlops: number;
  /** Runs `warmup + steps` training steps and returns the wall time of each timed one, ms. */
  timedSteps(steps: number, warmup: number): Promise<number[]>;
  /** One more training step (used under `tf.profile`). */
  step(index: number): Promise<void>;
  dispose(): void;
}

/** Seeded regression data: x ~ N(0, 1) [n, 13], y = x·a + 0.1·N(0, 1) [n, 1]. Caller owns both. */
export function regressionData(examples: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([examples, REGRESSION_WIDTHS[0]], 0, 1, 'float32', 11) as tf.Tensor2D;
    const a = tf.randomNormal([REGRESSION_WIDTHS[0], 1], 0, 1, 'float32', 12);
    const y = tf.add(tf.matMul(x, a), tf.mul(0.1, tf.randomNormal([examples, 1], 0, 1, 'float32', 13))) as tf.Tensor2D;
    return { x, y };
  });
}

function forwardFlops(): number {
  let flops = 0;
  for (let i = 1; i < REGRESSION_WIDTHS.length; i++) flops += 2 * REGRESSION_BATCH * REGRESSION_WIDTHS[i - 1] * REGRESSION_WIDTHS[i];
  return flops;
}

/**
 * The row through `fit`: one `fit` call of `warmup + steps` batches, timed between `onBatchEnd`
 * callbacks; `compile` runs its steps compiled (the first four steps of a call run eagerly and
 * are not timed).
 */
export function fitCase(multiTensorAdam = true, compile = false): RegressionCase {
  const model = tf.sequential({
    layers: [
      denseVariational({
        units: REGRESSION_WIDTHS[1],
        activation: 'relu',
        inputShape: [REGRESSION_WIDTHS[0]],
        posteriorInit: { rawScaleInit: REGRESSION_RAW_SCALE_INIT },
      }),
      denseVariational({ units: REGRESSION_WIDTHS[2], posteriorInit: { rawScaleInit: REGRESSION_RAW_SCALE_INIT } }),
    ],
  });
  const optimizer = tf.train.adam(REGRESSION_LEARNING_RATE);
  const elbo = { likelihood: gaussian({ scale: 1 }), klWeighting: perExample() };
  let seed = 1;
  const run = async (batches: number, onBatchEnd: () => void, onBegin: () => void) => {
    const { x, y } = regressionData(batches * REGRESSION_BATCH);
    try {
      await fit(
        model,
        { x, y },
        {
          elbo,
          optimizer,
          epochs: 1,
          batchSize: REGRESSION_BATCH,
          seed: seed++,
          progress: 'silent',
          multiTensorAdam,
          compile,
          callbacks: { onEpochBegin: onBegin, onBatchEnd },
        },
      );
    } finally {
      tf.dispose([x, y]);
    }
  };
  return {
    model: `13-50-1 regression step via fit, batch ${REGRESSION_BATCH}${compile ? ', compiled' : ''}`,
    forwardFlops: forwardFlops(),
    async timedSteps(steps, warmup) {
      const marks: number[] = [];
      await run(
        (compile ? Math.max(warmup, 4) : warmup) + steps,
        () => void marks.push(performance.now()),
        () => void marks.push(performance.now()),
      );
      const times = marks.slice(1).map((t, i) => t - marks[i]);
      return times.slice(compile ? Math.max(warmup, 4) : warmup);
    },
    async step() {
      await run(
        1,
        () => undefined,
        () => undefined,
      );
    },
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** One mean-field Gaussian weight tensor of the hand-written model. */
interface HandWrittenWeight {
  readonly loc: tf.Variable;
  readonly rawScale: tf.Variable;
}

/** The same model and step written directly against tfjs. */
export function handWrittenCase(): RegressionCase {
  const weight = (shape: number[], init: () => tf.Tensor): HandWrittenWeight => {
    const loc = init();
    const rawScale = tf.fill(shape, REGRESSION_RAW_SCALE_INIT);
    const result = { loc: tf.variable(loc), rawScale: tf.variable(rawScale) };
    tf.dispose([loc, rawScale]);
    return result;
  };
  const [inputs, hidden, outputs] = REGRESSION_WIDTHS;
  const weights: HandWrittenWeight[] = [
    weight([inputs, hidden], () => tf.initializers.glorotUniform({ seed: 1 }).apply([inputs, hidden]) as tf.Tensor),
    weight([hidden], () => tf.zeros([hidden])),
    weight([hidden, outputs], () => tf.initializers.glorotUniform({ seed: 2 }).apply([hidden, outputs]) as tf.Tensor),
    weight([outputs], () => tf.zeros([outputs])),
  ];
  const optimizer = tf.train.adam(REGRESSION_LEARNING_RATE);
  const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);
  const oneStep = async (x: tf.Tensor, y: tf.Tensor, datasetSize: number, seed: number) => {
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const sampled = weights.map((w, i) => {
          const scale = tf.softplus(w.rawScale);
          return { loc: w.loc, scale, w: tf.add(w.loc, tf.mul(scale, tf.randomNormal(w.loc.shape, 0, 1, 'float32', seed * 4 + i))) };
        });
        const h = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, sampled[0].w as tf.Tensor2D), sampled[1].w));
        const out = tf.add(tf.matMul(h, sampled[2].w as tf.Tensor2D), sampled[3].w);
        const nll = tf.mean(tf.add(tf.mul(0.5, tf.squaredDifference(y, out)), halfLogTwoPi));
        // KL(N(m, s²) ‖ N(0, 1)) = −log s + (s² + m²)/2 − ½, summed over every weight.
        const kls = sampled.map(({ loc, scale }) =>
          tf.sum(tf.sub(tf.mul(0.5, tf.add(tf.square(scale), tf.square(loc))), tf.add(tf.log(scale), 0.5))),
        );
        return tf.add(nll, tf.div(tf.addN(kls), datasetSize)) as tf.Scalar;
      }),
    );
    optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  let seed = 1;
  const run = async (batches: number, after: () => void) => {
    const { x, y } = regressionData(batches * REGRESSION_BATCH);
    try {
      for (let b = 0; b < batches; b++) {
        const xb = tf.slice(x, [b * REGRESSION_BATCH, 0], [REGRESSION_BATCH, -1]);
        const yb = tf.slice(y, [b * REGRESSION_BATCH, 0], [REGRESSION_BATCH, -1]);
        await oneStep(xb, yb, x.shape[0], seed++);
        tf.dispose([xb, yb]);
        after();
      }
    } finally {
      tf.dispose([x, y]);
    }
  };
  return {
    model: `13-50-1 regression step, hand-written tfjs, batch ${REGRESSION_BATCH}`,
    forwardFlops: forwardFlops(),
    async timedSteps(steps, warmup) {
      const marks: number[] = [performance.now()];
      await run(warmup + steps, () => void marks.push(performance.now()));
      return marks
        .slice(1)
        .map((t, i) => t - marks[i])
        .slice(warmup);
    },
    async step() {
      await run(1, () => undefined);
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(weights.flatMap((w) => [w.loc, w.rawScale]));
    },
  };
}
