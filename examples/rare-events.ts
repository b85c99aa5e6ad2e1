/**
 * Rare-event sequence labelling, the time-series face of lesion segmentation: ≈ 0.03 % of the
 * timesteps are positive (a faint bump in a noisy two-channel signal with non-event distractors),
 * a Bayesian conv1d net labels each timestep. Three recipes are compared on the same data, seed and
 * number of steps:
 *
 *  A. heavily weighted BCE (w = (1 − f)/f ≈ 3 300), uniformly drawn windows, no clipping;
 *  B. the same with global-norm gradient clipping (5);
 *  C. positive-centred windows (`PatchSampler`, ½ of the windows centred on an event) with a
 *     moderate weight (w = 10) and clipping.
 *
 * Reported per recipe: the validation average precision of the posterior-mean net after every epoch
 * (not the per-batch loss, which swings with how many positives a batch happens to hold), and the
 * spikes of the validation loss (measured every `EVAL_EVERY` steps): a spike is a rise above twice
 * the best value so far; its recovery time is the number of steps until the loss is back under 1.1×
 * that best value ("never" when the run ends first).
 *
 * Run: `npx tsc -p . && node dist/examples/rare-events.js [--epochs 6] [--quick]`
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { PatchSampler } from '../src/io/patch-sampler.js';
import { conv1dVariational, setSamplingMode } from '../layers/index.js';
import { bernoulli, weightedBernoulli } from '../inference/likelihoods/index.js';
import * as klWeighting from '../inference/kl-weighting/index.js';
import { fit } from '../inference/trainer/index.js';
import seedrandom from 'seedrandom';
import { exampleArgs } from './example-args.js';

const flags = exampleArgs(
  'rare-events',
  'Rare-event sequence labelling (0.03 % positive timesteps): weighted BCE with and without clipping, and positive-centred windows.',
  [
    { name: 'epochs', description: 'training epochs (empty: 6, or 3 with --quick)', defaultValue: '' },
    { name: 'quick', description: 'shorter series and fewer steps', defaultValue: 'false', isSwitch: true },
  ],
);
const QUICK = flags.quick === 'true';
const EPOCHS = flags.epochs === '' ? (QUICK ? 3 : 6) : Number(flags.epochs);
/** Timesteps per training window. */
const WINDOW = 2048;
const TRAIN_LENGTH = QUICK ? 400_000 : 1_600_000;
const VALIDATION_LENGTH = QUICK ? 200_000 : 400_000;
/** One event every ~3 300 steps: 0.03 % positive timesteps. */
const EVENT_RATE = 0.0003;
const BATCH = 8;
const STEPS_PER_EPOCH = QUICK ? 10 : 25;
const EVAL_EVERY = 5;

