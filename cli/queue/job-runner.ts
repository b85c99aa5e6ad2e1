/**
 * Runs one validated job with the same functions as the local commands: a `study-run` job calls
 * `runStudyRun` (what the local `study kl` loop calls), a `segment` job calls `runSegment` (the
 * `segment` command itself), a `predict` job calls `predictVolume` (what the local `predict` loop
 * calls), with their paths confined to the worker's output root.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { initBackend } from '../../src/backend/index.js';
import { createOutput } from '../output.js';
import { ResolvedOptions } from '../resolve.js';
import type { OptionValue } from '../options.js';
import { parsePrior } from '../segment/choices.js';
import { describeRun, runStudyRun, type StudyRun } from '../study/run-study.js';
import { taskByName } from '../study/tasks.js';
import { resolveWeighting, type NamedWeighting } from '../study/weightings.js';
import { confinedPath } from './output-root.js';
import { PAYLOAD_WHERE, SEGMENT_JOB_OPTIONS, type JobPayload, type PredictJob, type SegmentJob, type StudyRunJob } from './payload.js';
import { predictVolume, type PredictInput } from '../predict/predict-volume.js';
import { loadVolumeModel } from '../predict/saved-model.js';

/**
 * The event loop gets a turn at least this often during a job (ms), so BullMQ can renew the job's
 * lock while training runs synchronously step after step; otherwise a long job would look stalled.
 */
const EVENT_LOOP_TURN_MS = 100;

/** What a job receives besides its payload. */
export interface JobContext {
  /** Fraction done in [0, 1] (sent as BullMQ job progress). */
  readonly progress: (fraction: number) => void;
  /** Stops training after the current step. */
  readonly signal: AbortSignal;
  /** Lines for the worker's log. */
  readonly log: (line: string) => void;
  /** This job's id (names the temporary folder of a `segment` job). */
  readonly jobId: string;
}

/** A job resolved to what its run needs; everything that can fail on bad input has been checked. */
export type PreparedJob =
  | { readonly kind: 'study-run'; readonly job: StudyRunJob; readonly weighting: NamedWeighting }
  | { readonly kind: 'segment'; readonly job: SegmentJob; readonly outDir: string; readonly options: Record<string, OptionValue> }
  | {
      readonly kind: 'predict';
      readonly job: PredictJob;
      /** Absolute paths under the output root. */
      readonly model: string;
      readonly input: PredictInput;
      readonly outDir: string;
    };

/** What a job produced: plain data for the result store, and a line for the log. */
export interface JobResult {
  readonly result: unknown;
  readonly summary: string;
  /**
   * Whether the result belongs to this job id: true for study runs; for a `segment` job, true when
   * its folder was published by this job (this attempt or an earlier one), false when another job
   * had written that folder (its output is then dropped).
   */
  readonly owned: boolean;
}

/** File in a `segment` job's run folder naming the job id that wrote it. */
const SEGMENT_OWNER_FILE = '.tfjs-bnn-job';

/**
 * Resolves what can fail on bad input before any work: a study run's weighting; a segment job's
 * paths (confined to `outputRoot`), prior and weighting.
 * @throws InvalidArgumentError
 */
