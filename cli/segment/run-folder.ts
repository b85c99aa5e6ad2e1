/**
 * The run folder of `segment` (2D and `--dims 3`): `--resume DIR` (which must hold
 * `checkpoint/checkpoint.json`), else `--out`, else `./runs/<timestamp>/`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHECKPOINT_FILE } from '../../inference/trainer/checkpoint.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { defaultRunFolder } from '../common-options.js';
import type { ResolvedOptions } from '../resolve.js';
import type { RunContext } from '../run-context.js';
import { PHANTOM_SEGMENTATION_RECIPE } from '../../inference/segmentation/recipe.js';
import type { FitOptions } from '../../inference/trainer/options.js';

/** Sub-folders of the run folder; `model` holds model.json + weights.bin (`saveModel`), which `predict` and the browser viewer load. */
export const RUN_FOLDERS = { checkpoint: 'checkpoint', maps: 'maps', panels: 'panels', model: 'model' } as const;

/**
 * The run folder and, with `--resume`, the checkpoint folder to resume from. `--force` only makes
 * sense with `--resume`; `--out` with `--resume` must name the same folder.
 * @throws InvalidArgumentError
 */
export function segmentRunFolder(options: ResolvedOptions, where: string): { readonly outDir: string; readonly resumeFrom?: string } {
  const resume = options.optionalString('resume');
  const out = options.optionalString('out');
  if (options.boolean('force') && resume === undefined)
    throw new InvalidArgumentError(where, '--force', true, 'only together with --resume <run folder>');
  if (resume === undefined) return { outDir: defaultRunFolder(out) };
  if (out !== undefined && resolve(out) !== resolve(resume))
    throw new InvalidArgumentError(
      where,
      '--out',
      out,
      `the --resume folder ${resume} or nothing (a resumed run writes into its own folder)`,
    );
  if (!existsSync(join(resume, RUN_FOLDERS.checkpoint, CHECKPOINT_FILE))) {
    throw new InvalidArgumentError(
      where,
      '--resume',
      resume,
      `a run folder of segment holding ${join(RUN_FOLDERS.checkpoint, CHECKPOINT_FILE)}`,
    );
  }
  return { outDir: resume, resumeFrom: join(resume, RUN_FOLDERS.checkpoint) };
}

/**
 * The `fit` options every `segment` run shares (2D and `--dims 3`): the recipe's gradient clipping,
 * progress on stdout (stderr with `--json`, whose stdout is the result), checkpoints in the run
 * folder (continuing from `resumeFrom` with `--resume`, `--force` passed on), and Ctrl-C.
 */
export function segmentFitSettings(
  options: ResolvedOptions,
  context: RunContext,
  outDir: string,
  resumeFrom: string | undefined,
): Pick<FitOptions<unknown>, 'clip' | 'progress' | 'checkpoint' | 'signal'> {
  return {
    clip: { globalNorm: PHANTOM_SEGMENTATION_RECIPE.clipGlobalNorm },
    progress: { mode: 'auto', stream: context.output.json ? process.stderr : process.stdout },
    checkpoint: {
      dir: join(outDir, RUN_FOLDERS.checkpoint),
      ...(resumeFrom === undefined ? {} : { resumeFrom, force: options.boolean('force') }),
    },
    signal: context.signal,
  };
}
