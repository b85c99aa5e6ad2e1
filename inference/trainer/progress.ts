/**
 * Progress display of the trainer: a `cli-progress` bar per epoch on a terminal, one plain line
 * per epoch elsewhere (logs, CI, tests), or nothing.
 */
import cliProgress from 'cli-progress';
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

/** Formats a number for a progress line: 4 significant digits, exponent form for very small/large. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5) ? value.toExponential(3) : value.toPrecision(4);
}

/** One line summarising an epoch: `epoch 3/10  loss 1.234  nll …  (0.52 s)`. */
export function formatEpochLine(record: EpochRecord, epochs: number, seconds: number): string {
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

  constructor(protected readonly stream: ProgressStream, protected readonly epochs: number) {}

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

class BarProgress extends LineProgress {
  private bar: cliProgress.SingleBar | null = null;

  override epochBegin(epoch: number, numBatches: number, batchesDone: number): void {
    super.epochBegin(epoch, numBatches, batchesDone);
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        format: `epoch ${epoch + 1}/${this.epochs} [{bar}] {value}/{total} | loss {loss} | eta {eta_formatted}`,
        hideCursor: false,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(numBatches, batchesDone, { loss: '…' });
  }

  override stepEnd(record: StepRecord | null): void {
    if (record === null) this.bar?.increment();
    else this.bar?.increment({ loss: formatValue(record.loss) });
  }

  /** On a terminal a skipped step only advances the bar; the epoch line counts the skips. */
  override stepSkipped(): void {
    this.bar?.increment();
  }

  override epochEnd(record: EpochRecord): void {
    this.stopBar();
    super.epochEnd(record);
  }

  override end(message: string): void {
    this.stopBar();
    super.end(message);
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** Builds the display for `mode` writing to `stream` (default `process.stdout`). */
export function createProgress(mode: ProgressMode, stream: ProgressStream, epochs: number): ProgressDisplay {
  const resolved = mode === 'auto' ? (stream.isTTY === true ? 'bar' : 'lines') : mode;
  if (resolved === 'silent') return new SilentProgress();
  if (resolved === 'bar') return new BarProgress(stream, epochs);
  return new LineProgress(stream, epochs);
}
