/**
 * The jobs a worker accepts, and their validation. A job names a known kind and that kind's
 * options, never code: the payload is checked key by key like the command's own options (unknown
 * keys and wrong types are errors), so a malformed or hostile job fails with a typed error and
 * the worker lives on.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { ESTIMATORS, SEGMENT_OPTIONS, STUDY_TASKS } from '../command-options.js';
import { COMMON_OPTIONS } from '../common-options.js';
import { checkValue, expectedText, type OptionKind, type OptionValue } from '../options.js';

/** Where payload errors come from (the first words of their message). */
export const PAYLOAD_WHERE = 'tfjs-bnn worker';

/** Batch ids: letters, digits, `_` and `-` (they are part of job ids and Redis keys). */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/** One `study kl` run: a task × weighting × seed with the study's settings. */
export interface StudyRunJob {
  readonly kind: 'study-run';
  /** The batch this run belongs to (results are stored under it). */
  readonly batchId: string;
  readonly task: (typeof STUDY_TASKS)[number];
  /** A weighting name or mathjs expression, as `study kl --weightings` takes it (parsed, never evaluated as code). */
  readonly weighting: string;
  readonly seed: number;
  readonly epochs: number;
  readonly estimator: (typeof ESTIMATORS)[number];
}

/**
 * One `segment` run (training, uncertainty maps, metrics, report) written under the worker's
 * output root: `options` are `segment`'s own (camelCase keys, as in its `--config` file), with
 * `images`/`nifti` relative to the output root; `out` is the run folder, relative to it too.
 */
export interface SegmentJob {
  readonly kind: 'segment';
  readonly batchId: string;
  readonly out: string;
  readonly options: Readonly<Record<string, OptionValue>>;
}

/**
 * One volume of a `predict` batch: uncertainty maps (and metrics with a mask) of `inputs` with the
 * saved model at `model`, written to `out/maps/`. Every path is relative to the worker's output root.
 */
export interface PredictJob {
  readonly kind: 'predict';
  readonly batchId: string;
  /** A model folder or a `segment --dims 3` run folder. */
  readonly model: string;
  /** The subject's channel files, in the model's channel order. */
  readonly inputs: readonly string[];
  /** Optional lesion mask. */
  readonly mask?: string;
  /** The run folder of the batch (maps go to `out/maps/`). */
  readonly out: string;
  readonly samples: number;
  readonly seed: number;
  readonly minLesionSize: number;
}

/** Every job kind a worker runs. */
export type JobPayload = StudyRunJob | SegmentJob | PredictJob;

/** The kinds, for messages. */
const JOB_KINDS = ['study-run', 'segment', 'predict'] as const;

const PREDICT_FIELDS: readonly FieldSpec[] = [
  { key: 'batchId', kind: { type: 'string' } },
  { key: 'model', kind: { type: 'string' } },
  { key: 'inputs', kind: { type: 'list' } },
  { key: 'out', kind: { type: 'string' } },
  { key: 'samples', kind: { type: 'integer', min: 1 } },
  { key: 'seed', kind: { type: 'integer', min: 0 } },
  { key: 'minLesionSize', kind: { type: 'integer', min: 1 } },
];

/** The `segment` options a job may set: the command's own plus `seed` (not `out`, `config`, `json`, `verbose`). */
export const SEGMENT_JOB_OPTIONS = [...SEGMENT_OPTIONS, ...COMMON_OPTIONS.filter((o) => o.key === 'seed')];

interface FieldSpec {
  readonly key: string;
  readonly kind: OptionKind;
}

