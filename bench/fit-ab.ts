/**
 * In-process A/B of the framework overhead: the 13-50-1 regression step through `fit` and
 * hand-written against tfjs (`bench/regression.ts`), alternating in rounds of `--steps` steps each
 * so that machine load hits both alike. Prints each median over all rounds and their ratio.
 *
 *   TFJS_BNN_BACKEND=tensorflow node dist/bench/fit-ab.js [--rounds 10] [--steps 10]
 */
import { initBackend } from '../src/backend/index.js';
import { fitCase, handWrittenCase } from './regression.js';
import { median } from './stats.js';
import { checkedArgv, integerFlag } from './flags.js';

async function main(): Promise<void> {
  const argv = checkedArgv(
    process.argv.slice(2),
    'bench/fit-ab',
    'Usage: TFJS_BNN_BACKEND=<backend> node dist/bench/fit-ab.js [--rounds 10] [--steps 10]',
    { values: ['--rounds', '--steps'] },
  );
  const rounds = integerFlag(argv, '--rounds', 10, 'bench/fit-ab');
  const steps = integerFlag(argv, '--steps', 10, 'bench/fit-ab');
  const info = await initBackend();
  const cases = [
    { name: 'fit', run: fitCase(), times: [] as number[] },
    { name: 'hand-written', run: handWrittenCase(), times: [] as number[] },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) c.times.push(...(await c.run.timedSteps(steps, 1)));
  }
  const [fitMs, handMs] = cases.map((c) => median(c.times));
  console.log(`${info.name}, 13-50-1 regression BBB step, batch 32, ${rounds} alternating rounds of ${steps} steps:`);
  console.log(
    `  fit ${fitMs.toFixed(2)} ms median; hand-written ${handMs.toFixed(2)} ms median; fit / hand-written ${(fitMs / handMs).toFixed(2)}`,
  );
  for (const c of cases) c.run.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
