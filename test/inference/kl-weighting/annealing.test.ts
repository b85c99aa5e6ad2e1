import test from 'ava';
import fc from 'fast-check';
import { klWeighting } from '../../../inference/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { near } from '../../helpers/leak.js';
import { at } from './positions.js';

test('linearWarmup by epochs: exactly 0 at the start, linear inside, exactly 1 at the end and after', (t) => {
  const w = klWeighting.linearWarmup({ epochs: 10 });
  t.is(w.weight(at({ epoch: 0, batchIndex: 0 })), 0);
  near(t, w.weight(at({ epoch: 5 })), 0.5, 1e-15);
  // Fractional progress within an epoch: epoch 2, batch 5 of 10 → 2.5 / 10.
  near(t, w.weight(at({ epoch: 2, batchIndex: 5, numBatches: 10 })), 0.25, 1e-15);
  t.is(w.weight(at({ epoch: 10 })), 1);
  t.is(w.weight(at({ epoch: 37 })), 1);
});

test('linearWarmup by steps honours from and to', (t) => {
  const w = klWeighting.linearWarmup({ steps: 100, from: 0.2, to: 0.6 });
  t.is(w.weight(at({ step: 0 })), 0.2);
  near(t, w.weight(at({ step: 50 })), 0.4, 1e-15);
  t.is(w.weight(at({ step: 100 })), 0.6);
  t.is(w.weight(at({ step: 5000 })), 0.6);
});

test('sigmoidWarmup: exactly from at the start, ½ at mid-way, exactly to at the end, monotone between', (t) => {
  const w = klWeighting.sigmoidWarmup({ steps: 200 });
  t.is(w.weight(at({ step: 0 })), 0);
  near(t, w.weight(at({ step: 100 })), 0.5, 1e-12);
  t.is(w.weight(at({ step: 200 })), 1);
  t.is(w.weight(at({ step: 201 })), 1);
  let previous = -1;
  for (let step = 0; step <= 200; step += 10) {
    const value = w.weight(at({ step }));
    t.true(value > previous, `step ${step}`);
    previous = value;
  }
  // A steeper curve stays nearer 0 a quarter of the way in.
  t.true(klWeighting.sigmoidWarmup({ steps: 200, steepness: 20 }).weight(at({ step: 50 })) < w.weight(at({ step: 50 })));
});

test('cyclical (Fu et al. 2019): 0 at each cycle start, 1 after the fraction R, held, then reset', (t) => {
  const w = klWeighting.cyclical({ cycles: 4, ratio: 0.5, totalSteps: 400 });
  t.is(w.weight(at({ step: 0 })), 0);
  near(t, w.weight(at({ step: 25 })), 0.5, 1e-15);
  t.is(w.weight(at({ step: 50 })), 1);
  t.is(w.weight(at({ step: 99 })), 1);
  t.is(w.weight(at({ step: 100 })), 0, 'second cycle resets to 0');
  near(t, w.weight(at({ step: 110 })), 0.2, 1e-15);
  t.is(w.weight(at({ step: 300 })), 0, 'fourth cycle resets to 0');
  t.is(w.weight(at({ step: 399 })), 1);
  t.is(w.weight(at({ step: 400 })), 1, 'holds to after totalSteps');
});

test('cyclical with ratio 1 rises over the whole cycle', (t) => {
  const w = klWeighting.cyclical({ cycles: 2, ratio: 1, totalSteps: 20 });
  near(t, w.weight(at({ step: 5 })), 0.5, 1e-15);
  t.is(w.weight(at({ step: 10 })), 0);
});

test('linearWarmup stays within [from, to] and never decreases (property)', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 1000 }), (steps, step) => {
        const w = klWeighting.linearWarmup({ steps });
        const a = w.weight(at({ step }));
        const b = w.weight(at({ step: step + 1 }));
        return a >= 0 && b <= 1 && b >= a;
      }),
      { numRuns: 100 },
    ),
  );
});

test('warm-up options are validated: exactly one of epochs/steps, from ≥ 0, cycles an integer, ratio in (0, 1]', (t) => {
  t.throws(() => klWeighting.linearWarmup({}), { instanceOf: InvalidArgumentError, message: /exactly one of \{epochs\} or \{steps\}/ });
  t.throws(() => klWeighting.linearWarmup({ epochs: 1, steps: 10 }), { instanceOf: InvalidArgumentError });
  t.throws(() => klWeighting.linearWarmup({ epochs: 0 }), {
    instanceOf: InvalidArgumentError,
    message: /linearWarmup: argument 'epochs' was 0/,
  });
  t.throws(() => klWeighting.linearWarmup({ steps: 10, from: -1 }), { instanceOf: InvalidArgumentError, message: /'from' was -1/ });
  t.throws(() => klWeighting.sigmoidWarmup({ steps: 10, steepness: 0 }), { instanceOf: InvalidArgumentError, message: /steepness/ });
  t.throws(() => klWeighting.cyclical({ cycles: 2.5, totalSteps: 100 }), {
    instanceOf: InvalidArgumentError,
    message: /cyclical: argument 'cycles' was 2.5/,
  });
  t.throws(() => klWeighting.cyclical({ cycles: 4, totalSteps: 3 }), { instanceOf: InvalidArgumentError, message: /totalSteps/ });
  t.throws(() => klWeighting.cyclical({ cycles: 4, totalSteps: 100, ratio: 0 }), { instanceOf: InvalidArgumentError, message: /ratio/ });
  t.throws(() => klWeighting.cyclical({ cycles: 4, totalSteps: 100, ratio: 1.5 }), { instanceOf: InvalidArgumentError });
});
