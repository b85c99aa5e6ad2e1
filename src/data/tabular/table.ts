/**
 * Small tabular data sets (features and one target per row) parsed from CSV bytes. Browser-safe:
 * no file or zlib access here — `read.ts` (Node) reads and gunzips the shipped files.
 *
 * Shipped sets (scikit-learn's copies; sources and licences in `README.md` beside this file):
 * `diabetes` (regression, 442 × 10), `breast-cancer` (2 classes, 569 × 30), `wine` (3 classes,
 * 178 × 13), `iris` (3 classes, 150 × 4). The digits are in `src/data/digits`.
 */
import { FormatError, InvalidArgumentError } from '../../errors.js';

/** What the target is. */
export type TabularTask = 'regression' | 'classification';

/** A table in memory: plain arrays, no tensors. */
export interface TabularData {
  /** Name of the set (or the CSV file). */
  readonly name: string;
  readonly task: TabularTask;
  /** Column names of the features, in order. */
  readonly featureNames: readonly string[];
  /** Row-major features, length `rows × featureNames.length`. */
  readonly features: Float64Array;
  /** One target per row: a real number (regression) or a class index 0…K−1 (classification). */
  readonly targets: Float64Array;
  /** Number of rows. */
  readonly rows: number;
  /** Class names in index order (classification), else empty. */
  readonly classNames: readonly string[];
}

/** Options of `parseTabularCsv`. */
export interface ParseTabularOptions {
  /** Name to give the table (and to show in errors). */
  readonly name: string;
  /** Header name of the target column. */
  readonly target: string;
  /** `'classification'`: the target's distinct values become classes (sorted numerically when all are numbers). Default: `'classification'` when some target is not a number, else `'regression'`. */
  readonly task?: TabularTask;
  /** Class names by index for numeric class labels 0…K−1 (e.g. `['malignant', 'benign']`). */
  readonly classNames?: readonly string[];
}

/** Splits one CSV line on commas, honouring double quotes ("" inside quotes is a quote). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells.map((value) => value.trim());
}

/**
 * Parses CSV text (or UTF-8 bytes) with a header line into a `TabularData`: every column but
 * `target` is a numeric feature. Throws `FormatError` naming the line and column of a bad cell, and
 * `InvalidArgumentError` when the target column is missing.
 */
export function parseTabularCsv(input: string | Uint8Array, options: ParseTabularOptions): TabularData {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  if (lines.length < 2)
    throw new FormatError(`parseTabularCsv: ${options.name} has ${lines.length} non-empty lines; expected a header and at least one row.`);
  const header = splitCsvLine(lines[0]);
  const targetColumn = header.indexOf(options.target);
  if (targetColumn < 0)
    throw new InvalidArgumentError(
      'parseTabularCsv',
      'target',
      options.target,
      `one of the header's columns (${header.map((h) => JSON.stringify(h)).join(', ')})`,
    );
  const featureNames = header.filter((_, i) => i !== targetColumn);
  const rows = lines.length - 1;
  const features = new Float64Array(rows * featureNames.length);
  const rawTargets: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = splitCsvLine(lines[r + 1]);
    if (cells.length !== header.length)
      throw new FormatError(`parseTabularCsv: ${options.name} line ${r + 2} has ${cells.length} fields; expected ${header.length}.`);
    let f = 0;
    cells.forEach((cell, column) => {
      if (column === targetColumn) {
        rawTargets.push(cell);
        return;
      }
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value))
        throw new FormatError(
          `parseTabularCsv: ${options.name} line ${r + 2} column ${JSON.stringify(header[column])} is ${JSON.stringify(cell)}; expected a finite number.`,
        );
      features[r * featureNames.length + f] = value;
      f++;
    });
  }
  const numeric = rawTargets.every((cell) => cell !== '' && Number.isFinite(Number(cell)));
  const task = options.task ?? (numeric ? 'regression' : 'classification');
  let targets: Float64Array;
  let classNames: string[] = [];
  if (task === 'regression') {
    if (!numeric) {
      const bad = rawTargets.findIndex((cell) => cell === '' || !Number.isFinite(Number(cell)));
      throw new FormatError(
        `parseTabularCsv: ${options.name} line ${bad + 2} target ${JSON.stringify(rawTargets[bad])} is not a number (regression).`,
      );
    }
    targets = Float64Array.from(rawTargets, Number);
  } else {
    const distinct = [...new Set(rawTargets)];
    distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
    const index = new Map(distinct.map((value, i) => [value, i]));
    targets = Float64Array.from(rawTargets, (cell) => index.get(cell) as number);
    classNames = options.classNames !== undefined && options.classNames.length === distinct.length ? [...options.classNames] : distinct;
  }
  return { name: options.name, task, featureNames, features, targets, rows, classNames };
}
