/**
 * One bench row in a fresh process (the backend is chosen once per process, and a fresh process
 * makes the peak RSS the row's own):
 *
 *   TFJS_BNN_BACKEND=cpu node dist/bench/worker.js --spec '{"network":"mlp","kind":"flipout"}' [--steps 20] [--warmup 3]
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/worker.js --probe     # prints the backend it gets, or fails
 *
 * Prints one line `BENCH_RESULT <json>` with the backend, the model label, the forward FLOPs and the
 * measurement (`bench/measure.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { prepareCase, requireCaseSpec, type CaseSpec } from './cases.js';
import { measureCase, type Measurement } from './measure.js';
import { checkedArgv, integerFlag, stringFlag } from './flags.js';

/** Prefix of the result line a worker prints. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** What a worker reports. */
export interface WorkerResult extends Measurement {
  readonly backend: string;
  readonly fastCpuKernels: boolean;
  readonly spec: CaseSpec;
  readonly model: string;
  readonly forwardFlops: number;
}

/** Prefix of the line `--probe` prints: the backend this process got. */
export const BACKEND_PREFIX = 'BENCH_BACKEND ';

/** Usage of `bench/worker.ts` (printed by `--help`). */
export const WORKER_USAGE = `Usage: TFJS_BNN_BACKEND=<backend> node dist/bench/worker.js --spec '<json CaseSpec>' [--steps 20] [--warmup 3]
       TFJS_BNN_BACKEND=<backend> node dist/bench/worker.js --probe`;

async function main(): Promise<void> {
  const argv = checkedArgv(process.argv.slice(2), 'bench/worker', WORKER_USAGE, {
    values: ['--spec', '--steps', '--warmup'],
    switches: ['--probe'],
  });
  if (argv.includes('--probe')) {
    const info = await initBackend();
    console.log(BACKEND_PREFIX + JSON.stringify({ name: info.name, fastCpuKernels: info.fastCpuKernels, versions: info.versions }));
    return;
  }
  const raw = stringFlag(argv, '--spec', null);
  if (raw === null) throw new Error("bench/worker: --spec '<json CaseSpec>' is required");
  const spec = requireCaseSpec(JSON.parse(raw) as CaseSpec);
  const steps = integerFlag(argv, '--steps', 20, 'bench/worker');
  const warmup = integerFlag(argv, '--warmup', 3, 'bench/worker');
  const info = await initBackend();
  const before = tf.memory().numTensors;
  const prepared = prepareCase(spec);
  const measurement = await measureCase(prepared, steps, warmup);
  prepared.dispose();
  const result: WorkerResult = {
    backend: info.name,
    fastCpuKernels: info.fastCpuKernels,
    spec,
    model: prepared.model,
    forwardFlops: prepared.forwardFlops,
    ...measurement,
    leakedTensors: tf.memory().numTensors - before,
  };
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
