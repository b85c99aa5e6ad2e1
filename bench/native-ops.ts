/**
 * Where the time of one bench row goes on the native backend, TensorFlow op by TensorFlow op: wraps
 * the tfjs-node binding's `executeOp` and `createTensor` (both synchronous, so their wall time is
 * the op's whole cost, binding included) and sums them per op name over `--steps` steps after
 * `--warmup`. What is left of the step's wall time ran in JavaScript (tfjs's engine, the tape, the
 * layers, tfjs-bnn).
 *
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/native-ops.js --spec '{"network":"conv","kind":"deterministic"}' [--steps 10] [--warmup 5] [--top 20]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { prepareCase, requireCaseSpec, type CaseSpec } from './cases.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';
import { interceptBinding } from '../src/backend/native-graph/intercept-binding.js';

const USAGE = `Usage: TFJS_BNN_BACKEND=tensorflow node dist/bench/native-ops.js --spec '<json CaseSpec>' [--steps 10] [--warmup 5] [--top 20]`;

/** Calls and total milliseconds of one native op name. */
interface OpTotal {
  calls: number;
  ms: number;
}

type NativeCall = (...args: unknown[]) => unknown;

/**
 * Swaps the backend's binding for a copy whose `executeOp` and `createTensor` are timed into
 * `totals`. Returns a function that puts it back.
 */
function timeBinding(backend: { binding: Record<string, unknown> }, totals: Map<string, OpTotal>): () => void {
  const record = (name: string, start: number) => {
    const total = totals.get(name) ?? { calls: 0, ms: 0 };
    total.calls += 1;
    total.ms += performance.now() - start;
    totals.set(name, total);
  };
  const timed =
    (call: NativeCall, nameOf: (args: unknown[]) => string) =>
    (...args: unknown[]) => {
      const start = performance.now();
      const result = call(...args);
      record(nameOf(args), start);
      return result;
    };
  return interceptBinding(backend, (real) => ({
    executeOp: timed((real.executeOp as NativeCall).bind(real), (args) => String(args[0])),
    createTensor: timed((real.createTensor as NativeCall).bind(real), () => '<createTensor>'),
  }));
}

async function main(): Promise<void> {
  const argv = checkedArgv(process.argv.slice(2), 'bench/native-ops', USAGE, { values: ['--spec', '--steps', '--warmup', '--top'] });
  const raw = stringFlag(argv, '--spec', null);
  if (raw === null) throw new Error("bench/native-ops: --spec '<json CaseSpec>' is required");
  const steps = integerFlag(argv, '--steps', 10, 'bench/native-ops');
  const warmup = integerFlag(argv, '--warmup', 5, 'bench/native-ops');
  const top = integerFlag(argv, '--top', 20, 'bench/native-ops');
  const info = await initBackend();
  if (info.name !== 'tensorflow')
    throw new Error(`bench/native-ops: needs the tensorflow backend, got '${info.name}' (set TFJS_BNN_BACKEND=tensorflow)`);
  const prepared = prepareCase(requireCaseSpec(JSON.parse(raw) as CaseSpec));
  for (let i = 0; i < warmup; i++) await prepared.step(i);
  const totals = new Map<string, OpTotal>();
  const restore = timeBinding(tf.backend() as unknown as { binding: Record<string, unknown> }, totals);
  const start = performance.now();
  for (let i = 0; i < steps; i++) await prepared.step(warmup + i);
  const wallMs = (performance.now() - start) / steps;
  restore();
  prepared.dispose();
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const nativeMs = rows.reduce((s, [, v]) => s + v.ms, 0) / steps;
  const calls = rows.reduce((s, [, v]) => s + v.calls, 0) / steps;
  console.log(
    `${prepared.model}: ${wallMs.toFixed(2)} ms per step, ${nativeMs.toFixed(2)} ms in ${calls} native calls, ` +
      `${(wallMs - nativeMs).toFixed(2)} ms in JavaScript (native kernels ${info.nativeKernels ? 'on' : 'off'})`,
  );
  for (const [name, v] of rows.slice(0, top)) {
    const perStep = v.ms / steps;
    console.log(
      `  ${name.padEnd(26)} ${(v.calls / steps).toFixed(0).padStart(5)} calls ${perStep.toFixed(3).padStart(8)} ms ${((v.ms / v.calls) * 1000).toFixed(1).padStart(8)} µs/call`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
