/**
 * The search behind docs/recipes.md: Bayes by Backprop variants against MC dropout and the
 * deterministic network on a shipped tabular set, with the `study uci` protocol but fewer splits so
 * each variant takes a few minutes on a shared 2-core machine.
 *
 *   node dist/examples/uci-recipe.js --dataset diabetes --splits 3 --epochs 100 --variants base,temper0.1
 *
 * Variants (each changes the BBB recipe of cli/study/uci/recipe.ts): base; temperT (KL factor T);
 * priorS (prior scale S); initR (rawScaleInit R); warmE (warm-up epochs E); particlesP; lrL; joined
 * with `+` to combine (temper0.3+prior3).
 * Prints one line per variant: mean ± standard error of every metric over the splits.
 */
import { initBackend } from '../src/backend/index.js';
import { readShippedTabular } from '../src/data/tabular/read.js';
import type { ShippedTabularName } from '../src/data/tabular/index.js';
import { UCI_RECIPES, type BbbRecipe, type UciMethod } from '../cli/study/uci/recipe.js';
import { runUciStudy, summarizeUci } from '../cli/study/uci/study.js';
import { exampleArgs } from './example-args.js';
import { digitsTable } from '../cli/commands/study-uci.js';

const flags = exampleArgs(
  'uci-recipe',
  'Bayes-by-Backprop recipe variants against the baselines on a shipped tabular set (UCI protocol).',
  [
    {
      name: 'dataset',
      description: 'diabetes, breast-cancer, wine, iris or digits',
      defaultValue: 'diabetes',
      choices: ['diabetes', 'breast-cancer', 'wine', 'iris', 'digits'],
    },
    { name: 'splits', description: 'random 90/10 splits', defaultValue: '3', positiveInteger: true },
    { name: 'epochs', description: 'training epochs', defaultValue: '100', positiveInteger: true },
    { name: 'baselines', description: 'comma-separated baseline methods', defaultValue: 'mc-dropout,deterministic' },
    {
      name: 'variants',
      description: 'comma-separated recipe variants (base, temper0.3, prior0.5, init-4, warm10, …)',
      defaultValue: 'base',
    },
  ],
);
const argument = (name: string): string => flags[name];

function variant(name: string): Partial<BbbRecipe> {
  const match = /^([a-z]+)([-\d.]*)$/.exec(name);
  const value = Number(match?.[2]);
  switch (match?.[1]) {
    case 'base':
      return {};
    case 'temper':
      return { klFactor: value };
    case 'prior':
      return { priorScale: value };
    case 'init':
      return { rawScaleInit: value };
    case 'warm':
      return { warmupEpochs: value };
    case 'particles':
      return { particles: value };
    case 'lr':
      return { learningRate: value };
    default:
      throw new Error(`unknown variant ${name}`);
  }
}

await initBackend();
const data = argument('dataset') === 'digits' ? digitsTable() : readShippedTabular(argument('dataset') as ShippedTabularName);
const splits = Number(argument('splits'));
const epochs = Number(argument('epochs'));
const baselines = argument('baselines')
  .split(',')
  .filter((m) => m.length > 0) as UciMethod[];
const format = (summary: ReturnType<typeof summarizeUci>[string]) =>
  Object.entries(summary)
    .map(([key, v]) => `${key} ${v.mean.toPrecision(4)} ± ${v.standardError.toPrecision(2)}`)
    .join(', ');
if (baselines.length > 0) {
  const { runs } = await runUciStudy({
    data,
    splits,
    epochs: { bbb: epochs, 'mc-dropout': epochs, deterministic: epochs },
    samples: 50,
    seed: 0,
    methods: baselines,
  });
  for (const [method, summary] of Object.entries(summarizeUci(runs)))
    console.log(`${data.name} ${method} (${epochs} epochs, ${splits} splits): ${format(summary)}`);
}
for (const name of argument('variants').split(',')) {
  // `temper0.3+prior3` combines two changes.
  const changes = name.split('+').map(variant);
  const recipes = { ...UCI_RECIPES, bbb: Object.assign({}, UCI_RECIPES.bbb, ...changes) as BbbRecipe };
  const { runs } = await runUciStudy({
    data,
    splits,
    epochs: { bbb: epochs, 'mc-dropout': epochs, deterministic: epochs },
    samples: 50,
    seed: 0,
    methods: ['bbb'],
    recipes,
  });
  console.log(`${data.name} bbb:${name} (${epochs} epochs, ${splits} splits): ${format(summarizeUci(runs).bbb)}`);
}
