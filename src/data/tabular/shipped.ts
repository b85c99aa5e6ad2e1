/** The tabular sets shipped with tfjs-bnn: file names, targets and class names. Browser-safe. */
import { InvalidArgumentError } from '../../errors.js';
import { parseTabularCsv, type TabularData, type TabularTask } from './table.js';

/** Names of the shipped tabular sets. */
export type ShippedTabularName = 'diabetes' | 'breast-cancer' | 'wine' | 'iris';

/** Every shipped tabular set. */
export const SHIPPED_TABULAR_SETS: readonly ShippedTabularName[] = ['diabetes', 'breast-cancer', 'wine', 'iris'];

/** How a shipped set is stored and read. */
export interface ShippedTabularSpec {
  /** File name under `src/data/` (gzip of a CSV with a header line). */
  readonly fileName: string;
  readonly task: TabularTask;
  /** Rows and features, checked on load. */
  readonly rows: number;
  readonly features: number;
  /** Header name of the target column. */
  readonly target: string;
  /** Class names by index (classification). */
  readonly classNames?: readonly string[];
}

/** The shipped sets. Class indices follow scikit-learn (breast cancer: 0 malignant, 1 benign). */
export const SHIPPED_TABULAR: Readonly<Record<ShippedTabularName, ShippedTabularSpec>> = {
  diabetes: { fileName: 'diabetes.csv.gz', task: 'regression', rows: 442, features: 10, target: 'target' },
  'breast-cancer': {
    fileName: 'breast-cancer.csv.gz',
    task: 'classification',
    rows: 569,
    features: 30,
    target: 'class',
    classNames: ['malignant', 'benign'],
  },
  wine: {
    fileName: 'wine.csv.gz',
    task: 'classification',
    rows: 178,
    features: 13,
    target: 'class',
    classNames: ['class_0', 'class_1', 'class_2'],
  },
  iris: {
    fileName: 'iris.csv.gz',
    task: 'classification',
    rows: 150,
    features: 4,
    target: 'class',
    classNames: ['setosa', 'versicolor', 'virginica'],
  },
};

/** Requires `name` to be a shipped set. */
export function requireShippedTabular(where: string, name: unknown): ShippedTabularName {
  if (typeof name !== 'string' || !(SHIPPED_TABULAR_SETS as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(where, 'name', name, `one of ${SHIPPED_TABULAR_SETS.map((n) => `'${n}'`).join(', ')}`);
  }
  return name as ShippedTabularName;
}

/**
 * Parses a shipped set from its gunzipped CSV bytes (browser: fetch the `.csv.gz`, decompress with
 * `DecompressionStream('gzip')`; Node: `readShippedTabular` does both). Checks the row and feature counts.
 */
export function parseShippedTabular(name: ShippedTabularName, csv: string | Uint8Array): TabularData {
  const spec = SHIPPED_TABULAR[requireShippedTabular('parseShippedTabular', name)];
  const data = parseTabularCsv(csv, {
    name,
    target: spec.target,
    task: spec.task,
    ...(spec.classNames === undefined ? {} : { classNames: spec.classNames }),
  });
  if (data.rows !== spec.rows || data.featureNames.length !== spec.features) {
    throw new InvalidArgumentError(
      'parseShippedTabular',
      'csv',
      `${data.rows} rows × ${data.featureNames.length} features`,
      `${spec.rows} × ${spec.features} for '${name}'`,
    );
  }
  return data;
}
