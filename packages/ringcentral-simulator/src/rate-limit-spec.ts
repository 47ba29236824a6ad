// `--rate-limits Heavy=3/10s,Light=100/60s`: custom per-group limits, as RingCentral grants apps
// on request. Each item is GROUP=REQUESTS/WINDOW with the window in ms, s or m; groups not named
// keep their defaults.

import { RATE_GROUPS, type RateGroup, type RateLimitConfig } from './types';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
const ITEM = /^([A-Za-z]+)=(\d+)\/(\d+(?:\.\d+)?)(ms|s|m)$/;

/** Throws an Error whose message names the bad item and the expected form. */
export function parseRateLimits(spec: string): Partial<Record<RateGroup, RateLimitConfig>> {
  const out: Partial<Record<RateGroup, RateLimitConfig>> = {};
  for (const item of spec.split(',').map((s) => s.trim())) {
    const m = ITEM.exec(item);
    const group = m && RATE_GROUPS.find((g) => g.toLowerCase() === m[1]!.toLowerCase());
    const limit = m ? Number(m[2]) : 0;
    const windowMs = m ? Math.round(Number(m[3]) * UNIT_MS[m[4]!]!) : 0;
    if (!m || !group || limit < 1 || windowMs < 1 || out[group]) {
      throw new Error(`"${item}" is not GROUP=REQUESTS/WINDOW with GROUP one of ${RATE_GROUPS.join(', ')} (each once), REQUESTS >= 1 and WINDOW like 10s, 500ms or 1m (e.g. Heavy=3/10s,Light=100/60s)`);
    }
    out[group] = { limit, windowMs };
  }
  return out;
}
