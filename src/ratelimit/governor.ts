/**
 * The rate-limit governor: every RingCentral request of every worker first reserves a slot
 * in its (account, rate group) budget.
 *
 * Why a Postgres ledger and not Temporal task-queue rate limits: RingCentral's limits are
 * per user+app *per rate group* and are learnt at run time from X-Rate-Limit-* headers
 * (apps can have custom limits), and a 429 must freeze the whole group for Retry-After
 * seconds across all workers. A row per group, locked for the few microseconds of a
 * reservation, gives exactly that with the database every worker already shares, and uses
 * the database clock so workers' clock skew does not matter.
 */
import { count429, countRateSlot } from '../metrics/product';
import { inTransaction, type Pool } from '../warehouse/db';

/** RingCentral's documented groups; the server may name others (X-Rate-Limit-Group), and we follow it. */
export type KnownRateGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth';
export type RateGroup = KnownRateGroup | (string & {});

/** RingCentral's documented defaults, used until the server's headers say otherwise. */
export const DEFAULT_LIMITS: Record<KnownRateGroup, { limit: number; windowMs: number }> = {
  Light: { limit: 50, windowMs: 60_000 },
  Medium: { limit: 40, windowMs: 60_000 },
  Heavy: { limit: 10, windowMs: 60_000 },
  Auth: { limit: 5, windowMs: 60_000 },
};

/**
 * The budget row a group name maps to. RingCentral documents the groups as Light, Medium,
 * Heavy and Auth, but X-Rate-Limit-Group is free text: a server answering `light` means the
 * same budget, and two rows for one group would let twice the limit through (and earn 429s).
 * Names are compared case-insensitively; the documented spelling is the key.
 */
export function canonicalGroup(name: string): RateGroup {
  const known = (Object.keys(DEFAULT_LIMITS) as KnownRateGroup[]).find((g) => g.toLowerCase() === name.toLowerCase());
  return known ?? name.toLowerCase();
}

function defaultsFor(group: RateGroup): { limit: number; windowMs: number } {
  // An unknown group gets the strictest default until its headers arrive.
  return DEFAULT_LIMITS[group as KnownRateGroup] ?? DEFAULT_LIMITS.Heavy;
}

export interface RateHeaders {
  group?: string;
  limit: number;
  remaining: number;
  windowMs: number;
}

export interface GovernorOptions {
  /** Fraction of the limit kept in reserve for clock drift and other clients (default 0.1). */
  safetyMargin?: number;
  /** Extra time added to the window so a request we count as expired has expired server-side too. */
  slackMs?: number;
}

export class RateGovernor {
  private readonly margin: number;
  private readonly slackMs: number;

  constructor(
    private readonly pool: Pool,
    options: GovernorOptions = {},
  ) {
    this.margin = options.safetyMargin ?? 0.1;
    this.slackMs = options.slackMs ?? 250;
  }

  /** Reserves a slot now and returns 0, or returns how long to wait before asking again. */
  async tryAcquire(accountId: string, name: RateGroup): Promise<number> {
    const group = canonicalGroup(name);
    const defaults = defaultsFor(group);
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ringcentral.rate_budget (account_id, rate_group, limit_per_window, window_ms)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [accountId, group, defaults.limit, defaults.windowMs],
      );
      const { rows } = await client.query<{ now_ms: number; limit_per_window: number; window_ms: number; sent_ms: number[]; blocked_ms: number }>(
        `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms, limit_per_window, window_ms,
                ARRAY(SELECT (extract(epoch FROM t) * 1000)::float8 FROM unnest(sent_at) t) AS sent_ms,
                CASE WHEN blocked_until = '-infinity' THEN 0 ELSE (extract(epoch FROM blocked_until) * 1000)::float8 END AS blocked_ms
           FROM ringcentral.rate_budget WHERE account_id = $1 AND rate_group = $2 FOR UPDATE`,
        [accountId, group],
      );
      const row = rows[0];
      const windowMs = row.window_ms + this.slackMs;
      const inWindow = row.sent_ms.filter((t) => t > row.now_ms - windowMs).sort((a, b) => a - b);
      const allowed = Math.max(1, Math.floor(row.limit_per_window * (1 - this.margin)));
      let waitMs = 0;
      if (row.blocked_ms > row.now_ms) waitMs = row.blocked_ms - row.now_ms;
      else if (inWindow.length >= allowed) waitMs = inWindow[inWindow.length - allowed] + windowMs - row.now_ms;

