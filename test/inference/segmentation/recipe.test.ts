import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import {
  PHANTOM_SEGMENTATION_RECIPE,
  segmentationObjective,
  segmentationRecipe,
  segmentationUNetArgs,
} from '../../../inference/segmentation/index.js';
import { diceCrossEntropy } from '../../../inference/likelihoods/index.js';
import { Elbo } from '../../../inference/elbo/index.js';
import { bayesianUNet } from '../../../layers/unet.js';
import { NoiseSource } from '../../../src/random/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { expectNoLeak, near, take } from '../../helpers/leak.js';

const position = (datasetSize: number) => ({ epoch: 0, step: 0, batchIndex: 0, numBatches: 1, datasetSize });

test('the recipe is frozen, and segmentationRecipe() with no overrides returns exactly its values', (t) => {
  t.true(Object.isFrozen(PHANTOM_SEGMENTATION_RECIPE));
  t.true(Object.isFrozen(PHANTOM_SEGMENTATION_RECIPE.loss));
  t.deepEqual(segmentationRecipe(), { ...PHANTOM_SEGMENTATION_RECIPE, loss: { ...PHANTOM_SEGMENTATION_RECIPE.loss } });
  const changed = segmentationRecipe({ epochs: 3, loss: { diceWeight: 0.5 } as never });
  t.is(changed.epochs, 3);
  t.is(changed.loss.diceWeight, 0.5);
  t.is(changed.loss.positiveWeight, PHANTOM_SEGMENTATION_RECIPE.loss.positiveWeight, 'unnamed loss fields keep their defaults');
});

test('the KL is on: the weight is β/N with N counted in images (never 0), β = klTemperature', (t) => {
  const objective = segmentationObjective();
  t.is(objective.countUnit, 'images');
  const beta = PHANTOM_SEGMENTATION_RECIPE.klTemperature;
  t.true(beta > 0);
  near(t, objective.klWeighting.weight(position(48)), beta / 48, 1e-12, 'default β');
  near(t, segmentationObjective(segmentationRecipe({ klTemperature: 0.1 })).klWeighting.weight(position(40)), 0.1 / 40, 1e-12, 'β = 0.1');
  near(
    t,
    segmentationObjective(segmentationRecipe({ klTemperature: 1 })).klWeighting.weight(position(40)),
    1 / 40,
    1e-12,
    'β = 1: the ELBO',
  );
});

test('the objective’s loss is diceCrossEntropy with the recipe’s options (same values on the same logits)', (t) => {
  const y = tf.tensor4d([0, 1, 0, 0, 0, 0, 1, 1], [2, 2, 2, 1]);
  const z = tf.tensor4d([-1, 2, 0.5, -3, 1, -2, 0.3, 0], [2, 2, 2, 1]);
  const { likelihood } = segmentationObjective();
  t.is(likelihood.name, 'diceCrossEntropy');
  const got = take((likelihood as ReturnType<typeof diceCrossEntropy>).perImage(y, z));
  const want = take(diceCrossEntropy(PHANTOM_SEGMENTATION_RECIPE.loss).perImage(y, z));
  t.deepEqual(got, want);
  tf.dispose([y, z]);
});

test('segmentationUNetArgs builds a seeded 2D U-Net of the recipe: same seed, same initial weights, rawScaleInit applied', (t) => {
  const recipe = segmentationRecipe({ imageSize: 16, baseFilters: 2, depth: 2 });
  const args = segmentationUNetArgs(recipe);
  t.deepEqual(args.inputShape, [16, 16, 1]);
  const a = bayesianUNet(args);
  const b = bayesianUNet(segmentationUNetArgs(recipe));
  const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
  t.deepEqual(weights(a), weights(b));
  const raw = a.weights.find((w) => w.name.includes('raw_scale'));
  t.truthy(raw);
  t.is(raw?.read().dataSync()[0], recipe.rawScaleInit);
  t.deepEqual(a.outputs[0].shape, [null, 16, 16, 1]);
  a.dispose();
  b.dispose();
});

test('an Elbo built from the recipe evaluates on a tiny batch with a finite loss and a positive weighted KL, leaking nothing', async (t) => {
  const model = bayesianUNet(segmentationUNetArgs(segmentationRecipe({ imageSize: 8, baseFilters: 1, depth: 1 })));
  const elbo = new Elbo(model, segmentationObjective());
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3);
  const y = tf.cast(tf.greater(x, 1.5), 'float32');
  await expectNoLeak(t, () => {
    const report = elbo.report(elbo.terms(x, y, position(2), new NoiseSource(1)));
    t.true(Number.isFinite(report.loss));
    t.true(report.klTerm > 0, `KL term ${report.klTerm} > 0`);
    near(t, report.klWeight, PHANTOM_SEGMENTATION_RECIPE.klTemperature / 2, 1e-12);
  });
  tf.dispose([x, y]);
  model.dispose();
});

test('segmentationRecipe rejects bad fields with a message naming the function, field and value', (t) => {
  t.throws(() => segmentationRecipe({ imageSize: 50 }), {
    instanceOf: InvalidArgumentError,
    message: /segmentationRecipe: argument 'imageSize' was 50; expected a multiple of 2\^depth = 4/,
  });
  t.throws(() => segmentationRecipe({ klTemperature: 0 }), {
    instanceOf: InvalidArgumentError,
    message: /segmentationRecipe: argument 'klTemperature' was 0/,
  });
  t.throws(() => segmentationRecipe({ klTemperature: 2 }), {
    instanceOf: InvalidArgumentError,
    message: /'klTemperature' was 2; expected β in \(0, 1\]/,
  });
  t.throws(() => segmentationRecipe({ estimator: 'mc-dropout' as never }), {
    instanceOf: InvalidArgumentError,
    message: /segmentationRecipe: argument 'estimator'/,
  });
  t.throws(() => segmentationRecipe({ lesionFraction: 0.5 }), { instanceOf: InvalidArgumentError, message: /'lesionFraction' was 0.5/ });
  t.throws(() => segmentationRecipe({ loss: { positiveWeight: -1 } as never }), {
    instanceOf: InvalidArgumentError,
    message: /'loss.positiveWeight' was -1/,
  });
  t.throws(() => segmentationRecipe(null as never), { instanceOf: InvalidArgumentError, message: /'overrides'/ });
});
