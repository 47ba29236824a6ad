// Counters and a bounded request log, for tests and benchmarks ("was any page fetched twice?",
// "how long did we sit in penalty?").

import { THROTTLING_GROUPS, type ThrottlingGroup } from './types';

export interface RequestLogEntry {
  seq: number;
  /** Wall-clock ms when the response finished (or the socket was cut). */
  time: number;
  method: string;
  /** Path plus query string exactly as received. */
  path: string;
  /** Route name (e.g. 'call-log'); null for paths the API does not serve. */
  route: string | null;
  group: ThrottlingGroup | null;
  status: number;
  clientId?: string;
  ownerId?: string;
  /** First characters of the bearer token, to tell sessions apart. */
  token?: string;
  fault?: string;
  /** 429 from the limiter (not from a fault). */
  throttled?: boolean;
  durationMs: number;
}

export interface StatsSnapshot {
  requests: number;
  requestsByGroup: Record<ThrottlingGroup, number>;
  requestsByRoute: Record<string, number>;
  requestsByPath: Record<string, number>;
  statusCounts: Record<string, number>;
  /** 429s served by the rate limiter. */
  throttled: number;
  /** 429s served by the '429-burst' fault. */
  faultThrottled: number;
  /** All 429s. */
  total429: number;
  penaltyMs: number;
  faultsFired: Record<string, number>;
}

export class Stats {
  private log: RequestLogEntry[] = [];
  private seq = 0;
  requests = 0;
  requestsByGroup = Object.fromEntries(THROTTLING_GROUPS.map((g) => [g, 0])) as Record<ThrottlingGroup, number>;
  requestsByRoute = new Map<string, number>();
  requestsByPath = new Map<string, number>();
  statusCounts = new Map<number, number>();
  throttled = 0;
  faultThrottled = 0;

  constructor(private readonly limit: number) {}

  record(e: Omit<RequestLogEntry, 'seq'>): void {
    this.requests++;
    if (e.group) this.requestsByGroup[e.group]++;
    if (e.route) this.requestsByRoute.set(e.route, (this.requestsByRoute.get(e.route) ?? 0) + 1);
    const p = e.path.split('?')[0]!;
    this.requestsByPath.set(p, (this.requestsByPath.get(p) ?? 0) + 1);
    this.statusCounts.set(e.status, (this.statusCounts.get(e.status) ?? 0) + 1);
    if (e.status === 429) {
      if (e.throttled) this.throttled++;
      else this.faultThrottled++;
    }
    this.log.push({ seq: ++this.seq, ...e });
    // Amortised trimming: keep between limit and 2×limit entries, expose the newest `limit`.
    if (this.log.length >= this.limit * 2) this.log = this.log.slice(-this.limit);
  }

  entries(): readonly RequestLogEntry[] {
    return this.log.length > this.limit ? this.log.slice(-this.limit) : this.log;
  }

  snapshot(penaltyMs: number, faultsFired: Record<string, number>): StatsSnapshot {
    return {
      requests: this.requests,
      requestsByGroup: { ...this.requestsByGroup },
      requestsByRoute: Object.fromEntries(this.requestsByRoute),
      requestsByPath: Object.fromEntries(this.requestsByPath),
      statusCounts: Object.fromEntries([...this.statusCounts].map(([k, v]) => [String(k), v])),
      throttled: this.throttled,
      faultThrottled: this.faultThrottled,
      total429: this.throttled + this.faultThrottled,
      penaltyMs,
      faultsFired,
    };
  }

  reset(): void {
    this.log = [];
    this.requests = this.throttled = this.faultThrottled = 0;
    for (const g of THROTTLING_GROUPS) this.requestsByGroup[g] = 0;
    this.requestsByRoute.clear();
    this.requestsByPath.clear();
    this.statusCounts.clear();
  }
}
