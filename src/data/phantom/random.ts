/** Seeded scalar random numbers for the phantom generator (Alea stream, Box–Muller normals). */
import seedrandom from 'seedrandom';

/** A seeded stream of uniform and standard-normal numbers. */
export class PhantomRandom {
  private readonly next: () => number;
  private spare: number | null = null;

  constructor(key: string) {
    this.next = seedrandom.alea(key);
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform on [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Log-uniform on [low, high): small values as likely per octave as large ones. */
  logBetween(low: number, high: number): number {
    return Math.exp(this.between(Math.log(low), Math.log(high)));
  }

  /** Integer uniform on [0, count). */
  index(count: number): number {
    return Math.min(count - 1, Math.floor(this.next() * count));
  }

  /** Standard normal (Box–Muller, pairs cached). */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}
