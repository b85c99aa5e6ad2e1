/** Run reports: Vega-Lite charts rendered to SVG in Node, PNG panels, one self-contained HTML page and `results.json`. */
export type {
  Comparison,
  ComparisonValue,
  GradientRatioPoint,
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
  gradientRatioChart,
  klWeightChart,
  lossPartsChart,
  reliabilityChart,
  reportCharts,
  retentionChart,
  type ReportChart,
} from './charts.js';
export { renderSvg } from './svg.js';
export { encodePanelPng, panelDataUri, panelRange, panelRgba } from './panels.js';
export { escapeHtml, PANEL_DISPLAY_WIDTH, renderReportHtml } from './html.js';
