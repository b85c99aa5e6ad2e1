/**
 * Options shared by the run commands (`segment`, `study kl`, `inspect`), and the default run folder.
 */
import { join } from 'node:path';
import type { OptionSpec } from './options.js';

/** Default seed of every run command. */
const DEFAULT_SEED = 0;
/** Parent of the default output folder: `./runs/<timestamp>/`. */
const DEFAULT_RUNS_FOLDER = 'runs';

/** `--config`, `--json`, `--seed`, `--out`, `--verbose`. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'config',
    flags: '--config <file>',
    description: 'read options from a JSON file (keys are the camelCase option names; flags override it)',
    kind: { type: 'string' },
    configurable: false,
  },
  {
    key: 'json',
    flags: '--json',
    description: 'machine-readable output: the last line of stdout is one JSON object; progress goes to stderr',
    kind: { type: 'boolean' },
  },
  {
    key: 'seed',
    flags: '--seed <n>',
    description: 'root seed of the noise, the data split and the initialisation',
    kind: { type: 'integer', min: 0 },
    defaultValue: DEFAULT_SEED,
  },
  { key: 'out', flags: '--out <dir>', description: 'output folder (default: ./runs/<timestamp>/)', kind: { type: 'string' } },
  { key: 'verbose', flags: '--verbose', description: 'print stack traces of errors', kind: { type: 'boolean' }, configurable: false },
];

/** A filesystem-safe UTC timestamp, e.g. `2025-03-01T12-30-05Z`. */
export function runTimestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** The output folder: `--out` when given, else `./runs/<timestamp>/` under the working directory. */
export function defaultRunFolder(out: string | undefined, date = new Date()): string {
  return out ?? join(process.cwd(), DEFAULT_RUNS_FOLDER, runTimestamp(date));
}
