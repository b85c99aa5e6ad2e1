/**
 * The content of a run report: plain numbers and strings only, so the same object is written to
 * `results.json` and drawn into `report.html`. Every section is optional; the report shows the
 * sections that are present.
 */
import type { ReliabilityBin } from '../metrics/calibration.js';

/** Whether the run ran to the end or was stopped (Ctrl-C, early abort). */
export type RunStatus = 'complete' | 'interrupted';

/** One training step as the report needs it (a trainer `StepRecord` fits). */
export interface TrainingPoint {
  /** Global step (0-based). */
  readonly step: number;
  /** ELBO loss of the step (scaled NLL + weighted KL). */
  readonly loss: number;
  /** The likelihood part (negative log-likelihood as the ELBO scaled it). */
  readonly nll: number;
  /** Summed KL of all variational layers (before weighting), in nats. */
  readonly kl: number;
  /** KL weight applied at the step. */
  readonly klWeight: number;
  /** Which run the point belongs to, when a report overlays several (e.g. the weightings of a study). */
  readonly series?: string;
}

/** Ratio ‖∇ weighted KL‖ / ‖∇ NLL‖ of one layer at one step (from the gradient inspector). */
export interface GradientRatioPoint {
  readonly layer: string;
  readonly step: number;
  readonly ratio: number;
}

/** One bin of a reliability diagram: the metrics' `ReliabilityBin` (edges, voxel count, mean confidence, accuracy). */
export type ReliabilityPoint = ReliabilityBin;

/** The reliability diagram of one named group of runs (e.g. one method of `study uci`, pooled over its splits). */
export interface GroupReliability {
  /** Group name, shown in the title and used (slugged) in the chart id. */
  readonly name: string;
  readonly bins: readonly ReliabilityPoint[];
  /** ECE of these bins, shown in the title. */
  readonly ece?: number;
}

/** The quantile-calibration curve (Kuleshov et al. 2018) of one named group of regression runs. */
export interface GroupQuantileCalibration {
  readonly name: string;
  /** Levels p_j in (0, 1), ascending. */
  readonly levels: readonly number[];
  /** Observed p̂_j: the fraction of targets below the predictive's p_j-quantile. */
  readonly observed: readonly number[];
  /** Test points the fractions are over. */
  readonly count: number;
  /** Calibration error (1/m) Σ (p_j − p̂_j)², shown in the title. */
  readonly error?: number;
}

/** A retention curve (an `inference/metrics` `RetentionCurve` fits). */
export interface RetentionData {
  /** Referred fractions, ascending in [0, 1]. */
  readonly fractions: readonly number[];
  /** Metric of the corrected prediction at each fraction. */
  readonly dice: readonly number[];
  /** Area under the curve. */
  readonly area: number;
}

/** Colour maps of image panels. */
export type PanelColormap = 'gray' | 'viridis' | 'mask';

/** One 2D map shown as an image. */
export interface Panel {
  /** Caption, e.g. `'entropy (nats)'`. */
  readonly title: string;
  /** Width and height in pixels. */
  readonly width: number;
  readonly height: number;
  /** Row-major values, length `width × height`. */
  readonly values: ArrayLike<number>;
  /** Colour map. `'gray'` and `'viridis'` stretch `range` (default: min…max) to the map; `'mask'` shows ≥ 0.5 as white. */
  readonly colormap: PanelColormap;
  /** Value range mapped to the ends of the colour map. */
  readonly range?: readonly [number, number];
}

/** A row of panels about one example (image, ground truth, prediction, entropy, MI). */
export interface PanelRow {
  readonly caption: string;
  readonly panels: readonly Panel[];
}

/** One value of a metric for one group (e.g. a KL weighting) and one seed. */
export interface ComparisonValue {
  readonly group: string;
  readonly seed: number;
  readonly value: number;
}

/** A metric compared across groups and seeds (`study kl`). */
export interface Comparison {
  /** Metric name, e.g. `'test NLL (nats)'`. */
  readonly metric: string;
  readonly values: readonly ComparisonValue[];
}

/** A table of plain values. */
export interface ReportTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>;
}

/** Everything a report shows. */
export interface RunReport {
  /** Heading, e.g. `'tfjs-bnn segment'`. */
  readonly title: string;
  readonly status: RunStatus;
  /** ISO 8601 time the report was made. */
  readonly createdAt: string;
  /** Headline numbers (Dice, AUROC, ECE, wall time …). */
  readonly summary: Readonly<Record<string, number | string>>;
  /** The options of the run. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Loss parts and KL weight over training. */
  readonly training?: readonly TrainingPoint[];
  /** Gradient-norm ratio per layer. */
  readonly gradientRatios?: readonly GradientRatioPoint[];
  /** Reliability diagram of the held-out predictions. */
  readonly reliability?: readonly ReliabilityPoint[];
  /**
   * Reliability on the foreground only (segmentation: voxels that are lesion or predicted lesion),
   * where the background's many easy voxels cannot hide miscalibration. Its ECE: `summary.eceForeground`.
   */
  readonly foregroundReliability?: readonly ReliabilityPoint[];
  /** Retention curve of the held-out predictions. */
  readonly retention?: RetentionData;
  /** One reliability diagram per group (method) of a study, each with its bin counts. */
  readonly groupReliability?: readonly GroupReliability[];
  /** One quantile-calibration curve per group (method) of a regression study. */
  readonly groupQuantileCalibration?: readonly GroupQuantileCalibration[];
  /** Image panels (segmentation). */
  readonly panels?: readonly PanelRow[];
  /** Metrics compared across groups and seeds. */
  readonly comparisons?: readonly Comparison[];
  /** Tables (e.g. the per-run results of a study). */
  readonly tables?: readonly ReportTable[];
  /** Free sentences shown under the summary (what was not available, why the run stopped …). */
  readonly notes?: readonly string[];
}