const STUDY_RUN_FIELDS: readonly FieldSpec[] = [
  { key: 'batchId', kind: { type: 'string' } },
  { key: 'task', kind: { type: 'choice', choices: STUDY_TASKS } },
  { key: 'weighting', kind: { type: 'string' } },
  { key: 'seed', kind: { type: 'integer', min: 0 } },
  { key: 'epochs', kind: { type: 'integer', min: 1 } },
  { key: 'estimator', kind: { type: 'choice', choices: ESTIMATORS } },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Checks the payload's keys against `fields` (no others besides `extraKeys`) and returns the typed
 * values; every field is required unless `optional`.
 */
function checkFields(
  data: Record<string, unknown>,
  fields: readonly FieldSpec[],
  kind: string,
  extraKeys: readonly string[] = [],
  optional = false,
): Record<string, OptionValue> {
  const known = new Set(['kind', ...fields.map((f) => f.key), ...extraKeys]);
  const prefix = optional ? 'job.data.options' : 'job.data';
  for (const key of Object.keys(data)) {
    if (!known.has(key))
      throw new InvalidArgumentError(
        PAYLOAD_WHERE,
        `${prefix}.${key}`,
        data[key],
        `no such key in a '${kind}' job (keys: ${[...known].filter((k) => !optional || k !== 'kind').join(', ')})`,
      );
  }
  const values: Record<string, OptionValue> = {};
  for (const field of fields) {
    if (optional && data[field.key] === undefined) continue;
    const value = checkValue(field.kind, data[field.key]);
    if (value === null) throw new InvalidArgumentError(PAYLOAD_WHERE, `${prefix}.${field.key}`, data[field.key], expectedText(field.kind));
    values[field.key] = value;
  }
  return values;
}

/**
 * Validates a job's data.
 * @throws InvalidArgumentError naming the key, the value and what was expected.
 */
export function validateJobPayload(data: unknown): JobPayload {
  if (!isRecord(data))
    throw new InvalidArgumentError(PAYLOAD_WHERE, 'job.data', data, `a plain object with a 'kind' (${JOB_KINDS.join(', ')})`);
  switch (data.kind) {
    case 'study-run': {
      const values = checkFields(data, STUDY_RUN_FIELDS, 'study-run');
      const batchId = values.batchId as string;
      if (!BATCH_ID_PATTERN.test(batchId))
        throw new InvalidArgumentError(PAYLOAD_WHERE, 'job.data.batchId', batchId, 'letters, digits, _ and - (1 to 80)');
      return {
        kind: 'study-run',
        batchId,
        task: values.task as StudyRunJob['task'],
        weighting: values.weighting as string,
        seed: values.seed as number,
        epochs: values.epochs as number,
        estimator: values.estimator as StudyRunJob['estimator'],
      };
    }
    case 'segment': {
      const values = checkFields(
        data,
        [
          { key: 'batchId', kind: { type: 'string' } },
          { key: 'out', kind: { type: 'string' } },
        ],
        'segment',
        ['options'],
      );
      const batchId = values.batchId as string;
      if (!BATCH_ID_PATTERN.test(batchId))
        throw new InvalidArgumentError(PAYLOAD_WHERE, 'job.data.batchId', batchId, 'letters, digits, _ and - (1 to 80)');
      const options = data.options === undefined ? {} : data.options;
      if (!isRecord(options))
        throw new InvalidArgumentError(PAYLOAD_WHERE, 'job.data.options', options, 'a plain object of segment options');
      const checked = checkFields(
        { kind: 'segment', ...options },
        SEGMENT_JOB_OPTIONS.map((o) => ({ key: o.key, kind: o.kind })),
        'segment',
        [],
        true,
      );
      return { kind: 'segment', batchId, out: values.out as string, options: checked };
    }
    case 'predict': {
      const values = checkFields(data, PREDICT_FIELDS, 'predict', ['mask']);
      const batchId = values.batchId as string;
      if (!BATCH_ID_PATTERN.test(batchId))
        throw new InvalidArgumentError(PAYLOAD_WHERE, 'job.data.batchId', batchId, 'letters, digits, _ and - (1 to 80)');
      if (data.mask !== undefined && checkValue({ type: 'string' }, data.mask) === null)
        throw new InvalidArgumentError(PAYLOAD_WHERE, 'job.data.mask', data.mask, 'a non-empty string (or no mask key)');
      return {
        kind: 'predict',
        batchId,
        model: values.model as string,
        inputs: values.inputs as readonly string[],
        ...(data.mask === undefined ? {} : { mask: data.mask as string }),
        out: values.out as string,
        samples: values.samples as number,
        seed: values.seed as number,
        minLesionSize: values.minLesionSize as number,
      };
    }
    default:
      throw new InvalidArgumentError(PAYLOAD_WHERE, 'job.data.kind', data.kind, `one of ${JOB_KINDS.join(', ')}`);
  }
}
