import test from 'ava';
import { convForward, convBackpropFilter, convBackpropInput } from '../../../../src/backend/cpu-kernels/conv.js';
import type { ConvGeometry } from '../../../../src/backend/cpu-kernels/conv-geometry.js';
import { instantiateOnMemory, type ConvKernelExports } from '../../../../src/backend/wasm-kernels/simd-module.js';
import type { WasmMemory } from '../../../../src/backend/wasm-kernels/webassembly-api.js';

/** The geometry block conv-kernels.c reads (22 int32 values), for a 3×3 'same' conv of [2, 7, 6, 3] → 10 channels. */
const G: ConvGeometry = {
  batchSize: 2,
  inDepth: 1,
  inHeight: 7,
  inWidth: 6,
  inChannels: 3,
  outDepth: 1,
  outHeight: 7,
  outWidth: 6,
  outChannels: 10,
  filterDepth: 1,
  filterHeight: 3,
  filterWidth: 3,
  strideDepth: 1,
  strideHeight: 1,
  strideWidth: 1,
  dilationDepth: 1,
  dilationHeight: 1,
  dilationWidth: 1,
  padFront: 0,
  padTop: 1,
  padLeft: 1,
};
const GEOMETRY = [2, 1, 7, 6, 3, 1, 7, 6, 10, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 1, 20];

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed + 1.7 * i));
}

function newMemory(shared: boolean): WasmMemory {
  const WebAssemblyApi = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WasmMemory } }).WebAssembly;
  return new WebAssemblyApi.Memory(shared ? { initial: 16, maximum: 256, shared: true } : { initial: 16 });
}

/** Lays geometry, operands and output out in `memory` (byte offsets below 1 MiB) and runs one kernel. */
function run(
  kernels: ConvKernelExports,
  memory: WasmMemory,
  op: 'forward' | 'input' | 'filter',
  a: Float32Array,
  b: Float32Array,
  outLength: number,
): Float32Array {
  const [g, aAt, bAt, outAt, scratch] = [0, 4096, 65536, 131072, 262144];
  new Int32Array(memory.buffer, g, GEOMETRY.length).set(GEOMETRY);
  new Float32Array(memory.buffer, aAt, a.length).set(a);
  new Float32Array(memory.buffer, bAt, b.length).set(b);
  if (op === 'forward') kernels.conv_forward(g, aAt, bAt, outAt, scratch);
  else if (op === 'input') kernels.conv_backprop_input(g, aAt, bAt, outAt, scratch);
  else kernels.conv_backprop_filter(g, aAt, bAt, outAt, scratch);
  return new Float32Array(memory.buffer, outAt, outLength).slice();
}

function maxRelativeError(got: Float32Array, want: Float32Array): number {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  return worst / scale;
}

for (const shared of [false, true]) {
  test(`the ${shared ? 'shared-memory' : 'plain'} build of conv-kernels.wasm instantiates on ${shared ? 'a SharedArrayBuffer heap (tfjs’s threaded build)' : 'a plain heap'} and its three kernels match the JS ones`, async (t) => {
    const memory = newMemory(shared);
    t.is(memory.buffer instanceof SharedArrayBuffer, shared);
    const compiled = await instantiateOnMemory(memory);
    if (!('exports' in compiled)) {
      t.fail(compiled.unavailable);
      return;
    }
    const x = values(2 * 7 * 6 * 3, 1);
    const w = values(3 * 3 * 3 * 10, 2);
    const dy = values(2 * 7 * 6 * 10, 3);
    t.true(maxRelativeError(run(compiled.exports, memory, 'forward', x, w, dy.length), convForward(G, x, w)) < 1e-5, 'forward');
    t.true(maxRelativeError(run(compiled.exports, memory, 'input', dy, w, x.length), convBackpropInput(G, dy, w)) < 1e-5, 'input gradient');
    t.true(
      maxRelativeError(run(compiled.exports, memory, 'filter', x, dy, w.length), convBackpropFilter(G, x, dy)) < 1e-5,
      'filter gradient',
    );
  });
}
