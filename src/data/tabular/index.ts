export { parseTabularCsv, type ParseTabularOptions, type TabularData, type TabularTask } from './table.js';
export {
  SHIPPED_TABULAR,
  SHIPPED_TABULAR_SETS,
  parseShippedTabular,
  requireShippedTabular,
  type ShippedTabularName,
  type ShippedTabularSpec,
} from './shipped.js';
export { splitTabular, DEFAULT_TABULAR_TEST_FRACTION, type TabularSplit } from './split.js';
