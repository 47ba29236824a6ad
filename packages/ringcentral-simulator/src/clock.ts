// Simulated time. Data visibility (calls ending, messages changing, lifecycle events)
// follows this clock; rate limits and token expiry deliberately do not (they use wall time).

export interface SimClockApi {
  /** Current simulated time in epoch ms. */
  now(): number;
  advance(ms: number): number;
  set(date: Date | number | string): number;
}

export class SimClock implements SimClockApi {
  private base: number;
  private wallBase: number;

  /**
   * @param start simulated epoch ms at construction
   * @param speed 0 = frozen (tests, deterministic); 1 = follows wall time (demo); n = n× faster
   */
  constructor(
    start: number,
    private readonly speed = 0,
    private readonly wall: () => number = Date.now,
  ) {
    this.base = Math.floor(start);
    this.wallBase = wall();
  }

  now(): number {
    if (!this.speed) return this.base;
    return this.base + Math.floor((this.wall() - this.wallBase) * this.speed);
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock.advance(ms) needs a non-negative number');
    return this.rebase(this.now() + Math.floor(ms));
  }

  set(date: Date | number | string): number {
    const t = date instanceof Date ? date.getTime() : typeof date === 'number' ? date : Date.parse(date);
    if (!Number.isFinite(t)) throw new RangeError(`clock.set: invalid date ${String(date)}`);
    return this.rebase(t);
  }

  private rebase(t: number): number {
    this.base = Math.floor(t);
    this.wallBase = this.wall();
    return this.base;
  }
}

export const DAY_MS = 86_400_000;
export const dayOf = (t: number): number => Math.floor(t / DAY_MS);
export const dayStart = (d: number): number => d * DAY_MS;
export const iso = (t: number): string => new Date(t).toISOString();
