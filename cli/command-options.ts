/**
 * The options of `segment`, `study kl` and `inspect` (the common ones are in `common-options.ts`),
 * with their defaults as named constants.
 */
// Plain-data modules only: the options are declared and checked before TensorFlow.js loads.
import { PHANTOM_SEGMENTATION_RECIPE } from '../inference/segmentation/recipe-values.js';
import { MAX_LESION_FRACTION } from '../src/data/phantom/limits.js';
import type { OptionSpec } from './options.js';

/** Weight estimators of the variational layers (the names of `layers/estimator.ts`; a test keeps them equal). */
export const ESTIMATORS = ['reparameterization', 'flipout', 'local'] as const;
/** Segmentation losses (imbalance handling). */
const SEGMENT_LOSSES = ['dice-ce', 'bce', 'weighted-bce', 'focal', 'ohem', 'dice'] as const;
/** Tasks of `study kl` and `inspect`. */
export const STUDY_TASKS = ['regression-toy', 'digits', 'phantom'] as const;

/**
 * `segment` defaults: `PHANTOM_SEGMENTATION_RECIPE` (inference/segmentation/recipe.ts), measured to
 * reach held-out Dice ≥ 0.6 with an error-detection AUROC ≥ 0.8 in about 3 CPU-minutes on 2 cores
 * with the cpu backend. 64 phantom slices: ¾ (48) train, ¼ (16) held out.
 */
export const SEGMENT_DEFAULTS = {
  estimator: PHANTOM_SEGMENTATION_RECIPE.estimator,
  prior: 'normal:1',
  klWeighting: 'perExample',
  loss: 'dice-ce',
  epochs: PHANTOM_SEGMENTATION_RECIPE.epochs,
  samples: PHANTOM_SEGMENTATION_RECIPE.predictiveSamples,
  batchSize: PHANTOM_SEGMENTATION_RECIPE.batchSize,
  learningRate: PHANTOM_SEGMENTATION_RECIPE.learningRate,
  phantomSize: PHANTOM_SEGMENTATION_RECIPE.imageSize,
  phantomCount: 64,
  lesionFraction: PHANTOM_SEGMENTATION_RECIPE.lesionFraction,
} as const;

/** Image sides must be a multiple of this: the U-Net of `segment` pools `depth` times by 2. */
export const SEGMENT_SIZE_MULTIPLE = 2 ** PHANTOM_SEGMENTATION_RECIPE.depth;

/**
 * `segment --dims 3` defaults (patch training on the two-channel brain phantom). Loss, epochs and
 * learning rate differ from the 2D ones: plain BCE with ⅓ lesion-centred patches (nnU-Net's share)
 * beat `dice-ce` with ½ in every voxel measure, and a rate of 3e-3 over 40 epochs gave the best mean
 * Dice of the settings compared (docs/segmentation.md, "segment --dims 3: measured").
 */
export const VOLUME_SEGMENT_DEFAULTS = {
  dims: '2',
  loss: 'bce',
  epochs: 40,
  learningRate: 0.003,
  patchSize: 32,
  positiveFraction: 1 / 3,
  patchesPerEpoch: 64,
  volumes: 6,
  volumeSize: ['96', '128', '128'],
  volumeLesionFraction: 0.003,
  minLesionSize: 3,
} as const;

/** `study kl` defaults. */
export const STUDY_KL_DEFAULTS = {
  task: 'regression-toy',
  seeds: 3,
  weightings: ['perExample', 'perMinibatch', 'blundell', 'tempered:0.1', 'tempered:1', 'warmup'],
} as const;

/** `inspect` defaults. */
const INSPECT_DEFAULTS = {
  task: 'regression-toy',
  klWeighting: 'perExample',
  estimator: 'reparameterization',
  steps: 20,
} as const;

