/** Run reports: Vega-Lite charts rendered to SVG in Node, PNG panels, one self-contained HTML page and `results.json`. */
export type {
  Comparison,
  ComparisonValue,
  GradientRatioPoint,
  GroupQuantileCalibration,
  GroupReliability,
  Panel,
  PanelColormap,
  PanelRow,
  ReliabilityPoint,
  ReportTable,
  RetentionData,
  RunReport,
  RunStatus,
  TrainingPoint,
} from './types.js';
export {
  CHART_HEIGHT,
  CHART_WIDTH,
  comparisonChart,
  compactCount,
  constantKlWeightSentence,
  gradientRatioChart,
  klWeightChart,
  lossPartsChart,
  reliabilityChart,
  reportCharts,
  retentionChart,
  RETENTION_SYMLOG_CONSTANT,
  type ReliabilityChartOptions,
  type ReportChart,
} from './charts.js';
export { groupReliabilityChart, quantileCalibrationChart } from './group-charts.js';
export { renderSvg } from './svg.js';
export { colorBarDataUri, COLOR_BAR_STEPS, encodePanelPng, panelDataUri, panelRange, panelRgba } from './panels.js';
export { escapeHtml, PANEL_DISPLAY_WIDTH, renderReportHtml } from './html.js';
