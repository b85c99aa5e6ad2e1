import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectWasmMatchesCpu, randomTensor, useWasmBackend } from './compare-with-cpu.js';

test.before(useWasmBackend);

interface MatMulCase {
  readonly aShape: number[];
  readonly bShape: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Random (batched, broadcast) products in all four transpose combinations. */
const matMulCase: fc.Arbitrary<MatMulCase> = fc
  .record({
    batchA: fc.constantFrom<number[]>([], [1], [3], [2, 2]),
    broadcastB: fc.boolean(),
    m: fc.integer({ min: 1, max: 17 }),
    k: fc.integer({ min: 1, max: 19 }),
    n: fc.integer({ min: 1, max: 13 }),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
  })
  .map((r) => {
    const batchB = r.broadcastB && r.batchA.length > 0 ? r.batchA.map(() => 1) : r.batchA;
    return {
      aShape: [...r.batchA, ...(r.transposeA ? [r.k, r.m] : [r.m, r.k])],
      bShape: [...batchB, ...(r.transposeB ? [r.n, r.k] : [r.k, r.n])],
      transposeA: r.transposeA,
      transposeB: r.transposeB,
    };
  });

const describe = (c: MatMulCase): string => `a ${c.aShape}${c.transposeA ? 'ᵀ' : ''} · b ${c.bShape}${c.transposeB ? 'ᵀ' : ''}`;

test('matMul with any transposes and broadcast batches on wasm matches tfjs-backend-cpu, gradients included (unbroadcast)', async (t) => {
  let seed = 1;
  await fc.assert(
    fc.asyncProperty(matMulCase, async (c) => {
      const caseSeed = (seed += 2);
      return expectWasmMatchesCpu(
        t,
        () => {
          const a = randomTensor(c.aShape, caseSeed);
          const b = randomTensor(c.bShape, caseSeed + 1);
          const f = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.matMul(x, y, c.transposeA, c.transposeB);
          // tfjs-core's BatchMatMul gradient does not reduce over broadcast batch axes (it throws on cpu too).
          const broadcast = c.aShape.slice(0, -2).join() !== c.bShape.slice(0, -2).join();
          return broadcast ? f(a, b) : [f(a, b), ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(f(x, y))))([a, b])];
        },
        describe(c),
      );
    }),
    { numRuns: 60, seed: 11 },
  );
});

test('fused matMul with bias and relu, transposed operands, on wasm matches tfjs-backend-cpu', async (t) => {
  for (const [transposeA, transposeB] of [
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    await expectWasmMatchesCpu(
      t,
      () => {
        const a = randomTensor(transposeA ? [9, 6] : [6, 9], 3);
        const b = randomTensor(transposeB ? [5, 9] : [9, 5], 4);
        const bias = randomTensor([5], 5);
        return tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation: 'relu' });
      },
      `fused transposeA=${transposeA} transposeB=${transposeB}`,
    );
  }
});

test('transposed matMul on wasm leaves no tensor behind', async (t) => {
  await tf.setBackend('wasm');
  await expectNoLeak(t, () => tf.dispose(tf.tidy(() => tf.matMul(randomTensor([4, 7], 1), randomTensor([5, 7], 2), false, true))), 'a·bᵀ');
  await expectNoLeak(t, () => tf.dispose(tf.tidy(() => tf.matMul(randomTensor([7, 4], 1), randomTensor([5, 7], 2), true, true))), 'aᵀ·bᵀ');
});
