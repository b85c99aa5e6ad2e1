import test from 'ava';
import { klWeighting } from '../../../inference/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { near } from '../../helpers/leak.js';
import { at } from './positions.js';

test('product multiplies its factors: perExample × linearWarmup', (t) => {
  const w = klWeighting.product(klWeighting.perExample(), klWeighting.linearWarmup({ epochs: 4 }));
  t.is(w.weight(at({ epoch: 0, datasetSize: 100 })), 0);
  near(t, w.weight(at({ epoch: 1, datasetSize: 100 })), 0.25 / 100, 1e-15);
  near(t, w.weight(at({ epoch: 9, datasetSize: 100 })), 1 / 100, 1e-15);
});

test('product of a tempered posterior multiplies the two weights part by part', (t) => {
  const w = klWeighting.product(klWeighting.perExample(50), klWeighting.temperedPosterior(0.2));
  const weights = klWeighting.klTermWeights(w, at());
  near(t, weights.crossEntropy, 1 / 50, 1e-15);
  near(t, weights.entropy, 0.2 / 50, 1e-15);
  t.is(klWeighting.product(klWeighting.perExample(50)).termWeights, undefined, 'a product of plain multipliers stays plain');
});

test('perLayer: the first matching override wins (RegExp on the name or predicate), others get the base', (t) => {
  const base = klWeighting.constant(0.5);
  const w = klWeighting.perLayer(base, [
    { match: /^out/, weighting: klWeighting.constant(2) },
    { match: (layer) => layer.name.includes('conv'), weighting: klWeighting.constant(3) },
    { match: /conv/, weighting: klWeighting.constant(4) },
  ]);
  t.is(w.weight(at(), { name: 'output_dense' }), 2);
  t.is(w.weight(at(), { name: 'conv3d_1' }), 3);
  t.is(w.weight(at(), { name: 'dense_1' }), 0.5);
  t.is(w.weight(at()), 0.5, 'without a layer: the base');
});

test('a RegExp with the g flag matches every call (no lastIndex state)', (t) => {
  const w = klWeighting.perLayer(klWeighting.constant(1), [{ match: /dense/g, weighting: klWeighting.constant(0) }]);
  t.is(w.weight(at(), { name: 'dense' }), 0);
  t.is(w.weight(at(), { name: 'dense' }), 0);
});

test('perLayer passes two-part weights of the chosen weighting through', (t) => {
  const w = klWeighting.perLayer(klWeighting.constant(1), [{ match: /a/, weighting: klWeighting.temperedPosterior(0.5) }]);
  t.deepEqual(klWeighting.klTermWeights(w, at(), { name: 'a' }), { crossEntropy: 1, entropy: 0.5 });
  t.deepEqual(klWeighting.klTermWeights(w, at(), { name: 'b' }), { crossEntropy: 1, entropy: 1 });
});

test('composition arguments are validated', (t) => {
  t.throws(() => klWeighting.product(), { instanceOf: InvalidArgumentError, message: /product: argument 'weightings'/ });
  t.throws(() => klWeighting.product(klWeighting.blundell(), 3 as never), { instanceOf: InvalidArgumentError, message: /weightings\[1\]/ });
  t.throws(() => klWeighting.perLayer(klWeighting.blundell(), [{ match: 'dense' as never, weighting: klWeighting.blundell() }]), {
    instanceOf: InvalidArgumentError,
    message: /overrides\[0\]\.match/,
  });
});
