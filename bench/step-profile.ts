/**
 * Load-independent cost of one training step: the kernels the engine runs (`tf.profile`) and the
 * device→host reads (`bench/reads.ts`), for
 *  - the trainer's step (`trainingStep`: ELBO, gradients, non-finite guard, clipping, Adam) on the
 *    MLP 784-400-400-10 (batch 128), deterministic and each estimator;
 *  - the 13-50-1 regression step through `fit`'s step and hand-written against tfjs.
 *
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/step-profile.js [--clip 5] [--top 0] [--json] [--tfjs-adam]
 *
 * Kernel and read counts do not change with machine load, unlike times: use them to compare
 * variants on a busy machine.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { NoiseSource } from '../src/random/index.js';
import { ESTIMATORS } from '../layers/index.js';
import { Elbo } from '../inference/elbo/index.js';
import { categorical, gaussian } from '../inference/likelihoods/index.js';
import { perExample } from '../inference/kl-weighting/index.js';
import { resolveObjective } from '../inference/trainer/objective.js';
import { trainableVariables, trainingStep } from '../inference/trainer/step.js';
import { mlp, MLP_INPUT_FEATURES, type ModelKind } from './models.js';
import { handWrittenCase, regressionData, REGRESSION_BATCH, REGRESSION_RAW_SCALE_INIT, REGRESSION_WIDTHS } from './regression.js';
import { denseVariational } from '../layers/index.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';
import { stepCost } from './reads.js';
import { adam } from '../src/optimizers/index.js';
import type { BenchOptimizer } from './cases.js';

/** Kernels and reads of one step. */
export interface StepCostRow {
  readonly step: string;
  readonly kernels: number;
  readonly reads: number;
  readonly top: Array<[string, number]>;
}

/**
 * Cost of the trainer's step (second call, after one warm-up step) on `model` with `x`, `y`, with
 * the library's multi-tensor Adam (what `fit` runs) or, for comparison, `tf.train.adam`.
 */
export async function trainerStepCost(
  model: tf.LayersModel,
  elbo: Elbo,
  x: tf.Tensor,
  y: tf.Tensor,
  clipGlobalNorm?: number,
  kindOfAdam: BenchOptimizer = 'multi-tensor',
): Promise<{ kernels: number; reads: number; kernelNames: Map<string, number> }> {
  const objective = resolveObjective(model, elbo);
  const optimizer = kindOfAdam === 'tfjs' ? tf.train.adam(1e-3) : adam(1e-3);
  const variables = trainableVariables(model);
  const noise = new NoiseSource(1);
  const clipping = { globalNorm: clipGlobalNorm, value: undefined };
  const at = (step: number) => ({ epoch: 0, step, batchIndex: 0, numBatches: 1, datasetSize: 1000 });
  trainingStep(objective, optimizer, variables, { x, y }, at(0), noise, clipping);
  const cost = await stepCost(() => void trainingStep(objective, optimizer, variables, { x, y }, at(1), noise, clipping));
  optimizer.dispose();
  return cost;
}

function top(names: Map<string, number>, n: number): Array<[string, number]> {
  return [...names.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

async function main(): Promise<void> {
  const argv = checkedArgv(
    process.argv.slice(2),
    'bench/step-profile',
    'Usage: TFJS_BNN_BACKEND=<backend> node dist/bench/step-profile.js [--clip MAXNORM] [--top N] [--json] [--tfjs-adam]',
    {
      values: ['--clip', '--top'],
      switches: ['--json', '--tfjs-adam'],
    },
  );
  const clipRaw = stringFlag(argv, '--clip', null);
  const clip = clipRaw === null ? undefined : Number(clipRaw);
  const topN = integerFlag(argv, '--top', 8, 'bench/step-profile');
  const kindOfAdam: BenchOptimizer = argv.includes('--tfjs-adam') ? 'tfjs' : 'multi-tensor';
  const info = await initBackend();
  const rows: StepCostRow[] = [];

  const x = tf.randomUniform([128, MLP_INPUT_FEATURES], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 2), 10).toFloat());
  for (const kind of ['deterministic', ...ESTIMATORS] as ModelKind[]) {
    const model = mlp(kind);
    const elbo = new Elbo(model, { likelihood: categorical(), klWeighting: perExample() });
    const cost = await trainerStepCost(model, elbo, x, y, clip, kindOfAdam);
    rows.push({
      step: `MLP 784-400-400-10 trainer step, ${kind}`,
      kernels: cost.kernels,
      reads: cost.reads,
      top: top(cost.kernelNames, topN),
    });
    model.dispose();
  }
  tf.dispose([x, y]);

  const { x: rx, y: ry } = regressionData(REGRESSION_BATCH);
  const regression = tf.sequential({
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
  const fitCost = await trainerStepCost(
    regression,
    new Elbo(regression, { likelihood: gaussian({ scale: 1 }), klWeighting: perExample() }),
    rx,
    ry,
    clip,
    kindOfAdam,
  );
  rows.push({ step: '13-50-1 regression, fit step', kernels: fitCost.kernels, reads: fitCost.reads, top: top(fitCost.kernelNames, topN) });
  regression.dispose();
  tf.dispose([rx, ry]);
  const hand = handWrittenCase();
  await hand.step(0);
  const handCost = await stepCost(() => hand.step(1));
  rows.push({
    step: '13-50-1 regression, hand-written step (slices its batch from a dataset)',
    kernels: handCost.kernels,
    reads: handCost.reads,
    top: top(handCost.kernelNames, topN),
  });
  hand.dispose();

  if (argv.includes('--json')) {
    console.log(JSON.stringify({ backend: info.name, clipGlobalNorm: clip ?? null, rows }, null, 2));
    return;
  }
  console.log(`backend ${info.name}${clip !== undefined ? `, clipGlobalNorm ${clip}` : ''}`);
  console.log('| step | kernels | device→host reads | most frequent kernels |');
  console.log('|---|---:|---:|---|');
  for (const row of rows)
    console.log(`| ${row.step} | ${row.kernels} | ${row.reads} | ${row.top.map(([n, c]) => `${n} ${c}`).join(', ')} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