      if (waitMs > 0) {
        await client.query('UPDATE ringcentral.rate_budget SET waits = waits + 1 WHERE account_id = $1 AND rate_group = $2', [accountId, group]);
      } else {
        await client.query(
          `UPDATE ringcentral.rate_budget
              SET sent_at = ARRAY(SELECT to_timestamp(t / 1000.0) FROM unnest($3::float8[]) t) || clock_timestamp(),
                  requests = requests + 1, updated_at = now()
            WHERE account_id = $1 AND rate_group = $2`,
          [accountId, group, inWindow],
        );
      }
      return Math.ceil(waitMs);
    });
  }

  /** Learns the server's real limit and window; a spent budget (other apps?) pauses the group. */
  async observe(accountId: string, name: RateGroup, headers: RateHeaders): Promise<void> {
    const group = canonicalGroup(name);
    await this.pool.query(
      `INSERT INTO ringcentral.rate_budget (account_id, rate_group, limit_per_window, window_ms, blocked_until)
       VALUES ($1, $2, $3, $4, CASE WHEN $5::int <= 0 THEN clock_timestamp() + make_interval(secs => $4::int / 1000.0) ELSE '-infinity' END)
       ON CONFLICT (account_id, rate_group) DO UPDATE
          SET limit_per_window = $3, window_ms = $4,
              blocked_until = CASE WHEN $5::int <= 0
                                   THEN greatest(rate_budget.blocked_until, clock_timestamp() + make_interval(secs => $4::int / 1000.0))
                                   ELSE rate_budget.blocked_until END,
              updated_at = now()`,
      [accountId, group, headers.limit, headers.windowMs, headers.remaining],
    );
  }

  /** After a 429 nothing may be sent in the group until Retry-After has passed: the penalty restarts on every request made during it. */
  async penalize(accountId: string, name: RateGroup, retryAfterMs: number): Promise<void> {
    const group = canonicalGroup(name);
    const defaults = defaultsFor(group);
    count429(accountId, group);
    await this.pool.query(
      `INSERT INTO ringcentral.rate_budget (account_id, rate_group, limit_per_window, window_ms, blocked_until, rate_limited)
       VALUES ($1, $2, $4, $5, clock_timestamp() + make_interval(secs => $3 / 1000.0), 1)
       ON CONFLICT (account_id, rate_group) DO UPDATE
          SET blocked_until = greatest(rate_budget.blocked_until, clock_timestamp() + make_interval(secs => $3 / 1000.0)),
              rate_limited = rate_budget.rate_limited + 1, updated_at = now()`,
      [accountId, group, retryAfterMs, defaults.limit, defaults.windowMs],
    );
  }
}

export function parseRateHeaders(get: (name: string) => string | null): RateHeaders | undefined {
  const limit = Number(get('x-rate-limit-limit'));
  const remaining = Number(get('x-rate-limit-remaining'));
  const windowSec = Number(get('x-rate-limit-window'));
  if (!(limit > 0) || !Number.isFinite(remaining) || !(windowSec > 0)) return undefined;
  const group = get('x-rate-limit-group');
  return { group: group ? canonicalGroup(group) : undefined, limit, remaining, windowMs: Math.round(windowSec * 1000) };
}

/** Thrown when the budget frees up later than a worker should sit on its slot. */
export class RateLimitWait extends Error {
  override name = 'RateLimitWait';
  constructor(
    readonly group: RateGroup,
    readonly waitMs: number,
  ) {
    super(`${group} rate budget spent; next request possible in ${Math.ceil(waitMs / 1000)} s`);
  }
}

/**
 * Waits for a slot when the wait is short; for longer waits throws RateLimitWait so the
 * activity can give its worker slot back and be retried after the wait.
 */
export async function acquireSlot(
  governor: RateGovernor,
  accountId: string,
  group: RateGroup,
  options: { maxInlineWaitMs: number },
): Promise<void> {
  // The inline budget is for the whole acquisition: losing races to other workers again and
  // again must not keep an activity (and its heartbeat) waiting indefinitely.
  const deadline = Date.now() + options.maxInlineWaitMs;
  for (;;) {
    const waitMs = await governor.tryAcquire(accountId, group);
    countRateSlot(accountId, group, waitMs);
    if (waitMs === 0) return;
    if (Date.now() + waitMs > deadline) throw new RateLimitWait(group, waitMs);
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