const estimator: OptionSpec = {
  key: 'estimator',
  flags: '--estimator <name>',
  description: 'weight estimator of the variational layers',
  kind: { type: 'choice', choices: ESTIMATORS },
};
const prior: OptionSpec = {
  key: 'prior',
  flags: '--prior <spec>',
  description: "weight prior: 'normal[:scale]' or 'scale-mixture[:pi,sigma1,sigma2]' (Blundell 2015)",
  kind: { type: 'string' },
};
const klWeighting: OptionSpec = {
  key: 'klWeighting',
  flags: '--kl-weighting <name|expr>',
  description:
    'KL weight per step: a schedule name (perExample, perMinibatch, blundell, tempered:T, warmup) or a mathjs expression of epoch, step, batchIndex, numBatches, datasetSize',
  kind: { type: 'string' },
};

/** Options of `segment`. */
export const SEGMENT_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'images',
    flags: '--images <dir>',
    description: 'folder of PNG images with masks (see docs/cli.md for the layout) instead of the phantom',
    kind: { type: 'string' },
  },
  {
    key: 'nifti',
    flags: '--nifti <files...>',
    description: 'NIfTI image/mask files (image then mask, repeated) instead of the phantom',
    kind: { type: 'list' },
  },
  { ...estimator, defaultValue: SEGMENT_DEFAULTS.estimator },
  { ...prior, defaultValue: SEGMENT_DEFAULTS.prior },
  { ...klWeighting, defaultValue: SEGMENT_DEFAULTS.klWeighting },
  {
    key: 'loss',
    flags: '--loss <name>',
    description: `loss and imbalance handling (default: ${SEGMENT_DEFAULTS.loss}, per-image cross-entropy with positive weight 10 + soft Dice; with --dims 3: ${VOLUME_SEGMENT_DEFAULTS.loss})`,
    kind: { type: 'choice', choices: SEGMENT_LOSSES },
  },
  {
    key: 'epochs',
    flags: '--epochs <n>',
    description: `training epochs (default: ${SEGMENT_DEFAULTS.epochs}; with --dims 3: ${VOLUME_SEGMENT_DEFAULTS.epochs})`,
    kind: { type: 'integer', min: 1 },
  },
  {
    key: 'samples',
    flags: '--samples <n>',
    description: 'Monte Carlo forward passes for the predictive maps',
    kind: { type: 'integer', min: 1 },
    defaultValue: SEGMENT_DEFAULTS.samples,
  },
  {
    key: 'batchSize',
    flags: '--batch-size <n>',
    description: 'images per mini-batch',
    kind: { type: 'integer', min: 1 },
    defaultValue: SEGMENT_DEFAULTS.batchSize,
  },
  {
    key: 'learningRate',
    flags: '--learning-rate <lr>',
    description: `Adam learning rate (default: ${SEGMENT_DEFAULTS.learningRate}; with --dims 3: ${VOLUME_SEGMENT_DEFAULTS.learningRate})`,
    kind: { type: 'number', exclusiveMin: 0 },
  },
  {
    key: 'phantomSize',
    flags: '--phantom-size <px>',
    description: 'side of the phantom images in pixels (the U-Net pools twice)',
    kind: { type: 'integer', min: SEGMENT_SIZE_MULTIPLE, multipleOf: SEGMENT_SIZE_MULTIPLE },
    defaultValue: SEGMENT_DEFAULTS.phantomSize,
  },
  {
    key: 'phantomCount',
    flags: '--phantom-count <n>',
    description: 'number of phantom images (¾ train, ¼ held out)',
    kind: { type: 'integer', min: 4 },
    defaultValue: SEGMENT_DEFAULTS.phantomCount,
  },
  {
    key: 'resume',
    flags: '--resume <run-folder>',
    description: 'continue a run of segment from <run-folder>/checkpoint with the same options, writing its outputs there',
    kind: { type: 'string' },
    configurable: false,
  },
  {
    key: 'force',
    flags: '--force',
    description:
      "with --resume: continue although the options differ from the checkpoint's (batch size, weighting, ...); the run is then no longer an exact continuation",
    kind: { type: 'boolean' },
    configurable: false,
  },
  {
    key: 'lesionFraction',
    flags: '--lesion-fraction <f>',
    description: 'target fraction of lesion pixels in the phantom',
    kind: { type: 'number', min: 0, max: MAX_LESION_FRACTION },
    defaultValue: SEGMENT_DEFAULTS.lesionFraction,
  },
  {
    key: 'dims',
    flags: '--dims <n>',
    description: '2: slices (whole-slice training); 3: volumes (patch training, sliding-window inference, lesion-level report)',
    kind: { type: 'choice', choices: ['2', '3'] },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.dims,
  },
  {
    key: 'mask',
    flags: '--mask <files...>',
    description:
      'with --dims 3: one lesion mask per --nifti subject (subjects given as channel files joined by commas, e.g. --nifti a-flair.nii.gz,a-t1.nii.gz b-flair.nii.gz,b-t1.nii.gz)',
    kind: { type: 'list' },
  },
  {
    key: 'patchSize',
    flags: '--patch-size <n>',
    description: 'with --dims 3: side of the cubic training and inference windows (multiple of 4)',
    kind: { type: 'integer', min: 4 },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.patchSize,
  },
  {
    key: 'positiveFraction',
    flags: '--positive-fraction <f>',
    description: 'with --dims 3: fraction of training patches centred on a lesion voxel',
    kind: { type: 'number', min: 0, max: 1 },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.positiveFraction,
  },
  {
    key: 'patchesPerEpoch',
    flags: '--patches-per-epoch <n>',
    description: 'with --dims 3: training patches drawn per epoch',
    kind: { type: 'integer', min: 1 },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.patchesPerEpoch,
  },
  {
    key: 'volumes',
    flags: '--volumes <n>',
    description: 'with --dims 3: brain phantom volumes (¾ train, ¼ held out)',
    kind: { type: 'integer', min: 2 },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.volumes,
  },
  {
    key: 'volumeSize',
    flags: '--volume-size <d,h,w>',
    description: 'with --dims 3: voxels of each phantom volume (1.5 mm each)',
    kind: { type: 'list' },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.volumeSize,
  },
  {
    key: 'minLesionSize',
    flags: '--min-lesion-size <voxels>',
    description: 'with --dims 3: lesion-level metrics ignore components smaller than this (detections and truth)',
    kind: { type: 'integer', min: 1 },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.minLesionSize,
  },
  {
    key: 'volumeLesionFraction',
    flags: '--volume-lesion-fraction <f>',
    description: 'with --dims 3: lesion voxels of the brain phantom (0.1–0.5 % is MS-like)',
    kind: { type: 'number', min: 0, max: 0.05 },
    defaultValue: VOLUME_SEGMENT_DEFAULTS.volumeLesionFraction,
  },
];

