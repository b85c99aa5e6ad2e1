import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../../../src/errors.js';
import { compiledConvKernelsInUse, useCompiledConvKernels } from '../../../../src/backend/wasm-kernels/conv-runner.js';
import { instantiateConvKernels } from '../../../../src/backend/wasm-kernels/simd-module.js';
import type { WasmBackendLike } from '../../../../src/backend/wasm-kernels/wasm-heap.js';
import { WASM_KERNEL_NAMES } from '../../../../src/backend/wasm-kernels/install.js';
import { expectNoLeak } from '../../../helpers/leak.js';
import { expectWasmMatchesCpu, randomTensor, useWasmBackend } from './compare-with-cpu.js';

test.before(useWasmBackend);

interface ConvCase {
  readonly x: number[];
  readonly filter: number[];
  readonly strides: number;
  readonly pad: 'same' | 'valid';
}

function conv(c: ConvCase, x: tf.Tensor, filter: tf.Tensor): tf.Tensor {
  return c.x.length === 4
    ? tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad)
    : tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, c.strides, c.pad);
}

/** conv(x, filter) and both gradients of Σ r ⊙ conv(x, filter) for a fixed random r. */
function forwardAndGrads(c: ConvCase, seed: number): () => tf.Tensor[] {
  return () => {
    const x = randomTensor(c.x, seed);
    const filter = randomTensor(c.filter, seed + 1);
    const y = conv(c, x, filter);
    const r = randomTensor(y.shape, seed + 2);
    return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c, a, b), r)))([x, filter])];
  };
}

/** Random convolutions: output channels on both sides of the 8-wide SIMD tile, filters up to the input size. */
function convCase(rank: 2 | 3): fc.Arbitrary<ConvCase> {
  const spatial = rank === 2 ? 2 : 3;
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      size: fc.array(fc.integer({ min: 1, max: rank === 2 ? 9 : 5 }), { minLength: spatial, maxLength: spatial }),
      kernel: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: spatial, maxLength: spatial }),
      inChannels: fc.integer({ min: 1, max: 5 }),
      outChannels: fc.integer({ min: 1, max: 11 }),
      strides: fc.integer({ min: 1, max: 2 }),
      pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
    })
    .map((r) => ({
      x: [r.batch, ...r.size, r.inChannels],
      filter: [...r.kernel.map((k, i) => (r.pad === 'valid' ? Math.min(k, r.size[i]) : k)), r.inChannels, r.outChannels],
      strides: r.strides,
      pad: r.pad,
    }));
}

const describe = (c: ConvCase): string => `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${c.pad}`;

test('tfjs-bnn registers its conv, pool, matmul, segment-sum and log1p kernels on wasm and runs the convolutions through the compiled SIMD128 module', (t) => {
  t.deepEqual([...WASM_KERNEL_NAMES].sort(), [
    'BatchMatMul',
    'Conv2D',
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'Conv3D',
    'Conv3DBackpropFilterV2',
    'Conv3DBackpropInputV2',
    'FusedConv2D',
    'Log1p',
    'MaxPool3D',
    'MaxPool3DGrad',
    'MaxPoolGrad',
    'SplitV',
    'UnsortedSegmentSum',
    '_FusedMatMul',
  ]);
  for (const name of WASM_KERNEL_NAMES) t.truthy(tf.getKernel(name, 'wasm'), name);
  t.true(compiledConvKernelsInUse());
});

test('conv2d forward, input gradient and filter gradient on wasm match tfjs-backend-cpu (1e-5 relative) on random shapes', async (t) => {
  let seed = 1;
  await fc.assert(
    fc.asyncProperty(convCase(2), async (c) => expectWasmMatchesCpu(t, forwardAndGrads(c, (seed += 3)), describe(c))),
    { numRuns: 40, seed: 17 },
  );
});

test('conv3d forward, input gradient and filter gradient on wasm match tfjs-backend-cpu (1e-5 relative) on random shapes', async (t) => {
  let seed = 5;
  await fc.assert(
    fc.asyncProperty(convCase(3), async (c) => expectWasmMatchesCpu(t, forwardAndGrads(c, (seed += 3)), describe(c))),
    { numRuns: 30, seed: 17 },
  );
});

test('strided same-padded conv2d where tfjs-backend-wasm 4.22’s XNNPACK kernel errs (≈ 1.8) matches tfjs-backend-cpu', async (t) => {
  await expectWasmMatchesCpu(
    t,
    forwardAndGrads({ x: [2, 8, 5, 2], filter: [1, 3, 2, 8], strides: 2, pad: 'same' }, 41),
    'x 2,8,5,2 filter 1,3,2,8 stride 2 same',
  );
  await expectWasmMatchesCpu(
    t,
    forwardAndGrads({ x: [1, 1, 6, 5], filter: [2, 1, 5, 8], strides: 2, pad: 'same' }, 42),
    'x 1,1,6,5 filter 2,1,5,8 stride 2 same',
  );
});

