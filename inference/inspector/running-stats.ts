/** Welford's running mean and variance of a stream of numbers (non-finite values are counted apart). */
export class RunningStats {
  private n = 0;
  private meanValue = 0;
  private m2 = 0;
  private skipped = 0;

  /** Adds one observation; NaN/±Inf are counted in `nonFinite` and otherwise ignored. */
  push(value: number): void {
    if (!Number.isFinite(value)) {
      this.skipped += 1;
      return;
    }
    this.n += 1;
    const delta = value - this.meanValue;
    this.meanValue += delta / this.n;
    this.m2 += delta * (value - this.meanValue);
  }

  /** Number of finite observations. */
  get count(): number {
    return this.n;
  }

  /** Number of non-finite observations ignored. */
  get nonFinite(): number {
    return this.skipped;
  }

  /** Mean of the finite observations (NaN before the first). */
  get mean(): number {
    return this.n > 0 ? this.meanValue : Number.NaN;
  }

  /** Sample standard deviation (n − 1 denominator; NaN with fewer than two observations). */
  get std(): number {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : Number.NaN;
  }

  /** Plain-data view. */
  toJSON(): { count: number; mean: number | null; std: number | null; nonFinite: number } {
    const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
    return { count: this.n, mean: finiteOrNull(this.mean), std: finiteOrNull(this.std), nonFinite: this.skipped };
  }
}
