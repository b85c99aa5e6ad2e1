// How the variational recurrent layers sample: one weight draw per call shared by every time step
// (replayed here from the noise streams), Flipout signs per sequence, unbiasedness, the KL, the
// gradients, leaks and bad input.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { priors, variationalLayers, type RecurrentVariational } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { InvalidArgumentError, NoiseSourceError, ShapeError } from '../../src/errors.js';
import { expectNoLeak } from '../helpers/leak.js';
import { fixedTensor, fixedValues, klNormal64, setParameter, softplus64 } from './fixtures.js';
import {
  GATES,
  RECURRENT_KINDS,
  maxDifference,
  referenceOf,
  setRecurrentWeights,
  variationalOf,
  type RecurrentKind,
} from './recurrent-fixtures.js';

const BATCH = 3;
const TIME = 4;
const INPUT_DIM = 2;
const UNITS = 3;
const RAW_SCALE = -1; // σ = softplus(−1) ≈ 0.313: noise large enough to matter

function builtLayer(kind: RecurrentKind, estimator: 'reparameterization' | 'flipout', name: string): RecurrentVariational {
  const layer = variationalOf(kind, { units: UNITS, estimator, returnSequences: true, name });
  layer.apply(tf.input({ shape: [TIME, INPUT_DIM] }));
  setRecurrentWeights(layer, 21, RAW_SCALE);
  return layer;
}

/** loc + softplus(rawScale)·ε with ε replayed from `stream`: what the layer drew (Δ only with `deltaOnly`). */
function replayed(layer: RecurrentVariational, index: number, noise: NoiseSource, stream: string, deltaOnly = false): tf.Tensor {
  const parameter = layer.variationalParameters[index];
  return tf.tidy(() => {
    const delta = tf.mul(parameter.scale(), noise.draws({ step: 3, particle: 1 }, `${layer.name}/${stream}`).normal(parameter.shape));
    return deltaOnly ? delta : tf.add(parameter.loc, delta);
  });
}

for (const kind of RECURRENT_KINDS) {
  test(`${kind}, reparameterization: the output equals tf.layers' ${kind} run with ONE weight sample replayed from the streams kernel/recurrent_kernel/bias (shared by all steps)`, (t) => {
    const layer = builtLayer(kind, 'reparameterization', `replay_${kind}`);
    const reference = referenceOf(kind, { units: UNITS, returnSequences: true });
    reference.apply(tf.input({ shape: [TIME, INPUT_DIM] }));
    const noise = new NoiseSource('replay');
    tf.tidy(() => {
      reference.setWeights([
        replayed(layer, 0, noise, 'kernel'),
        replayed(layer, 1, noise, 'recurrent_kernel'),
        replayed(layer, 2, noise, 'bias'),
      ]);
      const x = fixedTensor([BATCH, TIME, INPUT_DIM], 22);
      const actual = withNoise(noise, { step: 3, particle: 1 }, () => layer.apply(x) as tf.Tensor);
      const expected = reference.apply(x) as tf.Tensor;
      const difference = maxDifference(actual, expected);
      t.true(difference < 1e-5, `max |Δ| ${difference}`);
      const again = withNoise(noise, { step: 3, particle: 1 }, () => layer.apply(x) as tf.Tensor);
      t.deepEqual(Array.from(again.dataSync()), Array.from(actual.dataSync()), 'the same position replays bit for bit');
      const other = withNoise(noise, { step: 4 }, () => layer.apply(x) as tf.Tensor);
      t.true(maxDifference(other, actual) > 1e-3, 'another step draws other weights');
    });
    layer.dispose();
    reference.dispose();
  });

  test(`${kind}, flipout: sequence b sees W_b = loc + ΔW∘(s_b r_bᵀ), U_b = loc + ΔU∘(p_b q_bᵀ) with signs drawn per sequence and kept over time; equal inputs give different sequences`, (t) => {
    const layer = builtLayer(kind, 'flipout', `flipout_${kind}`);
    const reference = referenceOf(kind, { units: UNITS, returnSequences: true });
    reference.apply(tf.input({ shape: [TIME, INPUT_DIM] }));
    const noise = new NoiseSource('flipout-replay');
    const width = GATES[kind] * UNITS;
    tf.tidy(() => {
      const x = tf.tile(fixedTensor([1, TIME, INPUT_DIM], 23), [BATCH, 1, 1]);
      const actual = withNoise(noise, { step: 3, particle: 1 }, () => layer.apply(x) as tf.Tensor);
      const kernelDelta = replayed(layer, 0, noise, 'kernel', true);
      const recurrentDelta = replayed(layer, 1, noise, 'recurrent_kernel', true);
      const bias = replayed(layer, 2, noise, 'bias');
      const signs = noise.draws({ step: 3, particle: 1 }, `${layer.name}/signs`);
      const [inputSigns, outputSigns, stateSigns, recurrentSigns] = [
        signs.signs([BATCH, INPUT_DIM]),
        signs.signs([BATCH, width]),
        signs.signs([BATCH, UNITS]),
        signs.signs([BATCH, width]),
      ];
      const [kernel, recurrentKernel] = layer.variationalParameters;
      for (let b = 0; b < BATCH; b++) {
        const row = (m: tf.Tensor) => tf.slice(m, [b, 0], [1, -1]);
        const kernelB = tf.add(kernel.loc, tf.mul(kernelDelta, tf.matMul(row(inputSigns), row(outputSigns), true)));
        const recurrentB = tf.add(recurrentKernel.loc, tf.mul(recurrentDelta, tf.matMul(row(stateSigns), row(recurrentSigns), true)));
        reference.setWeights([kernelB, recurrentB, bias]);
        const expected = reference.apply(tf.slice(x, [b, 0, 0], [1, -1, -1])) as tf.Tensor;
        const difference = maxDifference(tf.slice(actual, [b, 0, 0], [1, -1, -1]), expected);
        t.true(difference < 1e-5, `sequence ${b}: max |Δ| ${difference}`);
      }
      const first = tf.slice(actual, [0, 0, 0], [1, -1, -1]);
      t.true(
        maxDifference(tf.slice(actual, [1, 0, 0], [1, -1, -1]), first) > 1e-4,
        'two sequences with equal inputs see different weights',
      );
    });
    layer.dispose();
    reference.dispose();
  });
}