/** Defaults of the queue options (`worker`, `study kl --redis`, `study collect`). */
const QUEUE_OPTION_DEFAULTS = {
  queue: 'tfjs-bnn',
  concurrency: 1,
  attempts: 3,
  backoffMs: 1000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
} as const;

const redis: OptionSpec = {
  key: 'redis',
  flags: '--redis <url>',
  description: 'Redis server of the job queue: redis://[user:password@]host[:port][/db] or rediss://… (TLS); the password is never printed',
  kind: { type: 'string' },
};
const queue: OptionSpec = {
  key: 'queue',
  flags: '--queue <name>',
  description: 'BullMQ queue name',
  kind: { type: 'string' },
  defaultValue: QUEUE_OPTION_DEFAULTS.queue,
};

/** Options `study kl` adds for running through a queue. */
const STUDY_KL_QUEUE_OPTIONS: readonly OptionSpec[] = [
  { ...redis, description: `run every (weighting, seed) as a job on this Redis queue (workers: tfjs-bnn worker); ${redis.description}` },
  queue,
  {
    key: 'wait',
    flags: '--no-wait',
    description: 'with --redis: enqueue, print the batch id and return (collect later with study collect)',
    kind: { type: 'boolean' },
    configurable: false,
  },
  {
    key: 'attempts',
    flags: '--attempts <n>',
    description: 'with --redis: tries per run before it is reported as failed',
    kind: { type: 'integer', min: 1 },
    defaultValue: QUEUE_OPTION_DEFAULTS.attempts,
  },
  {
    key: 'backoff',
    flags: '--backoff <ms>',
    description: 'with --redis: pause before the first retry, doubled at each further one',
    kind: { type: 'integer', min: 0 },
    defaultValue: QUEUE_OPTION_DEFAULTS.backoffMs,
  },
];

