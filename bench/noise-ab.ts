/**
 * In-process A/B of the normal generator: the trainer step of the MLP 784-400-400-10 (batch 128)
 * with `NoiseSource(…, {normals: 'auto'})` (TensorFlow's stateless Philox on the native backend)
 * against `{normals: 'alea'}` (the JavaScript Alea stream), the two variants alternating step by
 * step in one process so machine load hits both alike. Prints the median of each and their ratio.
 *
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/noise-ab.js [--steps 30] [--estimator reparameterization|flipout|local]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { NoiseSource, type NormalGenerator } from '../src/random/index.js';
import { requireEstimator, type Estimator } from '../layers/estimator.js';
import { Elbo } from '../inference/elbo/index.js';
import { categorical } from '../inference/likelihoods/index.js';
import { perExample } from '../inference/kl-weighting/index.js';
import { resolveObjective } from '../inference/trainer/objective.js';
import { trainableVariables, trainingStep } from '../inference/trainer/step.js';
import { mlp, MLP_INPUT_FEATURES } from './models.js';
import { median } from './stats.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';

async function main(): Promise<void> {
  const argv = checkedArgv(
    process.argv.slice(2),
    'bench/noise-ab',
    'Usage: TFJS_BNN_BACKEND=tensorflow node dist/bench/noise-ab.js [--steps 30] [--estimator reparameterization|flipout|local]',
    {
      values: ['--steps', '--estimator'],
    },
  );
  const steps = integerFlag(argv, '--steps', 30, 'bench/noise-ab');
  const estimator: Estimator = requireEstimator('bench/noise-ab', stringFlag(argv, '--estimator', 'reparameterization') as string);
  const info = await initBackend();
  const x = tf.randomUniform([128, MLP_INPUT_FEATURES], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 2), 10).toFloat());
  const variants = (['auto', 'alea'] as NormalGenerator[]).map((normals) => {
    const model = mlp(estimator);
    const objective = resolveObjective(model, new Elbo(model, { likelihood: categorical(), klWeighting: perExample() }));
    return {
      normals,
      model,
      objective,
      optimizer: tf.train.adam(1e-3),
      variables: trainableVariables(model),
      noise: new NoiseSource(1, { normals }),
      times: [] as number[],
    };
  });
  const clipping = { globalNorm: undefined, value: undefined };
  for (let step = 0; step < steps + 2; step++) {
    for (const v of step % 2 === 0 ? variants : [...variants].reverse()) {
      const start = performance.now();
      trainingStep(
        v.objective,
        v.optimizer,
        v.variables,
        { x, y },
        { epoch: 0, step, batchIndex: 0, numBatches: 1, datasetSize: 60_000 },
        v.noise,
        clipping,
      );
      if (step >= 2) v.times.push(performance.now() - start);
    }
  }
  const [auto, alea] = variants.map((v) => median(v.times));
  console.log(`${info.name}, MLP 784-400-400-10 ${estimator} trainer step, ${steps} interleaved steps each:`);
  console.log(
    `  normals 'auto' (${info.name === 'tensorflow' ? 'TensorFlow Philox' : 'Alea'}): ${auto.toFixed(1)} ms median; 'alea': ${alea.toFixed(1)} ms median; auto/alea ${(auto / alea).toFixed(2)}`,
  );
  for (const v of variants) {
    v.optimizer.dispose();
    v.model.dispose();
  }
  tf.dispose([x, y]);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
