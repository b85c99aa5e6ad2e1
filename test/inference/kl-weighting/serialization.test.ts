import test from 'ava';
import { klWeighting, klWeightingFromJSON, type KLWeighting } from '../../../inference/index.js';
import { FormatError, InvalidArgumentError } from '../../../src/errors.js';
import { at } from './positions.js';

const positions = [at(), at({ epoch: 2, step: 37, batchIndex: 3 }), at({ epoch: 20, step: 900, batchIndex: 9, datasetSize: 77 })];

const schemes: KLWeighting[] = [
  klWeighting.perExample(),
  klWeighting.perExample(321),
  klWeighting.perMinibatch(),
  klWeighting.blundell(),
  klWeighting.constant(0.25),
  klWeighting.temperedLikelihood(0.3),
  klWeighting.temperedPosterior(0.3),
  klWeighting.linearWarmup({ epochs: 5, from: 0.1 }),
  klWeighting.sigmoidWarmup({ steps: 50, steepness: 6 }),
  klWeighting.cyclical({ cycles: 3, ratio: 0.25, totalSteps: 120 }),
  klWeighting.expression('min(1, step / 100) / datasetSize'),
  klWeighting.perLayer(klWeighting.product(klWeighting.perExample(), klWeighting.temperedPosterior(0.5)), [
    { match: /^out/i, weighting: klWeighting.blundell() },
  ]),
];

test('every built-in weighting survives JSON.stringify → klWeightingFromJSON with equal weights', (t) => {
  for (const original of schemes) {
    const copy = klWeightingFromJSON(JSON.parse(JSON.stringify(original)));
    t.is(copy.name, original.name);
    t.deepEqual(copy.toJSON(), original.toJSON());
    for (const position of positions) {
      for (const layer of [undefined, { name: 'OUTPUT' }, { name: 'dense' }]) {
        t.deepEqual(
          klWeighting.klTermWeights(copy, position, layer),
          klWeighting.klTermWeights(original, position, layer),
          `${original.name} at step ${position.step}`,
        );
      }
    }
  }
});

test('a perLayer override matched by a function cannot be serialized (FormatError says use a RegExp)', (t) => {
  const w = klWeighting.perLayer(klWeighting.blundell(), [{ match: () => true, weighting: klWeighting.constant(1) }]);
  t.throws(() => w.toJSON(), { instanceOf: FormatError, message: /use a RegExp/ });
});

test('unknown names and bad configs are typed errors; custom weightings can be registered', (t) => {
  t.throws(() => klWeightingFromJSON({ name: 'nope', config: {} }), {
    instanceOf: InvalidArgumentError,
    message: /spec\.name' was "nope"; expected one of .*'blundell'/,
  });
  t.throws(() => klWeightingFromJSON({ name: 'constant', config: { beta: 'x' } }), { instanceOf: InvalidArgumentError });
  t.throws(() => klWeightingFromJSON(null), { instanceOf: InvalidArgumentError });
  t.throws(() => klWeighting.registerKLWeighting('blundell', () => klWeighting.blundell()), {
    instanceOf: InvalidArgumentError,
    message: /not registered yet/,
  });
  const half: KLWeighting = {
    name: 'test-half',
    describe: 'Minimises NLL + KL / 2.',
    weight: () => 0.5,
    toJSON: () => ({ name: 'test-half', config: {} }),
  };
  klWeighting.registerKLWeighting('test-half', () => half);
  t.is(klWeightingFromJSON({ name: 'test-half', config: {} }).weight(at()), 0.5);
});