/** Options of `worker`. */
export const WORKER_OPTIONS: readonly OptionSpec[] = [
  redis,
  queue,
  {
    key: 'concurrency',
    flags: '--concurrency <n>',
    description: 'jobs run at once by this process',
    kind: { type: 'integer', min: 1 },
    defaultValue: QUEUE_OPTION_DEFAULTS.concurrency,
  },
  {
    key: 'lockDuration',
    flags: '--lock-duration <ms>',
    description: 'a job whose worker stops renewing its lock this long is stalled and handed to another worker',
    kind: { type: 'integer', min: 100 },
    defaultValue: QUEUE_OPTION_DEFAULTS.lockDurationMs,
  },
  {
    key: 'stalledInterval',
    flags: '--stalled-interval <ms>',
    description: 'how often to look for stalled jobs',
    kind: { type: 'integer', min: 100 },
    defaultValue: QUEUE_OPTION_DEFAULTS.stalledIntervalMs,
  },
  {
    key: 'outputRoot',
    flags: '--output-root <dir>',
    description: 'shared folder the paths of segment and predict jobs are relative to and confined to (default: the working directory)',
    kind: { type: 'string' },
  },
];

/** `predict` defaults. */
const PREDICT_DEFAULTS = { samples: SEGMENT_DEFAULTS.samples, minLesionSize: VOLUME_SEGMENT_DEFAULTS.minLesionSize } as const;

/** Options of `predict`. */
export const PREDICT_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'model',
    flags: '--model <dir>',
    description: 'a run folder of segment --dims 3 (its model/ is used) or a folder holding model.json + weights.bin',
    kind: { type: 'string' },
  },
  {
    key: 'inputs',
    flags: '--inputs <subjects...>',
    description:
      'NIfTI volumes, one per subject, channels joined by commas in the order the model was trained on (e.g. a-flair.nii.gz,a-t1.nii.gz b-flair.nii.gz,b-t1.nii.gz)',
    kind: { type: 'list' },
  },
  {
    key: 'mask',
    flags: '--mask <files...>',
    description: 'optional lesion masks, one per --inputs subject: adds Dice, error-detection AUROC and the lesion-level tables',
    kind: { type: 'list' },
  },
  {
    key: 'samples',
    flags: '--samples <n>',
    description: 'Monte Carlo passes per window',
    kind: { type: 'integer', min: 1 },
    defaultValue: PREDICT_DEFAULTS.samples,
  },
  {
    key: 'minLesionSize',
    flags: '--min-lesion-size <voxels>',
    description: 'lesion-level metrics ignore components smaller than this (detections and truth)',
    kind: { type: 'integer', min: 1 },
    defaultValue: PREDICT_DEFAULTS.minLesionSize,
  },
  ...STUDY_KL_QUEUE_OPTIONS.map((spec) =>
    spec.key === 'redis'
      ? { ...spec, description: `run every volume as a job on this Redis queue (workers: tfjs-bnn worker); ${redis.description}` }
      : spec.key === 'wait'
        ? { ...spec, description: 'with --redis: enqueue, print the batch id and return (collect later with study collect <batch>)' }
        : spec,
  ),
  {
    key: 'outputRoot',
    flags: '--output-root <dir>',
    description:
      'with --redis: the shared folder (default: the working directory) that --model, --inputs, --mask and --out must lie in; jobs name paths relative to it, and workers resolve them against their own --output-root',
    kind: { type: 'string' },
  },
];

