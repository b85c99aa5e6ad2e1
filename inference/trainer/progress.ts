/**
 * Progress display of the trainer: a bar per epoch on a terminal (redrawn in place with `\r`),
 * one plain line per epoch elsewhere (logs, CI, tests), or nothing. Writes only through a
 * `ProgressStream`, so it runs in browsers too.
 */
import type { EpochRecord, SkippedStep, StepRecord } from './history.js';

/** How progress is shown: `'auto'` is `'bar'` when the stream is a TTY, else `'lines'`. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'silent';
/** Accepted progress modes. */
export const PROGRESS_MODES = ['auto', 'bar', 'lines', 'silent'] as const;

/** The stream progress is written to (any object with `write(text)`); `isTTY` picks the bar. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * `process.stdout` in Node; elsewhere (browsers) a stream that writes each line to the console
 * (a bar's in-place redraws reach no terminal there, so `'auto'` gives lines).
 */
export function defaultProgressStream(): ProgressStream {
  const stdout = (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  if (stdout !== undefined) return stdout;
  return {
    write(text: string): void {
      for (const line of text.split('\n')) if (line.trim().length > 0) console.log(line);
    },
  };
}

/** Formats a number for a progress line: 4 significant digits, exponent form for very small/large. */
function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5) ? value.toExponential(3) : value.toPrecision(4);
}

/** One line summarising an epoch: `epoch 3/10  loss 1.234  nll …  (0.52 s)`. */
function formatEpochLine(record: EpochRecord, epochs: number, seconds: number): string {
  const values = Object.entries(record.logs).map(([key, value]) => `${key} ${formatValue(value)}`);
  const skipped = record.stepsSkipped > 0 ? `  skipped ${record.stepsSkipped}` : '';
  return `epoch ${record.epoch + 1}/${epochs}  ${values.join('  ')}${skipped}  (${seconds.toFixed(2)} s)\n`;
}

/** Receives the trainer's events and renders them. */
export interface ProgressDisplay {
  epochBegin(epoch: number, numBatches: number, batchesDone: number): void;
  stepEnd(record: StepRecord | null): void;
  stepSkipped(skipped: SkippedStep): void;
  epochEnd(record: EpochRecord): void;
  end(message: string): void;
}

class SilentProgress implements ProgressDisplay {
  epochBegin(): void {}
  stepEnd(): void {}
  stepSkipped(): void {}
  epochEnd(): void {}
  end(): void {}
}

class LineProgress implements ProgressDisplay {
  private started = 0;

  constructor(
    protected readonly stream: ProgressStream,
    protected readonly epochs: number,
  ) {}

  epochBegin(_epoch: number, _numBatches: number, _batchesDone: number): void {
    this.started = performance.now();
  }

  stepEnd(_record: StepRecord | null): void {}

  stepSkipped(skipped: SkippedStep): void {
    this.stream.write(`step ${skipped.step} skipped (epoch ${skipped.epoch + 1}, batch ${skipped.batchIndex + 1}): ${skipped.reason}\n`);
  }

  epochEnd(record: EpochRecord): void {
    this.stream.write(formatEpochLine(record, this.epochs, (performance.now() - this.started) / 1000));
  }

  end(message: string): void {
    this.stream.write(`${message}\n`);
  }
}

/** Width of the bar in characters. */
const BAR_WIDTH = 30;
/** The bar is redrawn at most this often (ms), and at the end of each epoch. */
const BAR_REDRAW_MS = 100;

class BarProgress extends LineProgress {
  private total = 0;
  private done = 0;
  private firstDone = 0;
  private startedAt = 0;
  private lastDrawn = 0;
  private loss = '…';
  private epochLabel = '';
  private drawn = false;

  override epochBegin(epoch: number, numBatches: number, batchesDone: number): void {
    super.epochBegin(epoch, numBatches, batchesDone);
    this.total = numBatches;
    this.done = batchesDone;
    this.firstDone = batchesDone;
    this.startedAt = performance.now();
    this.loss = '…';
    this.epochLabel = `epoch ${epoch + 1}/${this.epochs}`;
    this.draw(true);
  }

  override stepEnd(record: StepRecord | null): void {
    this.done += 1;
    if (record !== null) this.loss = formatValue(record.loss);
    this.draw(false);
  }

  /** On a terminal a skipped step only advances the bar; the epoch line counts the skips. */
  override stepSkipped(): void {
    this.done += 1;
    this.draw(false);
  }

  override epochEnd(record: EpochRecord): void {
    this.clear();
    super.epochEnd(record);
  }

  override end(message: string): void {
    this.clear();
    super.end(message);
  }

  private draw(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastDrawn < BAR_REDRAW_MS && this.done < this.total) return;
    this.lastDrawn = now;
    const fraction = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const filled = Math.round(fraction * BAR_WIDTH);
    const perStep = this.done > this.firstDone ? (now - this.startedAt) / (this.done - this.firstDone) : NaN;
    const eta = Number.isFinite(perStep) ? `${Math.round((perStep * (this.total - this.done)) / 1000)}s` : '…';
    this.stream.write(
      `\r${this.epochLabel} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${this.done}/${this.total} | loss ${this.loss} | eta ${eta}\u001b[K`,
    );
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}

/** Builds the display for `mode` writing to `stream` (default `process.stdout`). */
export function createProgress(mode: ProgressMode, stream: ProgressStream, epochs: number): ProgressDisplay {
  const resolved = mode === 'auto' ? (stream.isTTY === true ? 'bar' : 'lines') : mode;
  if (resolved === 'silent') return new SilentProgress();
  if (resolved === 'bar') return new BarProgress(stream, epochs);
  return new LineProgress(stream, epochs);
}