for (const estimator of ['reparameterization', 'flipout'] as const) {
  test(`${estimator}: unbiased through the recurrence — with linear activations over 2 steps, E[h_t] equals the mean-weights output (h_2 = x_2W + b + (x_1W + b)U, W, U, b independent), within 4.5 standard errors`, (t) => {
    const K = 300;
    const layer = variationalOf('simpleRNN', {
      units: UNITS,
      estimator,
      activation: 'linear',
      returnSequences: true,
      name: `unbiased_${estimator}`,
    });
    layer.apply(tf.input({ shape: [2, INPUT_DIM] }));
    setRecurrentWeights(layer, 31, RAW_SCALE);
    const x = fixedTensor([BATCH, 2, INPUT_DIM], 32);
    const noise = new NoiseSource(`rnn-unbiased-${estimator}`);
    const outputs = tf.tidy(() =>
      tf.stack(Array.from({ length: K }, (_, step) => withNoise(noise, { step }, () => layer.apply(x) as tf.Tensor))),
    );
    layer.samplingMode = 'mean';
    const meanOutput = Array.from((layer.apply(x) as tf.Tensor).dataSync());
    const { mean, variance } = tf.moments(outputs, 0);
    const average = Array.from(mean.dataSync());
    const spread = Array.from(variance.dataSync());
    average.forEach((value, i) => {
      const standardError = Math.sqrt(spread[i] / K);
      t.true(
        standardError > 0 && Math.abs(value - meanOutput[i]) < 4.5 * standardError,
        `[${i}] ${value} vs ${meanOutput[i]} ± ${standardError}`,
      );
    });
    tf.dispose([outputs, x, mean, variance]);
    layer.dispose();
  });
}

test('the KL is the closed-form Σ KL(N(loc, σ²) ‖ prior) over kernel, recurrent kernel and bias; a point-estimate bias adds nothing', (t) => {
  for (const kind of RECURRENT_KINDS) {
    for (const bayesianBias of [true, false]) {
      const layer = variationalOf(kind, { units: UNITS, prior: priors.normal({ loc: 0.1, scale: 0.5 }), bayesianBias });
      layer.apply(tf.input({ shape: [TIME, INPUT_DIM] }));
      let expected = 0;
      layer.variationalParameters.forEach((parameter, i) => {
        const loc = fixedValues(parameter.size, 40 + i);
        const raw = fixedValues(parameter.size, 50 + i).map((v) => v - 2);
        setParameter(layer, parameter.name, loc, raw);
        for (let j = 0; j < parameter.size; j++) expected += klNormal64(loc[j], softplus64(raw[j]), 0.1, 0.5);
      });
      const width = GATES[kind] * UNITS;
      t.deepEqual(
        layer.variationalParameters.map((p) => p.name),
        bayesianBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'],
      );
      t.is(layer.numVariationalWeights, INPUT_DIM * width + UNITS * width + (bayesianBias ? width : 0));
      const kl = tf.tidy(() => layer.kl().dataSync()[0]);
      t.true(Math.abs(kl - expected) < 1e-4 * Math.abs(expected), `${kind} bayesianBias=${bayesianBias}: ${kl} vs ${expected}`);
      layer.dispose();
    }
  }
});