/** A two-channel signal: events are a width-9 bump on channel 0 with a dip on channel 1; distractors bump channel 0 only. */
function makeSeries(length: number, seed: string): { x: Float32Array; y: Uint8Array } {
  const random = seedrandom.alea(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x = new Float32Array(2 * length);
  const y = new Uint8Array(length);
  for (let t = 0; t < length; t++) {
    x[2 * t] = 0.5 * normal();
    x[2 * t + 1] = 0.5 * normal();
  }
  const bump = (centre: number, channel: number, height: number) => {
    for (let d = -6; d <= 6; d++)
      if (centre + d >= 0 && centre + d < length) x[2 * (centre + d) + channel] += height * Math.exp(-(d * d) / 8);
  };
  for (let t = 20; t < length - 20; t++) {
    if (random() < EVENT_RATE) {
      y[t] = 1;
      bump(t, 0, 1.2);
      bump(t, 1, -0.8);
    } else if (random() < 2 * EVENT_RATE) {
      bump(t, 0, 1.2);
    }
  }
  return { x, y };
}

function buildModel(seed: number): tf.LayersModel {
  const init = { seed, rawScaleInit: -5 };
  return tf.sequential({
    layers: [
      conv1dVariational({
        filters: 8,
        kernelSize: 9,
        padding: 'same',
        activation: 'relu',
        inputShape: [null, 2] as unknown as number[],
        posteriorInit: init,
      }),
      conv1dVariational({ filters: 8, kernelSize: 9, padding: 'same', activation: 'relu', posteriorInit: init }),
      conv1dVariational({ filters: 1, kernelSize: 1, posteriorInit: init }),
    ],
  });
}

/** Average precision of `scores` for `labels` (area under the precision–recall curve, step-wise). */
function averagePrecision(scores: Float32Array, labels: Uint8Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const positives = labels.reduce((n, v) => n + v, 0);
  let found = 0;
  let sum = 0;
  order.forEach((index, rank) => {
    if (labels[index]) {
      found++;
      sum += found / (rank + 1);
    }
  });
  return positives === 0 ? Number.NaN : sum / positives;
}

interface Recipe {
  readonly name: string;
  readonly positiveWeight: number;
  readonly clip: number | undefined;
  readonly positiveFraction: number;
}

async function runRecipe(recipe: Recipe, train: { x: Float32Array; y: Uint8Array }, validation: { x: Float32Array; y: Uint8Array }) {
  const model = buildModel(1);
  const sampler = new PatchSampler(
    { image: train.x, mask: train.y, shape: [1, TRAIN_LENGTH, 2] },
    { patchSize: [WINDOW], batchSize: BATCH, positiveFraction: recipe.positiveFraction, flipAxes: [], seed: 7 },
  );
  const vx = tf.tensor(validation.x, [1, VALIDATION_LENGTH, 2]);
  const vy = tf.tensor(Float32Array.from(validation.y), [1, VALIDATION_LENGTH, 1]);
  const plain = bernoulli();
  const validate = (): { loss: number; scores: Float32Array } => {
    setSamplingMode(model, 'mean');
    try {
      return tf.tidy(() => {
        const logits = model.predict(vx) as tf.Tensor;
        return { loss: tf.mean(plain.perElement(vy, logits)).dataSync()[0], scores: tf.sigmoid(logits).dataSync() as Float32Array };
      });
    } finally {
      setSamplingMode(model, 'sample');
    }
  };
  const losses: Array<{ step: number; loss: number }> = [];
  const precisionPerEpoch: number[] = [];
  const lossPerEpoch: number[] = [];
  const optimizer = tf.train.adam(3e-3);
  await fit(model, sampler.dataset(STEPS_PER_EPOCH), {
    elbo: {
      likelihood: recipe.positiveWeight === 1 ? plain : weightedBernoulli({ positiveWeight: recipe.positiveWeight }),
      klWeighting: klWeighting.perExample(),
      countUnit: 'images',
    },
    optimizer,
    epochs: EPOCHS,
    datasetSize: Math.round(TRAIN_LENGTH / WINDOW),
    batchesPerEpoch: STEPS_PER_EPOCH,
    seed: 3,
    clip: { globalNorm: recipe.clip },
    progress: 'silent',
    callbacks: {
      onBatchEnd: (record) => {
        if (record.step % EVAL_EVERY === 0) losses.push({ step: record.step, loss: validate().loss });
      },
      onEpochEnd: () => {
        const { loss, scores } = validate();
        lossPerEpoch.push(loss);
        precisionPerEpoch.push(averagePrecision(scores, validation.y));
      },
    },
  });
  tf.dispose([vx, vy]);
  optimizer.dispose();
  model.dispose();
  return { precisionPerEpoch, lossPerEpoch, spikes: spikesOf(losses) };
}

/** Spikes of a validation-loss series and the steps each took to recover (see module doc). */
function spikesOf(
  losses: ReadonlyArray<{ step: number; loss: number }>,
): Array<{ step: number; ratio: number; recoveredAfter: number | 'never' }> {
  const spikes: Array<{ step: number; ratio: number; recoveredAfter: number | 'never' }> = [];
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < losses.length; i++) {
    const { step, loss } = losses[i];
    if (Number.isFinite(best) && loss > 2 * best) {
      const back = losses.slice(i + 1).find((l) => l.loss <= 1.1 * best);
      spikes.push({ step, ratio: loss / best, recoveredAfter: back === undefined ? 'never' : back.step - step });
      // Skip to the recovery so one excursion counts once.
      const j = back === undefined ? losses.length : losses.indexOf(back);
      i = j - 1;
      continue;
    }
    best = Math.min(best, loss);
  }
  return spikes;
}

await initBackend();
const train = makeSeries(TRAIN_LENGTH, 'rare-events|train');
const validation = makeSeries(VALIDATION_LENGTH, 'rare-events|validation');
const fraction = train.y.reduce((n, v) => n + v, 0) / TRAIN_LENGTH;
console.log(
  `backend ${tf.getBackend()}; ${TRAIN_LENGTH} training steps with ${(100 * fraction).toFixed(3)} % positives, ${VALIDATION_LENGTH} validation steps; ${EPOCHS} epochs × ${STEPS_PER_EPOCH} steps of ${BATCH} windows of ${WINDOW}`,
);
const weight = Math.round((1 - fraction) / fraction);
const recipes: Recipe[] = [
  { name: `A: weighted BCE w=${weight}, uniform windows, no clipping`, positiveWeight: weight, clip: undefined, positiveFraction: 0 },
  { name: `B: weighted BCE w=${weight}, uniform windows, clip 5`, positiveWeight: weight, clip: 5, positiveFraction: 0 },
  { name: 'C: BCE w=10, ½ positive-centred windows, clip 5', positiveWeight: 10, clip: 5, positiveFraction: 0.5 },
];
for (const recipe of recipes) {
  const started = performance.now();
  const result = await runRecipe(recipe, train, validation);
  console.log(`\n${recipe.name} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  console.log(`  validation average precision per epoch: ${result.precisionPerEpoch.map((v) => v.toFixed(3)).join(', ')}`);
  console.log(`  validation BCE per epoch (unweighted, nats per step): ${result.lossPerEpoch.map((v) => v.toPrecision(3)).join(', ')}`);
  console.log(
    `  validation-loss spikes (> 2× best so far): ${result.spikes.length === 0 ? 'none' : result.spikes.map((s) => `step ${s.step} (×${s.ratio.toFixed(1)}, ${s.recoveredAfter === 'never' ? 'not recovered by the end' : `recovered after ${s.recoveredAfter} steps`})`).join('; ')}`,
  );
}
