/**
 * The `tfjs-bnn` command line: commander program, option resolution, error and exit handling.
 * Command bodies are imported lazily so that `--help` and bad input answer without loading tfjs.
 */
import { Command, CommanderError } from 'commander';
import { COMMON_OPTIONS } from './common-options.js';
import { describeFailure, USAGE_EXIT_CODE } from './failure.js';
import { addOptions, type OptionSpec } from './options.js';
import { createOutput, PROCESS_SINKS, type OutputSinks } from './output.js';
import { resolveOptions, ResolvedOptions } from './resolve.js';
import {
  INSPECT_OPTIONS,
  PREDICT_OPTIONS,
  SEGMENT_OPTIONS,
  STUDY_COLLECT_OPTIONS,
  STUDY_KL_OPTIONS,
  STUDY_UCI_OPTIONS,
  WORKER_OPTIONS,
} from './command-options.js';
import { abortOnSigint } from './interrupt.js';
import { packageVersion } from './package-info.js';
import { checkWeightingWord } from './weighting-names.js';
import type { RunCommand } from './run-context.js';

interface Outcome {
  exitCode: number;
}

/** A positional argument of a run command, resolved under `key` like an option. */
interface PositionalArgument {
  /** commander syntax, e.g. `'<batch>'`. */
  readonly syntax: string;
  readonly key: string;
  readonly description: string;
}

/** What a command shares of `COMMON_OPTIONS` (default: all), its positional argument and its precheck, if any. */
interface RunCommandShape {
  readonly common?: readonly OptionSpec[];
  readonly argument?: PositionalArgument;
  /** Checks of the resolved options that need no TensorFlow.js, run before the command body loads. */
  readonly precheck?: (options: ResolvedOptions) => void;
}

/** `--config`, `--json`, `--verbose`: the common options of commands that take no seed and write no run folder. */
const SERVICE_OPTIONS = COMMON_OPTIONS.filter((o) => ['config', 'json', 'verbose'].includes(o.key));

function defineRunCommand(
  parent: Command,
  name: string,
  summary: string,
  details: string,
  specs: readonly OptionSpec[],
  load: () => Promise<RunCommand>,
  sinks: OutputSinks,
  outcome: Outcome,
  shape: RunCommandShape = {},
): Command {
  const command = parent.command(name).summary(summary).description(`${summary}\n\n${details}`);
  const all = [...specs, ...(shape.common ?? COMMON_OPTIONS)];
  if (shape.argument !== undefined) command.argument(shape.argument.syntax, shape.argument.description);
  addOptions(command, all);
  command.action(async (...args: unknown[]) => {
    const flags = (shape.argument === undefined ? args[0] : args[1]) as Record<string, unknown>;
    const fullName = parent.name() === 'study' ? `study ${command.name()}` : name;
    const resolved = resolveOptions(fullName, all, flags);
    const options =
      shape.argument === undefined ? resolved : new ResolvedOptions({ ...resolved.toJSON(), [shape.argument.key]: String(args[0]) });
    // Checks that need no TensorFlow.js run before the command body (and tfjs) is loaded.
    shape.precheck?.(options);
    const output = createOutput(options.boolean('json'), sinks);
    const run = await load();
    const interrupt = abortOnSigint((line) => sinks.stderr(`${line}\n`));
    try {
      outcome.exitCode = await run(options, { output, signal: interrupt.signal });
    } finally {
      interrupt.release();
    }
  });
  return command;
}