test('fused conv2d with bias and relu / elu / linear on wasm matches tfjs-backend-cpu, gradients included', async (t) => {
  for (const activation of ['linear', 'relu', 'elu'] as const) {
    await expectWasmMatchesCpu(
      t,
      () => {
        const x = randomTensor([2, 7, 6, 3], 11);
        const filter = randomTensor([3, 3, 3, 9], 12);
        const bias = randomTensor([9], 13);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Tensor =>
          tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 2, pad: 'same', bias: c, activation });
        return [
          f(x, filter, bias),
          ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(f(a, b, c))))([x, filter, bias]),
        ];
      },
      `fused ${activation}`,
    );
  }
});

test('convolutions spanning several im2col chunks (wide and narrow outputs) match tfjs-backend-cpu', async (t) => {
  await expectWasmMatchesCpu(
    t,
    forwardAndGrads({ x: [1, 40, 40, 24], filter: [3, 3, 24, 16], strides: 1, pad: 'same' }, 91),
    '2D, 1600 positions × 216',
  );
  await expectWasmMatchesCpu(
    t,
    forwardAndGrads({ x: [1, 12, 12, 12, 16], filter: [3, 3, 3, 16, 2], strides: 1, pad: 'same' }, 92),
    '3D, 1728 positions × 432',
  );
});

test('conv2dTranspose and conv3dTranspose (the input-gradient kernels as forward ops) and their gradients match tfjs-backend-cpu', async (t) => {
  await expectWasmMatchesCpu(
    t,
    () => {
      const dy = randomTensor([2, 4, 5, 3], 5);
      const filter = randomTensor([3, 3, 2, 3], 6);
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 8, 10, 2], 2, 'same');
      const y = f(dy, filter);
      return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a, b))))([dy, filter])];
    },
    'conv2dTranspose',
  );
  await expectWasmMatchesCpu(
    t,
    () => {
      const dy = randomTensor([1, 3, 2, 3, 4], 7);
      const filter = randomTensor([2, 2, 2, 3, 4], 8);
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
        tf.conv3dTranspose(a as tf.Tensor5D, b as tf.Tensor5D, [1, 6, 4, 6, 3], 2, 'same');
      return [f(dy, filter), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a, b))))([dy, filter])];
    },
    'conv3dTranspose',
  );
});

test('the pure-JS path on heap views (used where the compiled module cannot run) gives the same results', async (t) => {
  const backend = tf.findBackend('wasm') as unknown as WasmBackendLike;
  useCompiledConvKernels(null);
  try {
    t.false(compiledConvKernelsInUse());
    let seed = 300;
    await fc.assert(
      fc.asyncProperty(convCase(2), async (c) => expectWasmMatchesCpu(t, forwardAndGrads(c, (seed += 3)), describe(c))),
      { numRuns: 10, seed: 3 },
    );
  } finally {
    const compiled = await instantiateConvKernels(backend, true);
    useCompiledConvKernels('exports' in compiled ? compiled.exports : null);
  }
  t.true(compiledConvKernelsInUse());
});

test('the wasm conv kernels leave no tensor behind and free their scratch (heap offsets are reused)', async (t) => {
  await tf.setBackend('wasm');
  const c: ConvCase = { x: [2, 9, 9, 3], filter: [3, 3, 3, 9], strides: 1, pad: 'same' };
  await expectNoLeak(t, () => tf.dispose(tf.tidy(forwardAndGrads(c, 1))), 'conv and gradients');
  const backend = tf.findBackend('wasm') as unknown as WasmBackendLike;
  const probe = (): number => {
    const pointer = backend.wasm._malloc(1 << 20);
    backend.wasm._free(pointer);
    return pointer;
  };
  const before = probe();
  for (let i = 0; i < 5; i++) tf.dispose(tf.tidy(forwardAndGrads(c, i)));
  t.is(probe(), before, 'a 1 MiB block lands where it did before: the kernels freed what they allocated');
});

test('Conv2DBackpropFilter on wasm rejects channels-first data with an InvalidArgumentError naming the kernel', (t) => {
  const error = t.throws(
    () =>
      tf.tidy(() =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.zeros([1, 2, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [1, 1, 2, 2],
        } as unknown as tf.NamedAttrMap),
      ),
    { instanceOf: InvalidArgumentError },
  );
  t.regex(error?.message ?? '', /Conv2DBackpropFilter: argument 'dataFormat' was "NCHW"; expected 'NHWC'/);
});
