/**
 * Lesion-level detection metrics: a true lesion (connected component of the truth) is detected
 * when any of its voxels is predicted; a predicted component is a false discovery when it
 * overlaps no true lesion. This is the detection view used in MS-lesion challenges
 * (Carass et al. 2017), where one missed small lesion matters more than many voxels of a big one.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { requireFinite } from '../../src/validate.js';
import { DEFAULT_CONNECTIVITY, labelComponents, type Connectivity } from './components.js';
import { DEFAULT_THRESHOLD, readMask, requireSameLength, shapeOf, type VoxelValues } from './values.js';

/** Options of `lesionMetrics`. */
export interface LesionMetricsOptions {
  /** Mask shape (see `spatialLayout`); required for array inputs, taken from the tensor otherwise. */
  readonly shape?: readonly number[];
  /** `'full'` (8/26, default) or `'face'` (4/6) connectivity. */
  readonly connectivity?: Connectivity;
  /** A predicted value ≥ `threshold` is foreground. Default 0.5. */
  readonly threshold?: number;
  /** Components smaller than this many voxels are ignored in both masks. Default 1 (keep all). */
  readonly minLesionSize?: number;
}

/** Lesion counts and rates. Plain numbers. */
export interface LesionMetrics {
  /** Connected components of the truth (after `minLesionSize`). */
  readonly trueLesions: number;
  /** True lesions that overlap at least one predicted voxel. */
  readonly detectedLesions: number;
  /** Connected components of the prediction (after `minLesionSize`). */
  readonly predictedLesions: number;
  /** Predicted components that overlap no true lesion voxel. */
  readonly falseDiscoveries: number;
  /** detectedLesions / trueLesions; `NaN` when there are no true lesions. */
  readonly tpr: number;
  /** falseDiscoveries / predictedLesions; `NaN` when nothing is predicted. */
  readonly fdr: number;
}

/**
 * Lesion-level TPR and FDR of a prediction (probabilities or mask) against a truth mask.
 *
 * @example
 * const {tpr, fdr} = lesionMetrics(probability, mask); // tensors [N, H, W, 1], 8-connectivity
 */
export function lesionMetrics(predicted: VoxelValues, truth: VoxelValues, options: LesionMetricsOptions = {}): LesionMetrics {
  const where = 'lesionMetrics';
  const threshold = requireFinite(where, 'options.threshold', options.threshold ?? DEFAULT_THRESHOLD);
  const minLesionSize = options.minLesionSize ?? 1;
  if (!Number.isInteger(minLesionSize) || minLesionSize < 1) {
    throw new InvalidArgumentError(where, 'options.minLesionSize', minLesionSize, 'an integer ≥ 1');
  }
  const shape = options.shape ?? shapeOf(truth) ?? shapeOf(predicted);
  if (shape === null) {
    throw new InvalidArgumentError(
      where,
      'options.shape',
      undefined,
      'the mask shape ([H, W], [D, H, W], [N, H, W, 1] or [N, D, H, W, 1]) for array inputs',
    );
  }
  const predictedMask = readMask(where, 'predicted', predicted, threshold);
  const truthMask = readMask(where, 'truth', truth);
  requireSameLength(where, ['predicted', 'truth'], predictedMask, truthMask);
  const connectivity = options.connectivity ?? DEFAULT_CONNECTIVITY;
  const truthComponents = labelComponents(truthMask, shape, connectivity);
  const predictedComponents = labelComponents(predictedMask, shape, connectivity);

  const truthKept = (label: number) => truthComponents.sizes[label - 1] >= minLesionSize;
  const predictedKept = (label: number) => predictedComponents.sizes[label - 1] >= minLesionSize;
  const detected = new Uint8Array(truthComponents.count + 1);
  const overlapsTruth = new Uint8Array(predictedComponents.count + 1);
  for (let i = 0; i < truthMask.length; i++) {
    const t = truthComponents.labels[i];
    const p = predictedComponents.labels[i];
    if (t === 0 || p === 0) continue;
    if (predictedKept(p)) detected[t] = 1;
    if (truthKept(t)) overlapsTruth[p] = 1;
  }
  let trueLesions = 0;
  let detectedLesions = 0;
  for (let label = 1; label <= truthComponents.count; label++) {
    if (!truthKept(label)) continue;
    trueLesions++;
    detectedLesions += detected[label];
  }
  let predictedLesions = 0;
  let falseDiscoveries = 0;
  for (let label = 1; label <= predictedComponents.count; label++) {
    if (!predictedKept(label)) continue;
    predictedLesions++;
    if (!overlapsTruth[label]) falseDiscoveries++;
  }
  return {
    trueLesions,
    detectedLesions,
    predictedLesions,
    falseDiscoveries,
    tpr: trueLesions === 0 ? Number.NaN : detectedLesions / trueLesions,
    fdr: predictedLesions === 0 ? Number.NaN : falseDiscoveries / predictedLesions,
  };
}
