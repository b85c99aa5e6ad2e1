/** Counting helpers on ascending-sorted Float64Arrays (binary search), shared by the uncertainty metrics. */

/** Index of the first element ≥ `value` (the number of elements < `value`). */
export function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the first element > `value` (the number of elements ≤ `value`). */
export function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The values of `scores` where `select[i] === want`, sorted ascending (native typed-array sort). */
export function sortedWhere(scores: ArrayLike<number>, select: Uint8Array, want: 0 | 1): Float64Array {
  let count = 0;
  for (let i = 0; i < select.length; i++) if (select[i] === want) count++;
  const values = new Float64Array(count);
  let next = 0;
  for (let i = 0; i < select.length; i++) if (select[i] === want) values[next++] = scores[i];
  return values.sort();
}
