// With zero posterior scale, every variational recurrent layer computes exactly what its tf.layers
// twin computes with the same weights, for every combination of the sequence flags.
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import type { LSTMVariationalArgs } from '../../layers/index.js';
import { NoiseSource, withNoise } from '../../src/random/index.js';
import { fixedTensor } from './fixtures.js';
import { RECURRENT_KINDS, copyLocs, maxDifference, referenceOf, setRecurrentWeights, variationalOf } from './recurrent-fixtures.js';

const BATCH = 3;
const TIME = 5;
const INPUT_DIM = 4;
const UNITS = 3;
// softplus(−30) ≈ 9e−14: a sampled weight equals its loc to float32 precision.
const NEGLIGIBLE_RAW_SCALE = -30;

const FLAG_SETS: Array<{ label: string; args: Partial<LSTMVariationalArgs>; masked: boolean }> = [
  { label: 'last output', args: {}, masked: false },
  { label: 'returnSequences', args: { returnSequences: true }, masked: false },
  { label: 'returnState', args: { returnState: true }, masked: false },
  { label: 'goBackwards', args: { goBackwards: true }, masked: false },
  {
    label: 'returnSequences+returnState+goBackwards',
    args: { returnSequences: true, returnState: true, goBackwards: true },
    masked: false,
  },
  {
    label: 'no bias, relu, sigmoid gates, returnSequences',
    args: { useBias: false, activation: 'relu', recurrentActivation: 'sigmoid', returnSequences: true },
    masked: false,
  },
  { label: 'masked, returnSequences', args: { returnSequences: true }, masked: true },
  { label: 'masked, returnState, goBackwards', args: { returnState: true, goBackwards: true }, masked: true },
];

// Trailing padding in row 0, a hole in the middle of row 1, nothing masked in row 2.
const MASK = [
  [1, 1, 1, 0, 0],
  [1, 0, 1, 1, 0],
  [1, 1, 1, 1, 1],
];

const MODES = [
  { label: "'mean' mode", samplingMode: 'mean' as const, estimator: 'reparameterization' as const },
  { label: 'reparameterization at σ ≈ 0', samplingMode: 'sample' as const, estimator: 'reparameterization' as const },
  { label: 'flipout at σ ≈ 0', samplingMode: 'sample' as const, estimator: 'flipout' as const },
];

for (const kind of RECURRENT_KINDS) {
  for (const { label, args, masked } of FLAG_SETS) {
    test(`${kind}, ${label}: equals tf.layers' ${kind} with the same weights to 1e-5 in mean mode and when sampling at σ ≈ 0 (both estimators)`, (t) => {
      const x = fixedTensor([BATCH, TIME, INPUT_DIM], 5);
      const mask = tf.tensor2d(MASK);
      const kwargs = masked ? { mask } : {};
      for (const mode of MODES) {
        const layerArgs: LSTMVariationalArgs = { units: UNITS, ...args, samplingMode: mode.samplingMode, estimator: mode.estimator };
        const layer = variationalOf(kind, layerArgs);
        const reference = referenceOf(kind, layerArgs);
        const input = tf.input({ shape: [TIME, INPUT_DIM] });
        layer.apply(input);
        reference.apply(input);
        setRecurrentWeights(layer, 7, NEGLIGIBLE_RAW_SCALE);
        copyLocs(layer, reference);
        tf.tidy(() => {
          const expected = reference.apply(x, kwargs) as tf.Tensor | tf.Tensor[];
          const actual = withNoise(new NoiseSource(1), { step: 0 }, () => layer.apply(x, kwargs) as tf.Tensor | tf.Tensor[]);
          const expectedShapes = ([] as tf.Tensor[]).concat(expected).map((tensor) => tensor.shape);
          t.deepEqual(
            ([] as tf.Tensor[]).concat(actual).map((tensor) => tensor.shape),
            expectedShapes,
            mode.label,
          );
          const difference = maxDifference(actual, expected);
          t.true(difference < 1e-5, `${mode.label}: max |Δ| ${difference}`);
        });
        layer.dispose();
        reference.dispose();
      }
      tf.dispose([x, mask]);
    });
  }
}

test('symbolic shapes match tf.layers: computeOutputShape with returnSequences/returnState, and the output mask of returnSequences', (t) => {
  for (const kind of RECURRENT_KINDS) {
    for (const args of [{}, { returnSequences: true }, { returnState: true }, { returnSequences: true, returnState: true }]) {
      const input = tf.input({ shape: [TIME, INPUT_DIM] });
      const ours = variationalOf(kind, { units: UNITS, ...args }).apply(input) as tf.SymbolicTensor | tf.SymbolicTensor[];
      const theirs = referenceOf(kind, { units: UNITS, ...args }).apply(input) as tf.SymbolicTensor | tf.SymbolicTensor[];
      const shapes = (s: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
        ([] as tf.SymbolicTensor[]).concat(s).map((symbolic) => symbolic.shape);
      t.deepEqual(shapes(ours), shapes(theirs), `${kind} ${JSON.stringify(args)}`);
    }
  }
  const layer = variationalOf('lstm', { units: UNITS, returnSequences: true, returnState: true });
  tf.tidy(() => {
    const mask = tf.tensor2d(MASK);
    const masks = layer.computeMask(tf.zeros([BATCH, TIME, INPUT_DIM]), mask) as Array<tf.Tensor | null>;
    t.is(masks.length, 3);
    t.is(masks[0], mask);
    t.deepEqual(masks.slice(1), [null, null]);
  });
  t.deepEqual(layer.states, [null, null]);
});

test('unitForgetBias starts the forget-gate bias loc at 1 and the other gates at 0, as tf.layers', (t) => {
  const layer = variationalOf('lstm', { units: 2, unitForgetBias: true });
  layer.apply(tf.input({ shape: [1, 3] }));
  t.deepEqual(Array.from(layer.variationalWeights('bias').loc.read().dataSync()), [0, 0, 1, 1, 0, 0, 0, 0]);
  layer.dispose();
});