/** Options of `study collect`. */
export const STUDY_COLLECT_OPTIONS: readonly OptionSpec[] = [redis, queue];

/** Options of `study kl`. */
export const STUDY_KL_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'task',
    flags: '--task <name>',
    description: 'what to train',
    kind: { type: 'choice', choices: STUDY_TASKS },
    defaultValue: STUDY_KL_DEFAULTS.task,
  },
  {
    key: 'quick',
    flags: '--quick',
    description: 'fewer epochs and one seed (regression-toy: < 3 minutes on 2 cores)',
    kind: { type: 'boolean' },
  },
  {
    key: 'seeds',
    flags: '--seeds <n>',
    description: `seeds per weighting: seed, seed+1, ... (default: ${STUDY_KL_DEFAULTS.seeds}, 1 with --quick)`,
    kind: { type: 'integer', min: 1 },
  },
  {
    key: 'weightings',
    flags: '--weightings <list>',
    description: 'comma-separated KL weightings to compare (names or expressions without commas; use --config for expressions with commas)',
    kind: { type: 'list' },
    defaultValue: STUDY_KL_DEFAULTS.weightings,
  },
  {
    key: 'epochs',
    flags: '--epochs <n>',
    description: 'training epochs per run (default: per task, fewer with --quick)',
    kind: { type: 'integer', min: 1 },
  },
  { ...estimator, defaultValue: INSPECT_DEFAULTS.estimator },
  ...STUDY_KL_QUEUE_OPTIONS,
];

/** Data sets of `study uci` (the shipped tabular sets and the digits). */
const UCI_DATASETS = ['diabetes', 'breast-cancer', 'wine', 'iris', 'digits'] as const;

/** Options of `study uci`. */
export const STUDY_UCI_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'dataset',
    flags: '--dataset <name>',
    description: 'shipped data set (ignored with --csv)',
    kind: { type: 'choice', choices: UCI_DATASETS },
    defaultValue: 'diabetes',
  },
  {
    key: 'csv',
    flags: '--csv <file>',
    description: 'your own CSV (header line; numeric features; .gz allowed) instead of a shipped set',
    kind: { type: 'string' },
  },
  { key: 'target', flags: '--target <column>', description: 'target column of --csv', kind: { type: 'string' } },
  {
    key: 'taskType',
    flags: '--task-type <kind>',
    description: 'regression or classification for --csv (default: classification when the target is not numeric)',
    kind: { type: 'choice', choices: ['regression', 'classification'] },
  },
  { key: 'quick', flags: '--quick', description: '2 splits, 3 epochs, 5 predictive samples (a smoke test)', kind: { type: 'boolean' } },
  { key: 'splits', flags: '--splits <n>', description: 'random 90/10 splits (default 20)', kind: { type: 'integer', min: 1 } },
  {
    key: 'epochs',
    flags: '--epochs <n>',
    description: "training epochs of every method (default: each recipe's)",
    kind: { type: 'integer', min: 1 },
  },
  {
    key: 'methods',
    flags: '--methods <list>',
    description: 'comma-separated subset of bbb, mc-dropout, deterministic',
    kind: { type: 'list' },
    defaultValue: ['bbb', 'mc-dropout', 'deterministic'],
  },
];

/** Options of `inspect`. */
export const INSPECT_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'task',
    flags: '--task <name>',
    description: 'what to train',
    kind: { type: 'choice', choices: STUDY_TASKS },
    defaultValue: INSPECT_DEFAULTS.task,
  },
  { ...klWeighting, defaultValue: INSPECT_DEFAULTS.klWeighting },
  { ...estimator, defaultValue: INSPECT_DEFAULTS.estimator },
  {
    key: 'steps',
    flags: '--steps <n>',
    description: 'training steps to inspect',
    kind: { type: 'integer', min: 1 },
    defaultValue: INSPECT_DEFAULTS.steps,
  },
];