export function prepareJob(payload: JobPayload, outputRoot: string): PreparedJob {
  if (payload.kind === 'study-run') {
    return {
      kind: 'study-run',
      job: payload,
      weighting: resolveWeighting(payload.weighting, payload.epochs, PAYLOAD_WHERE, 'job.data.weighting'),
    };
  }
  if (payload.kind === 'predict') {
    const confined = (path: string, key: string) => confinedPath(outputRoot, path, PAYLOAD_WHERE, key);
    const channels = payload.inputs.map((file, i) => confined(file, `job.data.inputs[${i}]`));
    return {
      kind: 'predict',
      job: payload,
      model: confined(payload.model, 'job.data.model'),
      input: payload.mask === undefined ? { channels } : { channels, mask: confined(payload.mask, 'job.data.mask') },
      outDir: confined(payload.out, 'job.data.out'),
    };
  }
  const options: Record<string, OptionValue> = {};
  for (const spec of SEGMENT_JOB_OPTIONS) if (spec.defaultValue !== undefined) options[spec.key] = spec.defaultValue;
  Object.assign(options, payload.options);
  const images = payload.options.images;
  if (typeof images === 'string') options.images = confinedPath(outputRoot, images, PAYLOAD_WHERE, 'job.data.options.images');
  const nifti = payload.options.nifti;
  if (Array.isArray(nifti))
    options.nifti = nifti.map((file, i) => confinedPath(outputRoot, file, PAYLOAD_WHERE, `job.data.options.nifti[${i}]`));
  parsePrior(String(options.prior), PAYLOAD_WHERE);
  resolveWeighting(String(options.klWeighting), Number(options.epochs), PAYLOAD_WHERE, 'job.data.options.klWeighting');
  return { kind: 'segment', job: payload, outDir: confinedPath(outputRoot, payload.out, PAYLOAD_WHERE, 'job.data.out'), options };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function runStudyJob(prepared: Extract<PreparedJob, { kind: 'study-run' }>, context: JobContext): Promise<StudyRun> {
  const { job } = prepared;
  let lastTurn = performance.now();
  const run = await runStudyRun(
    { task: taskByName(job.task), weighting: prepared.weighting, seed: job.seed, epochs: job.epochs, estimator: job.estimator },
    {
      signal: context.signal,
      callbacks: {
        async onBatchEnd() {
          if (performance.now() - lastTurn < EVENT_LOOP_TURN_MS) return;
          await yieldToEventLoop();
          lastTurn = performance.now();
        },
        onEpochEnd(record) {
          context.progress((record.epoch + 1) / job.epochs);
        },
      },
    },
  );
  if (run === null) throw new Error(`${PAYLOAD_WHERE}: run ${job.weighting} seed ${job.seed} was stopped before it finished`);
  return run;
}

/**
 * A `segment` job: `runSegment` writes into a temporary sibling of the run folder, which is then
 * renamed into place in one step, with the job id in `SEGMENT_OWNER_FILE`. When the folder exists
 * already (an earlier attempt finished, or another job wrote it), the new output is dropped and the
 * first kept; the result counts as this job's only when the folder names this job id (so an
 * attempt that died between publishing and storing its result is completed by the next one).
 */
async function runSegmentJob(prepared: Extract<PreparedJob, { kind: 'segment' }>, context: JobContext): Promise<JobResult> {
  const { runSegment } = await import('../commands/segment.js');
  const temp = `${prepared.outDir}.part-${context.jobId}-${randomBytes(3).toString('hex')}`;
  mkdirSync(dirname(prepared.outDir), { recursive: true });
  let captured: unknown = null;
  const output = createOutput(false, { stdout: (text) => context.log(text.trimEnd()), stderr: (text) => context.log(text.trimEnd()) });
  const capturing = { ...output, result: (value: unknown) => void (captured = value) };
  try {
    const status = await runSegment(new ResolvedOptions({ ...prepared.options, out: temp }), { output: capturing, signal: context.signal });
    if (status !== 0) throw new Error(`${PAYLOAD_WHERE}: segment job stopped before it finished (status ${status})`);
    writeFileSync(join(temp, SEGMENT_OWNER_FILE), context.jobId);
    if (!existsSync(prepared.outDir)) renameSync(temp, prepared.outDir);
    const ownerFile = join(prepared.outDir, SEGMENT_OWNER_FILE);
    const owned = existsSync(ownerFile) && readFileSync(ownerFile, 'utf8') === context.jobId;
    const result = JSON.parse(JSON.stringify(captured).split(temp).join(prepared.job.out)) as Record<string, unknown>;
    return { result, owned, summary: `segment ${prepared.job.out}: dice ${String(result.dice)}, auroc ${String(result.auroc)}` };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * A `predict` job: the same `predictVolume` as the local command. Its maps are written through a
 * private temporary folder and renamed into place; a duplicate run (a stalled job finished twice)
 * writes the same bytes, and only its first result is stored.
 */
async function runPredictJob(prepared: Extract<PreparedJob, { kind: 'predict' }>, context: JobContext): Promise<JobResult> {
  const saved = await loadVolumeModel(prepared.model, PAYLOAD_WHERE);
  try {
    let lastTurn = performance.now();
    const volume = await predictVolume(
      saved,
      prepared.input,
      { samples: prepared.job.samples, seed: prepared.job.seed, minLesionSize: prepared.job.minLesionSize },
      prepared.outDir,
      {
        where: PAYLOAD_WHERE,
        signal: context.signal,
        onProgress: (done, total) => {
          if (performance.now() - lastTurn < EVENT_LOOP_TURN_MS) return;
          lastTurn = performance.now();
          context.progress(done / total);
        },
      },
    );
    const dice = volume.metrics === null ? '' : `, dice ${volume.metrics.dice.toFixed(4)}`;
    return { result: volume, owned: true, summary: `predict ${volume.name}: ${volume.windows} windows${dice}` };
  } finally {
    saved.model.dispose();
  }
}

/** Runs a prepared job. @throws Error when `context.signal` stopped it before it finished. */
export async function runPreparedJob(prepared: PreparedJob, context: JobContext): Promise<JobResult> {
  await initBackend();
  if (prepared.kind === 'predict') return runPredictJob(prepared, context);
  if (prepared.kind === 'segment') return runSegmentJob(prepared, context);
  const run = await runStudyJob(prepared, context);
  return { result: run, owned: true, summary: describeRun(taskByName(prepared.job.task), run) };
}
