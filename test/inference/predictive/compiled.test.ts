// predictive({compile: true}): on tfjs-node's backend the passes of a LayersModel run as one
// TensorFlow graph call each, and the maps are the eager maps bit for bit; elsewhere, or where the
// model cannot be compiled faithfully, every pass stays eager.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { predictive, disposePredictive, type PredictiveResult } from '../../../inference/predictive/index.js';
import { chunkPasses, releaseCompiledPasses } from '../../../inference/predictive/compiled-passes.js';
import { NoiseSource, requireNoiseScope, withNoise } from '../../../src/random/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { conv2dVariational, denseVariational, mcDropout, bayesianUNet, type Estimator } from '../../../layers/index.js';
import { expectNoLeak, take } from '../../helpers/leak.js';
import { withMisroundedFusion } from '../../helpers/misrounded-fusion.js';

const MAPS = ['meanProbability', 'predictiveEntropy', 'expectedEntropy', 'mutualInformation', 'variance'] as const;
const onNative = () => tf.getBackend() === 'tensorflow';

function convModel(estimator: Estimator, name: string): tf.Sequential {
  return tf.sequential({
    layers: [
      conv2dVariational({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        estimator,
        inputShape: [8, 8, 1],
        name: `${name}_a`,
      }),
      mcDropout({ rate: 0.2, name: `${name}_drop` }),
      conv2dVariational({ filters: 1, kernelSize: 3, padding: 'same', estimator, name: `${name}_b` }),
    ],
  });
}

function mapsOf(result: PredictiveResult): number[][] {
  const values = MAPS.map((key) => Array.from(result[key].dataSync()));
  disposePredictive(result);
  return values;
}

const x = () => tf.tidy(() => tf.mul(2, new NoiseSource(4).draws({ step: 0 }, 'x').normal([3, 8, 8, 1])));

for (const estimator of ['reparameterization', 'flipout', 'local'] as const) {
  test(`compile: true gives the eager maps bit for bit (${estimator}, with MC dropout, two chunks), without leaks`, async (t) => {
    const model = convModel(estimator, `c_${estimator}`);
    const input = x();
    const options = { samples: 5, seed: 9, step: 3, chunkSize: 2 };
    const eager = mapsOf(predictive(model, input, options));
    await expectNoLeak(t, () => t.deepEqual(mapsOf(predictive(model, input, { ...options, compile: true })), eager));
    // A second call uses the kept graphs (checked on pass 0 this time) and still gives the eager maps.
    await expectNoLeak(t, () => t.deepEqual(mapsOf(predictive(model, input, { ...options, compile: true })), eager), 'kept graphs');
    // And the passes did run compiled on the native backend (not the eager fallback).
    const noise = new NoiseSource(9);
    const passes = chunkPasses(model, input, noise, 3, (particle) =>
      withNoise(noise, { step: 3, particle }, () => model.predict(input) as tf.Tensor),
    );
    for (let particle = 0; particle < 3; particle++) take(passes.logits(particle));
    t.is(passes.compiled, onNative());
    passes.dispose();
    releaseCompiledPasses(model);
    releaseCompiledPasses(model);
    t.deepEqual(mapsOf(predictive(model, input, { ...options, compile: true })), eager, 'after releaseCompiledPasses');
    releaseCompiledPasses(model);
    tf.dispose(input);
    model.dispose();
  });
}

test('the passes of a 3D U-Net and of a dense net compile (tensorflow) and reproduce the eager logits', (t) => {
  const models: Array<[tf.LayersModel, tf.Tensor]> = [
    [
      bayesianUNet({ rank: 3, inputShape: [8, 8, 8, 1], depth: 2, baseFilters: 2, name: 'cu' }),
      tf.randomNormal([1, 8, 8, 8, 1], 0, 1, 'float32', 5),
    ],
    [
      tf.sequential({
        layers: [
          denseVariational({ units: 5, activation: 'relu', inputShape: [3], name: 'cd_a' }),
          denseVariational({ units: 2, name: 'cd_b' }),
        ],
      }),
      tf.randomNormal([4, 3], 0, 1, 'float32', 6),
    ],
  ];
  for (const [model, input] of models) {
    const noise = new NoiseSource(2);
    const eager = (particle: number) => withNoise(noise, { step: 0, particle }, () => model.predict(input) as tf.Tensor);
    const passes = chunkPasses(model, input, noise, 0, eager);
    for (let particle = 0; particle < 4; particle++)
      t.deepEqual(take(passes.logits(particle)), take(eager(particle)), `${model.name} pass ${particle}`);
    t.is(passes.compiled, onNative(), `${model.name} compiled`);
    passes.dispose();
    model.dispose();
    input.dispose();
  }
});

test('a model function, or a pass with a per-pass value the graph would bake in, stays eager and exact', (t) => {
  const model = convModel('reparameterization', 'c_fn');
  const input = x();
  const noise = new NoiseSource(1);
  // A pass whose result depends on a JavaScript number that changes per pass: the check on pass 1 fails.
  let calls = 0;
  const drifting = (particle: number) =>
    withNoise(noise, { step: 0, particle }, () => tf.tidy(() => tf.add(model.predict(input) as tf.Tensor, calls++)));
  const passes = chunkPasses(model, input, noise, 0, drifting);
  const values = [0, 1, 2].map((particle) => take(passes.logits(particle)));
  t.false(passes.compiled, 'the check on pass 1 falls back to eager passes');
  calls = 0;
  [0, 1, 2].forEach((particle) => t.deepEqual(values[particle], take(drifting(particle))));
  passes.dispose();
  // A function model is never traced.
  const fn = (v: tf.Tensor) => tf.add(v, requireNoiseScope('fn').draws('w').normal([1]));
  const functional = chunkPasses(fn, input, noise, 0, (particle) => withNoise(noise, { step: 0, particle }, () => fn(input)));
  take(functional.logits(0));
  take(functional.logits(1));
  t.false(functional.compiled);
  tf.dispose(input);
  model.dispose();
});

test('options.compile must be a boolean', (t) => {
  const input = x();
  t.throws(() => predictive((v) => v, input, { seed: 1, compile: 'yes' as unknown as boolean }), {
    instanceOf: InvalidArgumentError,
    message: /options\.compile/,
  });
  input.dispose();
});

test('a pass whose fused biases round differently stays eager in that call and is compiled without fusing at the next (tensorflow)', async (t) => {
  if (!onNative()) return t.pass('compiling needs the tensorflow backend');
  const model = convModel('reparameterization', 'fused');
  const input = x();
  const options = { samples: 4, seed: 2, step: 1 };
  const eager = mapsOf(predictive(model, input, options));
  const noise = new NoiseSource(2);
  const passesOf = () =>
    chunkPasses(model, input, noise, 1, (particle) => withNoise(noise, { step: 1, particle }, () => model.predict(input) as tf.Tensor));
  const { result: compiledFlags, fuseBias } = await withMisroundedFusion(() =>
    [0, 1].map(() => {
      const passes = passesOf();
      for (let particle = 0; particle < 3; particle++) take(passes.logits(particle));
      const compiled = passes.compiled;
      passes.dispose();
      return compiled;
    }),
  );
  // First call: traced with fusing, the check on pass 1 fails, the passes stay eager; second call:
  // traced without, checked, compiled.
  t.deepEqual(fuseBias, [true, false]);
  t.deepEqual(compiledFlags, [false, true]);
  t.deepEqual(mapsOf(predictive(model, input, { ...options, compile: true })), eager);
  releaseCompiledPasses(model);
  tf.dispose(input);
  model.dispose();
});
