/**
 * `tfjs-bnn predict --model RUN --inputs A [B …] [--mask MA …]`: uncertainty maps of many volumes
 * with a saved 3D model (sliding-window Monte Carlo), one after another here, or one queue job per
 * volume with `--redis` (cli/queue/predict-batch.ts). Writes `maps/`, `predictions.json`,
 * `report.html` and `results.json` into `--out`.
 */
import { mkdirSync } from 'node:fs';
import { initBackend } from '../../src/backend/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { defaultRunFolder } from '../common-options.js';
import { INTERRUPTED_EXIT_CODE } from '../interrupt.js';
import type { RunContext } from '../run-context.js';
import type { ResolvedOptions } from '../resolve.js';
import { writePredictOutput, type PredictOutcome } from '../predict/predict-output.js';
import {
  checkPredictInput,
  predictVolume,
  volumeName,
  type PredictedVolume,
  type PredictInput,
  type PredictSettings,
} from '../predict/predict-volume.js';
import { loadVolumeModel, modelFolder } from '../predict/saved-model.js';

const WHERE = 'tfjs-bnn predict';

/** What `predict` was asked to do, checked before any work. */
export interface PredictPlan {
  readonly model: string;
  readonly inputs: readonly PredictInput[];
  readonly settings: PredictSettings;
}

/**
 * The inputs (channels split at commas), masks paired with them, and the settings.
 * @throws InvalidArgumentError for a missing --model/--inputs, a mask count that differs from the
 *   subject count, or two subjects whose maps would have the same name.
 */
export function resolvePredictPlan(options: ResolvedOptions, where = WHERE): PredictPlan {
  const model = options.optionalString('model');
  if (model === undefined)
    throw new InvalidArgumentError(where, '--model', 'missing', 'a run folder of segment --dims 3 or a model folder');
  const subjects = options.optionalList('inputs');
  if (subjects === undefined)
    throw new InvalidArgumentError(where, '--inputs', 'missing', 'one or more NIfTI volumes (channels joined by commas)');
  const masks = options.optionalList('mask');
  if (masks !== undefined && masks.length !== subjects.length)
    throw new InvalidArgumentError(
      where,
      '--mask',
      masks,
      `one mask per --inputs subject (${subjects.length} subject(s), ${masks.length} mask(s))`,
    );
  const inputs = subjects.map((subject, i) => {
    const channels = subject
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
    if (channels.length === 0) throw new InvalidArgumentError(where, '--inputs', subject, 'channel files joined by commas');
    return masks === undefined ? { channels } : { channels, mask: masks[i] };
  });
  const seen = new Map<string, string>();
  for (const input of inputs) {
    const name = volumeName(input.channels);
    const other = seen.get(name);
    if (other !== undefined)
      throw new InvalidArgumentError(
        where,
        '--inputs',
        input.channels[0],
        `volumes with distinct file names (${other} has the same name, ${name}; their maps would overwrite each other)`,
      );
    seen.set(name, input.channels[0]);
  }
  return {
    model,
    inputs,
    settings: { samples: options.number('samples'), seed: options.number('seed'), minLesionSize: options.number('minLesionSize') },
  };
}

/** Runs `predict`. */
export async function runPredict(options: ResolvedOptions, context: RunContext): Promise<number> {
  const plan = resolvePredictPlan(options);
  if (options.has('redis')) {
    // Node-only queue code, loaded only when asked for.
    const { runPredictBatch } = await import('../queue/predict-batch.js');
    return runPredictBatch(options, plan, context);
  }
  if (!options.boolean('wait')) throw new InvalidArgumentError(WHERE, '--no-wait', true, 'only together with --redis');
  modelFolder(plan.model, WHERE);
  const outDir = defaultRunFolder(options.optionalString('out'));
  await initBackend();
  const saved = await loadVolumeModel(plan.model, WHERE);
  try {
    for (const input of plan.inputs) checkPredictInput(input, saved, WHERE);
  } catch (error) {
    saved.model.dispose();
    throw error;
  }
  const started = performance.now();
  const volumes: PredictedVolume[] = [];
  let interrupted = false;
  try {
    mkdirSync(outDir, { recursive: true });
    context.output.log(
      `predict: ${plan.inputs.length} volume(s) with the model in ${saved.dir} (window ${saved.patchSize.join('×')}, ${saved.channels} channel(s)), ${plan.settings.samples} passes; writing to ${outDir}`,
    );
    for (const [index, input] of plan.inputs.entries()) {
      if (context.signal.aborted) {
        interrupted = true;
        break;
      }
      const volumeStarted = performance.now();
      try {
        volumes.push(await predictVolume(saved, input, plan.settings, outDir, { where: WHERE, signal: context.signal }));
      } catch (error) {
        if (!context.signal.aborted) throw error;
        interrupted = true;
        break;
      }
      context.output.log(
        `predict: volume ${index + 1}/${plan.inputs.length} ${volumes[volumes.length - 1].name} (${((performance.now() - volumeStarted) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    saved.model.dispose();
  }
  const outcome: PredictOutcome = {
    volumes,
    failures: [],
    pending: plan.inputs.slice(volumes.length).map((input) => volumeName(input.channels)),
    interrupted,
  };
  await writePredictOutput(outDir, outcome, options.toJSON(), (performance.now() - started) / 1000, context.output, [
    ...(interrupted ? ['Interrupted by Ctrl-C: the volumes listed as pending have no maps.'] : []),
  ]);
  return interrupted ? INTERRUPTED_EXIT_CODE : 0;
}
