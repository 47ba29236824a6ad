/**
 * The rate-limit governor: every RingCentral request of every worker first reserves a slot
 * in its (account, rate group) budget.
 *
 * Why a Postgres ledger and not Temporal task-queue rate limits: RingCentral's limits are
 * per user+app *per rate group* and are learnt at run time from X-Rate-Limit-* headers
 * (apps can have custom limits), and a 429 must freeze the whole group for Retry-After
 * seconds across all workers. A row per group, locked for the few microseconds of a
 * reservation, gives exactly that with the database every worker already shares, and uses
 * the database clock so workers' clock skew does not matter. The arithmetic of a budget
 * (slots held until the server has forgotten them, calibration from X-Rate-Limit-Remaining)
 * is budget.ts; this file is its storage and the waiting around it.
 */
import { count429, countRateSlot } from '../metrics/product';
import { inTransaction, type Pool, type PoolClient } from '../warehouse/db';
import { applyAnswer, type BudgetState, reserve, waitBeforeSend } from './budget';

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
  /** The answer was a 429: the server did not count this request. */
  refused?: boolean;
}

export interface GovernorOptions {
  /**
   * How long a request may stay unanswered (the client's request timeout, with room): a slot
   * whose answer never arrives (a worker died mid-request) frees this long plus a window
   * after its reservation. Default 60 s, the activities' heartbeat timeout.
   */
  maxInFlightMs?: number;
}

/** A granted slot carries a ticket: hand it back with the answer (`observe`, `release`). */
export interface Grant {
  /** 0 when granted; otherwise how long to wait before asking again. */
  waitMs: number;
  ticket?: Ticket;
}
/** The slot's reservation time in database microseconds: exact, and unique under the row lock. */
export type Ticket = number;

/** The budget row in the units of budget.ts: database milliseconds, slots with their µs tickets. */
const READ_ROW = `
  SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS now_us, limit_per_window, window_ms,
         ARRAY(SELECT (extract(epoch FROM lower(s)) * 1000000)::bigint FROM unnest(slots) s) AS reserved_us,
         ARRAY(SELECT (extract(epoch FROM upper(s)) * 1000000)::bigint FROM unnest(slots) s) AS busy_us,
         ${epochMs('blocked_until')} AS blocked_ms, foreign_used, ${epochMs('foreign_seen_at')} AS foreign_seen_ms
    FROM ringcentral.rate_budget WHERE account_id = $1 AND rate_group = $2 FOR UPDATE`;

const WRITE_ROW = `
  UPDATE ringcentral.rate_budget
     SET limit_per_window = $3, window_ms = $4,
         slots = ARRAY(SELECT tstzrange(${fromUs('l')}, ${fromUs('u')}) FROM unnest($5::bigint[], $6::bigint[]) AS x(l, u)),
         foreign_used = $7, foreign_seen_at = ${fromMs('$8::float8')}, updated_at = now()
   WHERE account_id = $1 AND rate_group = $2`;

function epochMs(column: string): string {
  return `CASE WHEN ${column} = '-infinity' THEN 0 ELSE (extract(epoch FROM ${column}) * 1000)::float8 END`;
}
function fromUs(expr: string): string {
  return `timestamptz 'epoch' + ${expr} * interval '1 microsecond'`;
}
function fromMs(expr: string): string {
  return `CASE WHEN ${expr} <= 0 THEN '-infinity'::timestamptz ELSE timestamptz 'epoch' + ${expr} * interval '1 millisecond' END`;
}

interface BudgetRow {
  now_us: number;
  limit_per_window: number;
  window_ms: number;
  reserved_us: number[];
  busy_us: number[];
  blocked_ms: number;
  foreign_used: number;
  foreign_seen_ms: number;
}

function toState(row: BudgetRow): BudgetState {
  return {
    limit: row.limit_per_window,
    windowMs: row.window_ms,
    slots: row.reserved_us.map((r, i) => ({ reservedAt: Number(r) / 1000, busyUntil: Number(row.busy_us[i]) / 1000 })),
    blockedUntil: row.blocked_ms,
    foreignUsed: row.foreign_used,
    foreignSeenAt: row.foreign_seen_ms,
  };
}

export class RateGovernor {
  private readonly maxInFlightMs: number;

  constructor(
    private readonly pool: Pool,
    options: GovernorOptions = {},
  ) {
    this.maxInFlightMs = options.maxInFlightMs ?? 60_000;
  }

