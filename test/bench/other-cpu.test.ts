import test from 'ava';
import { cpuSnapshot, machineBusyTicks, otherCpuShare, processTicks } from '../../bench/other-cpu.js';

test('machineBusyTicks sums user, nice, system, irq, softirq and steal of /proc/stat, not idle or iowait', (t) => {
  t.is(machineBusyTicks('cpu  100 20 30 4000 50 6 7 8 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n'), 100 + 20 + 30 + 6 + 7 + 8);
  t.throws(() => machineBusyTicks('intr 1 2 3'), { message: /unexpected \/proc\/stat line/ });
});

test('processTicks sums utime, stime, cutime and cstime, also when the command name holds spaces and parentheses', (t) => {
  // Fields 14–17 are 11 12 13 14 here; the rest is filler.
  const stat = '4242 (node (bench) x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 20 0 1 0 99 1000 10';
  t.is(processTicks(stat), 11 + 12 + 13 + 14);
  t.throws(() => processTicks('4242 (x) S 1 2'), { message: /unexpected \/proc\/self\/stat/ });
});

test('otherCpuShare: the machine busy time not spent by this process and its children, over wall × CPUs', (t) => {
  const before = { atMs: 0, machineBusyTicks: 1000, ownTicks: 300 };
  // 2 s on 2 CPUs = 400 ticks available; the machine was busy 250 ticks, the bench 190 of them.
  const after = { atMs: 2000, machineBusyTicks: 1250, ownTicks: 490 };
  t.is(otherCpuShare(before, after, 2), 60 / 400);
  // Tick rounding can make our share exceed the machine's: never below 0.
  t.is(otherCpuShare(before, { atMs: 2000, machineBusyTicks: 1100, ownTicks: 410 }, 2), 0);
  t.is(otherCpuShare(null, after, 2), null);
  t.is(otherCpuShare(before, { ...after, atMs: 0 }, 2), null);
});

test('on Linux a snapshot reads /proc, and its counters do not go backwards', (t) => {
  const first = cpuSnapshot();
  if (process.platform !== 'linux') return t.is(first, null);
  let x = 0;
  for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
  const second = cpuSnapshot();
  if (first === null || second === null) return t.fail('no snapshot on Linux');
  t.true(x > 0);
  t.true(second.machineBusyTicks >= first.machineBusyTicks);
  t.true(second.ownTicks >= first.ownTicks);
  const share = otherCpuShare(first, second);
  t.true(share === null || (share >= 0 && Number.isFinite(share)));
});
