/**
 * How much of a rate limit a client used, read from the simulator's request log (the
 * server's view), shared by bench/extraction.ts and test/integration/rate-utilisation.test.ts.
 */
import type { RequestLogEntry } from 'ringcentral-simulator';

export interface RateUsage {
  admitted: number;
  refused: number;
  /**
   * Admitted requests in the whole windows from the first admission on, divided by what
   * those windows allow (`limit` each): 1 at most, since the server admits no more than
   * `limit` in any window; 0 when the requests did not fill one window.
   */
  utilisation: number;
}

export function rateUsage(log: readonly RequestLogEntry[], group: string, limit: number, windowMs: number): RateUsage {
  const inGroup = log.filter((r) => r.group === group);
  // The limiter admits a request when it arrives: the response's end minus its duration.
  const admittedAt = inGroup.filter((r) => r.status !== 429).map((r) => r.time - r.durationMs);
  const first = Math.min(...admittedAt);
  const windows = Math.floor((Math.max(...admittedAt) - first) / windowMs);
  const inWindows = admittedAt.filter((t) => t < first + windows * windowMs).length;
  const utilisation = windows > 0 ? inWindows / (windows * limit) : 0;
  return { admitted: admittedAt.length, refused: inGroup.filter((r) => r.status === 429).length, utilisation };
}