/** Builds the program. `sinks` receive all output (the process streams by default). */
function buildProgram(sinks: OutputSinks, outcome: Outcome): Command {
  const program = new Command('tfjs-bnn')
    .description(
      'Bayesian neural networks (Bayes by Backprop) for TensorFlow.js: segmentation with uncertainty maps, KL-weighting studies, gradient inspection.',
    )
    .version(packageVersion().version, '--version', 'print the version of tfjs-bnn and exit')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: sinks.stdout, writeErr: sinks.stderr, outputError: () => undefined })
    .exitOverride();

  const info = program
    .command('info')
    .description('print the backend in use and why, versions, and how to install the native backend')
    .option('--json', 'machine-readable output: one JSON object on stdout')
    .option('--verbose', 'print stack traces of errors');
  info.action(async (flags: { json?: boolean }) => {
    const { runInfo } = await import('./commands/info.js');
    await runInfo(createOutput(flags.json === true, sinks));
  });

  defineRunCommand(
    program,
    'segment',
    'train a small Bayesian U-Net and write uncertainty maps, metrics and an HTML report',
    'With no data option it trains on the built-in 2D lesion phantom (lesion fraction ≈ 0.5 %). ' +
      '--images DIR or --nifti FILES... run on your own data. Writes PNG panels, NIfTI maps, results.json and report.html to --out.',
    SEGMENT_OPTIONS,
    async () => (await import('./commands/segment.js')).runSegment,
    sinks,
    outcome,
    { precheck: (options) => checkWeightingWord(options.string('klWeighting'), 'tfjs-bnn segment', '--kl-weighting') },
  );

  defineRunCommand(
    program,
    'predict',
    'uncertainty maps of many volumes with a saved 3D model (sliding-window Monte Carlo), locally or as one queue job per volume',
    '--model is a run folder of segment --dims 3 (or its model/ folder); --inputs one NIfTI volume per subject, channels joined by commas; --mask adds Dice, error-detection AUROC and the lesion tables. ' +
      "Writes maps/<volume>-<map>.nii.gz with each input's geometry, predictions.json, report.html and results.json to --out. With --redis every volume is a job for tfjs-bnn worker (see docs/scale-out.md).",
    PREDICT_OPTIONS,
    async () => (await import('./commands/predict.js')).runPredict,
    sinks,
    outcome,
  );

  const study = program.command('study').description('studies that train the same model under several settings');
  defineRunCommand(
    study,
    'kl',
    'train one model under several KL weightings and seeds and compare NLL, accuracy/Dice/RMSE, ECE, uncertainty in and out of distribution, and wall time',
    'Tasks: regression-toy (y = x + 0.3 sin 2π(x+ε) + 0.3 sin 4π(x+ε) + ε; OOD x ∈ [0.8, 1] vs in-distribution [0, 0.5]), ' +
      'digits (UCI 8×8 digits; OOD: inverted and noise images), phantom (lesion segmentation). --quick shrinks epochs and seeds.',
    STUDY_KL_OPTIONS,
    async () => (await import('./commands/study-kl.js')).runStudyKl,
    sinks,
    outcome,
    {
      precheck: (options) =>
        (options.optionalList('weightings') ?? []).forEach((text) => checkWeightingWord(text, 'tfjs-bnn study kl', '--weightings')),
    },
  );
  defineRunCommand(
    study,
    'uci',
    'compare Bayes by Backprop, MC dropout and a deterministic MLP on a tabular data set with the UCI protocol (20 random 90/10 splits)',
    'Data: --dataset diabetes (regression), breast-cancer, wine, iris, digits (classification), or --csv FILE --target COLUMN. ' +
      'Reports RMSE/accuracy, test log-likelihood, ECE or interval coverage as mean ± standard error over splits, in report.html and results.json. --quick for a smoke run.',
    STUDY_UCI_OPTIONS,
    async () => (await import('./commands/study-uci.js')).runStudyUci,
    sinks,
    outcome,
  );

  defineRunCommand(
    study,
    'collect',
    'write the report of a batch run by queue workers (study kl or predict with --redis ... --no-wait)',
    'Reads the batch plan and the results from Redis and writes the same report.html and results.json as the local command (a predict batch: also predictions.json, by default into the run folder it named); runs that failed after their retries are listed with their error. ' +
      'A batch that is not finished gives a partial report that says which runs are missing.',
    STUDY_COLLECT_OPTIONS,
    async () => (await import('./commands/study-collect.js')).runStudyCollect,
    sinks,
    outcome,
    {
      common: COMMON_OPTIONS.filter((o) => o.key !== 'seed'),
      argument: { syntax: '<batch>', key: 'batch', description: 'batch id printed by study kl or predict with --redis --no-wait' },
    },
  );

  defineRunCommand(
    program,
    'worker',
    'take study runs and predict/segment jobs from a BullMQ queue on Redis and run them, until SIGTERM or Ctrl-C',
    'Start one or more on every host that reaches the Redis server; study kl --redis and predict --redis enqueue the jobs. ' +
      'Jobs are validated (known kinds and options only), retried with back-off when they throw, and handed to another worker when a worker dies (after --lock-duration). See docs/scale-out.md.',
    WORKER_OPTIONS,
    async () => (await import('./commands/worker.js')).runWorker,
    sinks,
    outcome,
    { common: SERVICE_OPTIONS },
  );

  defineRunCommand(
    program,
    'inspect',
    'run the gradient inspector over a short training and print the per-layer table of KL and likelihood gradient norms',
    'For each variational layer: the norm of the likelihood gradient, of the weighted KL gradient (taken on the same noise sample), their ratio, and the KL weight. ' +
      'Needs inference/inspector; until that module is part of the build the command stops with a message saying so.',
    INSPECT_OPTIONS,
    async () => (await import('./commands/inspect.js')).runInspect,
    sinks,
    outcome,
    { precheck: (options) => checkWeightingWord(options.string('klWeighting'), 'tfjs-bnn inspect', '--kl-weighting') },
  );
  return program;
}

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, args...).
 * Never throws: every failure becomes one `tfjs-bnn: ...` line on stderr and a non-zero status.
 * @returns the exit status.
 */
export async function runCli(argv: readonly string[], sinks: OutputSinks = PROCESS_SINKS): Promise<number> {
  const outcome: Outcome = { exitCode: 0 };
  const program = buildProgram(sinks, outcome);
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync([...argv]);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    // A command group without its subcommand (e.g. `tfjs-bnn study`): commander printed the help to stderr.
    if (error instanceof CommanderError && error.code === 'commander.help') return USAGE_EXIT_CODE;
    const failure = describeFailure(error);
    sinks.stderr(`${failure.line}\n`);
    if (argv.includes('--verbose') && failure.stack !== undefined) sinks.stderr(`${failure.stack}\n`);
    return failure.exitCode;
  }
}