test('gradients of Σ output + KL are finite for every trainable variable, and non-zero for every rawScale (both estimators)', (t) => {
  for (const kind of RECURRENT_KINDS) {
    for (const estimator of ['reparameterization', 'flipout'] as const) {
      const layer = builtLayer(kind, estimator, `grads_${kind}_${estimator}`);
      const x = fixedTensor([BATCH, TIME, INPUT_DIM], 60);
      const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () =>
          withNoise(new NoiseSource(6), { step: 0 }, () =>
            tf.tidy(() => tf.add(tf.sum(layer.apply(x) as tf.Tensor), layer.kl()) as tf.Scalar),
          ),
        variables,
      );
      t.is(Object.keys(grads).length, 6, `${kind}/${estimator}: loc and rawScale of 3 parameters`);
      for (const variable of variables) {
        const values = grads[variable.name].dataSync();
        t.true(values.every(Number.isFinite), `${variable.name} finite`);
        if (variable.name.includes('raw_scale'))
          t.true(
            values.some((v) => v !== 0),
            `${variable.name} non-zero`,
          );
      }
      tf.dispose([value, x, ...Object.values(grads)]);
      layer.dispose();
    }
  }
});

test('no tensor leaks across build/forward/KL/gradient/dispose cycles of stacked recurrent models (all kinds, both estimators, masks)', async (t) => {
  const x = fixedTensor([2, TIME, INPUT_DIM], 70);
  const mask = tf.tensor2d([
    [1, 1, 0, 0],
    [1, 1, 1, 1],
  ]);
  const noise = new NoiseSource(7);
  await expectNoLeak(t, () => {
    for (let step = 0; step < 12; step++) {
      const kind = RECURRENT_KINDS[step % 3];
      const estimator = step % 2 === 0 ? 'reparameterization' : 'flipout';
      const input = tf.input({ shape: [TIME, INPUT_DIM] });
      const first = variationalOf(kind, { units: 3, estimator, returnSequences: true });
      const second = variationalOf(kind, { units: 2, estimator, returnState: step % 4 === 0 });
      const outputs = ([] as tf.SymbolicTensor[]).concat(
        second.apply(first.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor | tf.SymbolicTensor[],
      );
      const model = tf.model({ inputs: input, outputs });
      const { value, grads } = tf.variableGrads(() =>
        withNoise(noise, { step }, () =>
          tf.tidy(() => {
            const hidden = first.apply(x, { mask }) as tf.Tensor;
            const output = ([] as tf.Tensor[]).concat(second.apply(hidden, { mask }) as tf.Tensor | tf.Tensor[]);
            return tf.add(tf.sum(output[0]), tf.addN(variationalLayers(model).map((layer) => layer.kl()))) as tf.Scalar;
          }),
        ),
      );
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    }
  });
  tf.dispose([x, mask]);
});

test('bad arguments and inputs are typed errors naming the function, the argument and what was expected', (t) => {
  t.throws(() => variationalOf('lstm', { units: 2, estimator: 'local' }), {
    instanceOf: InvalidArgumentError,
    message:
      /lstmVariational: argument 'estimator' was "local"; expected 'reparameterization' or 'flipout': .*recurrent kernel's input h_\{t−1\} depends on the samples of earlier steps/,
  });
  t.throws(() => variationalOf('gru', { units: 2, stateful: true }), {
    instanceOf: InvalidArgumentError,
    message: /gruVariational: argument 'stateful' was true; expected false/,
  });
  t.throws(() => variationalOf('simpleRNN', { units: 0 }), {
    instanceOf: InvalidArgumentError,
    message: "simpleRNNVariational: argument 'units' was 0; expected an integer ≥ 1.",
  });
  t.throws(() => variationalOf('lstm', { units: 2, recurrentActivation: 'leaky' as 'relu' }), {
    instanceOf: InvalidArgumentError,
    message: /lstmVariational: argument 'recurrentActivation' was "leaky"/,
  });
  const layer = variationalOf('lstm', { units: 2, samplingMode: 'mean' });
  t.throws(() => layer.apply(tf.input({ shape: [3] })), {
    instanceOf: ShapeError,
    message: /LSTMVariational.build: 'input' has shape \[-1, 3\]; expected rank 3 \[batch, time, inputDim\]/,
  });
  layer.apply(tf.input({ shape: [TIME, INPUT_DIM] }));
  t.throws(() => tf.tidy(() => layer.apply(tf.zeros([1, TIME, 5])) as tf.Tensor), {
    instanceOf: ShapeError,
    message: /LSTMVariational.call: 'input' has shape \[1, 4, 5\]; expected a last axis of 2/,
  });
  t.throws(() => tf.tidy(() => layer.apply(tf.zeros([1, TIME, INPUT_DIM]), { initialState: [tf.zeros([1, 2])] }) as tf.Tensor), {
    instanceOf: InvalidArgumentError,
    message: /LSTMVariational.call: argument 'initialState'/,
  });
  layer.samplingMode = 'sample';
  t.throws(() => tf.tidy(() => layer.apply(tf.zeros([1, TIME, INPUT_DIM])) as tf.Tensor), {
    instanceOf: NoiseSourceError,
    message: /LSTMVariational.call: a stochastic forward pass ran without a noise source/,
  });
  layer.dispose();
});