  /**
   * Reserves a slot now (waitMs 0 and a ticket), or says how long to wait before asking again.
   * A granted slot is a request sent: it is counted to the running sync or backfill of the
   * workflow (or child workflow) `workflowId` names, in the same transaction, so the count is exact.
   */
  async tryAcquire(accountId: string, name: RateGroup, workflowId?: string): Promise<Grant> {
    const group = canonicalGroup(name);
    return this.withRow(accountId, group, async (client, row) => {
      const state = toState(row);
      const now = Number(row.now_us) / 1000;
      const waitMs = waitBeforeSend(state, now);
      if (waitMs > 0) {
        await client.query('UPDATE ringcentral.rate_budget SET waits = waits + 1 WHERE account_id = $1 AND rate_group = $2', [accountId, group]);
        return { waitMs: Math.ceil(waitMs) };
      }
      const reserved = reserve(state, now, this.maxInFlightMs);
      const ticket = Math.round(reserved.ticket * 1000);
      await this.write(client, accountId, group, reserved.state);
      // sent_at: the reservation log older workers and the utilisation gauge read.
      await client.query(
        `UPDATE ringcentral.rate_budget
            SET sent_at = ARRAY(SELECT t FROM unnest(sent_at) t WHERE t > ${fromUs('$3::bigint')} - make_interval(secs => window_ms / 500.0)) || ${fromUs('$3::bigint')},
                requests = requests + 1
          WHERE account_id = $1 AND rate_group = $2`,
        [accountId, group, ticket],
      );
      if (workflowId) await countRunRequest(client, accountId, group, workflowId);
      return { waitMs: 0, ticket };
    });
  }

  /**
   * An answer arrived: its slot frees one window from now, the server's limit and window
   * replace ours (custom limits are learnt), and its X-Rate-Limit-Remaining calibrates what
   * other clients of the same user+app are spending. `ticket` is the slot the request was
   * sent on, when it was reserved in this group.
   */
  async observe(accountId: string, name: RateGroup, headers: RateHeaders, ticket?: Ticket): Promise<void> {
    const group = canonicalGroup(name);
    await this.withRow(accountId, group, async (client, row) => {
      const next = applyAnswer(toState(row), Number(row.now_us) / 1000, ticket === undefined ? undefined : ticket / 1000, headers);
      await this.write(client, accountId, group, next);
    });
  }

  /** The request on this slot ended without rate headers (network error, timeout, token call): it frees one window from now. */
  async release(accountId: string, name: RateGroup, ticket: Ticket): Promise<void> {
    const group = canonicalGroup(name);
    await this.withRow(accountId, group, async (client, row) => {
      await this.write(client, accountId, group, applyAnswer(toState(row), Number(row.now_us) / 1000, ticket / 1000));
    });
  }

  private withRow<T>(accountId: string, group: RateGroup, fn: (client: PoolClient, row: BudgetRow) => Promise<T>): Promise<T> {
    const defaults = defaultsFor(group);
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ringcentral.rate_budget (account_id, rate_group, limit_per_window, window_ms)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [accountId, group, defaults.limit, defaults.windowMs],
      );
      const { rows } = await client.query<BudgetRow>(READ_ROW, [accountId, group]);
      return fn(client, rows[0]);
    });
  }

  private async write(client: PoolClient, accountId: string, group: RateGroup, state: BudgetState): Promise<void> {
    await client.query(WRITE_ROW, [
      accountId,
      group,
      state.limit,
      state.windowMs,
      state.slots.map((s) => Math.round(s.reservedAt * 1000)),
      state.slots.map((s) => Math.ceil(s.busyUntil * 1000)),
      state.foreignUsed,
      state.foreignSeenAt,
    ]);
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

/**
 * One request of the run that `workflowId` belongs to: its own id or a child's
 * (`<parent>/messages`), whose run row is `<root workflow id>/<first run id>` while it runs.
 */
async function countRunRequest(client: PoolClient, accountId: string, group: RateGroup, workflowId: string): Promise<void> {
  const root = workflowId.split('/')[0];
  await client.query(
    `INSERT INTO ringcentral.run_request (run_id, rate_group, requests)
     SELECT run_id, $2, 1 FROM ringcentral.sync_run WHERE account_id = $1 AND status = 'running' AND starts_with(run_id, $3 || '/')
     ON CONFLICT (run_id, rate_group) DO UPDATE SET requests = run_request.requests + 1`,
    [accountId, group, root],
  );
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
  options: { maxInlineWaitMs: number; workflowId?: string },
): Promise<Ticket> {
  // The inline budget is for the whole acquisition: losing races to other workers again and
  // again must not keep an activity (and its heartbeat) waiting indefinitely.
  const deadline = Date.now() + options.maxInlineWaitMs;
  for (;;) {
    const { waitMs, ticket } = await governor.tryAcquire(accountId, group, options.workflowId);
    countRateSlot(accountId, group, waitMs);
    if (ticket !== undefined) return ticket;
    if (Date.now() + waitMs > deadline) throw new RateLimitWait(group, waitMs);
    await new Promise((r) => setTimeout(r, waitMs));
  }
}
