/**
 * Running bench rows in child processes (`bench/worker.ts`), one per row, with `TFJS_BNN_BACKEND`
 * set: the backend is chosen once per process, and a fresh process makes the peak RSS the row's own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { CaseSpec } from './cases.js';
import { BACKEND_PREFIX, RESULT_PREFIX, type WorkerResult } from './worker.js';

const workerPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js');

/** Which backend a child process with `TFJS_BNN_BACKEND=backend` gets, or why none. */
export function probeBackend(backend: string): { ok: true; fastCpuKernels: boolean } | { ok: false; reason: string } {
  const done = spawnSync(process.execPath, [workerPath, '--probe'], {
    env: { ...process.env, TFJS_BNN_BACKEND: backend },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = (done.stdout ?? '').split('\n').find((l) => l.startsWith(BACKEND_PREFIX));
  if (line === undefined)
    return { ok: false, reason: ((done.stderr ?? '').split('\n').find((l) => /^\w*Error: /.test(l)) ?? 'it did not start').trim() };
  const info = JSON.parse(line.slice(BACKEND_PREFIX.length)) as { name: string; fastCpuKernels: boolean };
  return info.name === backend ? { ok: true, fastCpuKernels: info.fastCpuKernels } : { ok: false, reason: `got backend '${info.name}'` };
}

/** Runs one row in a child process. */
export function runWorker(
  backend: string,
  spec: CaseSpec,
  steps: number,
  warmup: number,
  timeoutS: number,
): WorkerResult | { error: string } {
  const done = spawnSync(
    process.execPath,
    [workerPath, '--spec', JSON.stringify(spec), '--steps', String(steps), '--warmup', String(warmup)],
    {
      env: { ...process.env, TFJS_BNN_BACKEND: backend },
      encoding: 'utf8',
      timeout: timeoutS * 1000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = (done.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line !== undefined) return JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult;
  if (done.error !== undefined && (done.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    return { error: `over the row timeout of ${timeoutS} s` };
  const stderr = (done.stderr ?? '').trim().split('\n');
  return { error: stderr.find((l) => /^\w*Error: /.test(l))?.trim() ?? stderr.pop() ?? `exit code ${done.status}` };
}
