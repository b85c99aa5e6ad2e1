/**
 * `tfjs-bnn worker --redis URL`: takes jobs from a BullMQ queue and runs them with the local
 * commands' code until SIGTERM/SIGINT. The first signal stops taking jobs and lets the running
 * ones finish; a second one quits at once (the abandoned job goes to another worker once its lock
 * expires).
 */
import { resolve } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { checkQueueName } from '../queue/names.js';
import { parseRedisUrl } from '../queue/redis-url.js';
import { startQueueWorker } from '../queue/worker.js';

/** Exit status after a graceful stop. */
export const WORKER_STOPPED_EXIT_CODE = 0;

/** Runs `worker` until a stop signal. */
export async function runWorker(options: ResolvedOptions, context: RunContext): Promise<number> {
  const where = 'tfjs-bnn worker';
  const target = parseRedisUrl(options.optionalString('redis'), where);
  const queue = checkQueueName(options.string('queue'), where);
  await initBackend();
  const handle = startQueueWorker({
    target,
    queue,
    concurrency: options.number('concurrency'),
    lockDurationMs: options.number('lockDuration'),
    stalledIntervalMs: options.number('stalledInterval'),
    outputRoot: resolve(options.optionalString('outputRoot') ?? process.cwd()),
    log: context.output.log,
  });
  context.output.log(
    `worker ${handle.name}: queue ${queue} at ${target.masked}, concurrency ${options.number('concurrency')}, output root ${resolve(options.optionalString('outputRoot') ?? process.cwd())}; SIGTERM or Ctrl-C stops after the running job`,
  );
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (signal: string) => {
      signals += 1;
      if (signals === 1) {
        context.output.log(`worker ${handle.name}: ${signal}: finishing the running job, then stopping (again to quit now)`);
        void handle.close().then(resolve, resolve);
      } else {
        context.output.log(
          `worker ${handle.name}: ${signal} again: quitting now; the running job returns to the queue when its lock expires`,
        );
        void handle.closeNow().then(resolve, resolve);
      }
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    // The CLI's own SIGINT handler aborts `context.signal`; a second SIGINT exits the process.
    context.signal.addEventListener('abort', () => stop('SIGINT'), { once: true });
  });
  context.output.log(`worker ${handle.name}: stopped`);
  return WORKER_STOPPED_EXIT_CODE;
}
