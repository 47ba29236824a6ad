// RingCentral-style throttling: per (app + user) and per usage-plan group, a rolling window
// of admitted requests. Exceeding it opens a penalty; any request made during the penalty is
// refused AND restarts it (the "429 trap"). Runs on wall time, independent of simulated time.

import { RATE_GROUPS, type RateGroup, type RateLimitConfig } from './types';

export const DEFAULT_LIMITS: Record<RateGroup, RateLimitConfig> = {
  Light: { limit: 50, windowMs: 60_000 },
  Medium: { limit: 40, windowMs: 60_000 },
  Heavy: { limit: 10, windowMs: 60_000 },
  Auth: { limit: 5, windowMs: 60_000 },
};

/** The configured limits with every window (default or custom) multiplied by `scale`. */
export function scaleWindows(
  limits: Partial<Record<RateGroup, Partial<RateLimitConfig>>> = {}, scale: number,
): Partial<Record<RateGroup, Partial<RateLimitConfig>>> {
  if (!(scale > 0)) throw new RangeError(`rateWindowScale must be > 0, got ${scale}`);
  if (scale === 1) return limits;
  return Object.fromEntries(RATE_GROUPS.map((g) => [g, {
    ...limits[g], windowMs: Math.max(1, Math.round((limits[g]?.windowMs ?? DEFAULT_LIMITS[g].windowMs) * scale)),
  }]));
}

export interface RateDecision {
  allowed: boolean;
  group: RateGroup;
  limit: number;
  remaining: number;
  /** X-Rate-Limit-Window: integer seconds >= 1 (window is honoured in ms internally). */
  windowSec: number;
  /** Integer seconds, ceiling of the remaining penalty (only when refused). */
  retryAfterSec?: number;
}

interface Bucket {
  hits: number[];
  head: number;
  penaltyStart: number;
  penaltyUntil: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private closedPenaltyMs = 0;
  readonly limits: Record<RateGroup, RateLimitConfig>;

  constructor(
    limits: Partial<Record<RateGroup, Partial<RateLimitConfig>>> = {},
    private readonly penaltyMs: number | undefined,
    private readonly penaltyRestarts: boolean,
    private readonly wall: () => number,
  ) {
    this.limits = Object.fromEntries(
      RATE_GROUPS.map((g) => [g, { ...DEFAULT_LIMITS[g], ...(limits[g] ?? {}) }]),
    ) as Record<RateGroup, RateLimitConfig>;
  }

  private bucket(key: string, group: RateGroup): Bucket {
    const k = `${key}|${group}`;
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = { hits: [], head: 0, penaltyStart: 0, penaltyUntil: 0 }));
    return b;
  }

  private penaltyFor(group: RateGroup): number {
    return this.penaltyMs ?? this.limits[group].windowMs;
  }

  private expire(b: Bucket, now: number, windowMs: number): void {
    while (b.head < b.hits.length && b.hits[b.head]! <= now - windowMs) b.head++;
    if (b.head > 1024 && b.head * 2 > b.hits.length) {
      b.hits = b.hits.slice(b.head);
      b.head = 0;
    }
    if (b.penaltyUntil && b.penaltyUntil <= now) {
      this.closedPenaltyMs += b.penaltyUntil - b.penaltyStart;
      b.penaltyStart = b.penaltyUntil = 0;
    }
  }

  private decision(group: RateGroup, b: Bucket, now: number, allowed: boolean): RateDecision {
    const { limit, windowMs } = this.limits[group];
    const d: RateDecision = {
      allowed,
      group,
      limit,
      remaining: allowed ? Math.max(0, limit - (b.hits.length - b.head)) : 0,
      windowSec: Math.max(1, Math.round(windowMs / 1000)),
    };
    if (!allowed) d.retryAfterSec = Math.max(1, Math.ceil((b.penaltyUntil - now) / 1000));
    return d;
  }

  private startPenalty(b: Bucket, group: RateGroup, now: number, ms = this.penaltyFor(group)): void {
    if (!b.penaltyUntil) b.penaltyStart = now;
    b.penaltyUntil = Math.max(b.penaltyUntil, now + ms);
  }

  /** Count one request; refuse it if over the limit or inside a penalty. */
  hit(key: string, group: RateGroup): RateDecision {
    const now = this.wall();
    const b = this.bucket(key, group);
    const { limit, windowMs } = this.limits[group];
    this.expire(b, now, windowMs);
    if (b.penaltyUntil > now) {
      if (this.penaltyRestarts) b.penaltyUntil = now + this.penaltyFor(group);
      return this.decision(group, b, now, false);
    }
    if (b.hits.length - b.head >= limit) {
      this.startPenalty(b, group, now);
      return this.decision(group, b, now, false);
    }
    b.hits.push(now);
    return this.decision(group, b, now, true);
  }

  /** Headers for a response that is not counted (401s, unknown paths). */
  peek(key: string, group: RateGroup): RateDecision {
    const now = this.wall();
    const b = this.bucket(key, group);
    this.expire(b, now, this.limits[group].windowMs);
    return b.penaltyUntil > now ? this.decision(group, b, now, false) : this.decision(group, b, now, true);
  }

  /**
   * A 429 forced from outside (fault '429-burst'): a real penalty of `ms` (default: the group's),
   * so a client that waits Retry-After gets out, and one that probes early is trapped as usual.
   */
  forcePenalty(key: string, group: RateGroup, ms?: number): RateDecision {
    const now = this.wall();
    const b = this.bucket(key, group);
    this.expire(b, now, this.limits[group].windowMs);
    this.startPenalty(b, group, now, ms);
    return this.decision(group, b, now, false);
  }

  penaltyRemainingMs(key: string, group: RateGroup): number {
    const b = this.buckets.get(`${key}|${group}`);
    return b ? Math.max(0, b.penaltyUntil - this.wall()) : 0;
  }

  /** Wall ms spent in penalty so far, summed over all keys and groups (open penalties included). */
  totalPenaltyMs(): number {
    const now = this.wall();
    let open = 0;
    for (const b of this.buckets.values()) {
      if (b.penaltyUntil) open += Math.min(now, b.penaltyUntil) - b.penaltyStart;
    }
    return this.closedPenaltyMs + open;
  }

  reset(): void {
    this.buckets.clear();
    this.closedPenaltyMs = 0;
  }
}
