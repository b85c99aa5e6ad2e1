/**
 * Calibration charts per group of runs (one per method of a study): the reliability diagram of
 * `reliabilityChart` for classification, the quantile-calibration curve of Kuleshov et al. (2018)
 * for regression.
 */
import { CHART_HEIGHT, reliabilityChart, type ReportChart } from './charts.js';
import type { GroupQuantileCalibration, GroupReliability } from './types.js';

/** A group name as an HTML-id fragment: lower case, runs of other characters as one `-`. */
function chartSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The reliability diagram of one group, id `reliability-<slug>`. */
export function groupReliabilityChart(group: GroupReliability): ReportChart {
  return reliabilityChart(group.bins, group.ece, { id: `reliability-${chartSlug(group.name)}`, title: `Reliability: ${group.name}` });
}

/**
 * Quantile-calibration curve of one group (Kuleshov et al. 2018), id `quantile-calibration-<slug>`:
 * the observed fraction of targets below each predicted quantile against its level, with the
 * diagonal of perfect calibration. Above the diagonal at low levels and below it at high levels
 * means intervals too wide (under-confident); the reverse, too narrow.
 */
export function quantileCalibrationChart(group: GroupQuantileCalibration): ReportChart {
  const values = group.levels
    .map((level, j) => ({ level, observed: group.observed[j] }))
    .filter((row) => Number.isFinite(row.level) && Number.isFinite(row.observed));
  const error = group.error === undefined ? '' : `, error ${group.error.toFixed(4)}`;
  return {
    id: `quantile-calibration-${chartSlug(group.name)}`,
    title: `Quantile calibration: ${group.name} (${group.count} points${error})`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: CHART_HEIGHT,
      height: CHART_HEIGHT,
      layer: [
        {
          data: { values },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'level', type: 'quantitative', title: 'predicted quantile level', scale: { domain: [0, 1] } },
            y: { field: 'observed', type: 'quantitative', title: 'observed fraction below', scale: { domain: [0, 1] } },
          },
        },
        {
          data: {
            values: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
          },
          mark: { type: 'line', strokeDash: [4, 4], color: 'gray' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
        },
      ],
    },
  };
}
