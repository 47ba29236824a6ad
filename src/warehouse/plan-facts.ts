/**
 * What the warehouse knows that a request plan needs, without asking RingCentral: learnt limits,
 * the last snapshots' sizes, stored records per range, and the requests each run really sent
 * (run_request, counted by the governor as it grants slots).
 */
import type { Db } from './db';

/** The governor's learnt limit and window per rate group of the account. */
export async function learntLimits(db: Db, accountId: string): Promise<Map<string, { limit: number; windowMs: number }>> {
  const { rows } = await db.query<{ rate_group: string; limit_per_window: number; window_ms: number }>(
    'SELECT rate_group, limit_per_window, window_ms FROM ringcentral.rate_budget WHERE account_id = $1',
    [accountId],
  );
  return new Map(rows.map((r) => [r.rate_group, { limit: r.limit_per_window, windowMs: r.window_ms }]));
}

export interface LastSnapshot {
  runId: string;
  records: number;
  /** Server time of the snapshot, and the database's wall clock when its run started. */
  capturedAt: number;
  runStartedAt: number;
}

/** The account's newest complete snapshot of each list. */
export async function lastSnapshots(db: Db, accountId: string): Promise<Partial<Record<'extensions' | 'directory', LastSnapshot>>> {
  const { rows } = await db.query<{ stream: 'extensions' | 'directory'; run_id: string; records: number; captured_ms: number; started_ms: number }>(
    `SELECT DISTINCT ON (s.stream) s.stream, s.run_id, s.records, (extract(epoch FROM s.captured_at) * 1000)::float8 AS captured_ms,
            (extract(epoch FROM coalesce(r.started_at, s.captured_at)) * 1000)::float8 AS started_ms
       FROM ringcentral.snapshot s LEFT JOIN ringcentral.sync_run r ON r.run_id = s.run_id
      WHERE s.account_id = $1 AND s.completed_at IS NOT NULL
      ORDER BY s.stream, s.captured_at DESC`,
    [accountId],
  );
  return Object.fromEntries(rows.map((r) => [r.stream, { runId: r.run_id, records: r.records, capturedAt: r.captured_ms, runStartedAt: r.started_ms }]));
}

/** The database's clock, epoch ms. */
export async function databaseNow(db: Db): Promise<number> {
  const { rows } = await db.query<{ now_ms: number }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms');
  return rows[0].now_ms;
}

/**
 * The call-log windows of [from, to) at `sizeMs` each (one window when unset), as the workflows
 * split them (windows.ts), with the records stored in each and whether a backfill finished it
 * before (its kept "done" marker, scoped by the window's ISO bounds).
 */
export async function callLogWindows(db: Db, accountId: string, range: { from: number; to: number }, sizeMs?: number): Promise<Array<{ from: number; to: number; records: number; done: boolean }>> {
  const { rows } = await db.query<{ f: number; t: number; n: number; done: boolean }>(
    `WITH w AS (
       SELECT g::float8 AS f, least(g + $4::numeric, $3::numeric)::float8 AS t FROM generate_series($2::numeric, $3::numeric - 1, $4::numeric) g
     ), iso AS (
       SELECT f, t, to_char(to_timestamp(f / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '/' ||
                    to_char(to_timestamp(t / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS scope FROM w
     )
     SELECT f, t,
            (SELECT count(*) FROM ringcentral.call_log_record c
              WHERE c.account_id = $1 AND c.start_time >= to_timestamp(f / 1000.0) AND c.start_time < to_timestamp(t / 1000.0))::int AS n,
            EXISTS (SELECT 1 FROM ringcentral.checkpoint k WHERE k.account_id = $1 AND k.stream = 'call_log' AND k.scope = iso.scope
                       AND k.cursor ? 'done' AND coalesce((k.cursor->>'keep')::boolean, true)) AS done
       FROM iso ORDER BY f`,
    [accountId, range.from, range.to, sizeMs ?? Math.max(1, range.to - range.from)],
  );
  return rows.map((r) => ({ from: r.f, to: r.t, records: r.n, done: r.done }));
}

/** Stored messages created in [from, to) per extension of `extensionIds` (0 for those without any). */
export async function messagesPerMailbox(db: Db, accountId: string, extensionIds: number[], range: { from: number; to: number }): Promise<number[]> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM ringcentral.message m WHERE m.account_id = $1 AND m.extension_id = e.id
               AND m.creation_time >= to_timestamp($3 / 1000.0) AND m.creation_time < to_timestamp($4 / 1000.0))::int AS n
       FROM unnest($2::bigint[]) WITH ORDINALITY AS e(id, i) ORDER BY e.i`,
    [accountId, extensionIds, range.from, range.to],
  );
  return rows.map((r) => r.n);
}

/**
 * Records per ms the account produced, over the stored records of the `spanMs` before `before`
 * (0 when none). Divided by the span the warehouse covers (from its oldest record there, an
 * hour at least), so a warehouse holding only the last day does not dilute the rate.
 */
export async function recordRate(db: Db, accountId: string, table: 'call_log' | 'message', before: number, spanMs: number): Promise<number> {
  const [from, column] = table === 'call_log' ? ['ringcentral.call_log_record', 'start_time'] : ['ringcentral.message', 'creation_time'];
  const { rows } = await db.query<{ n: number; oldest_ms: number | null }>(
    `SELECT count(*)::int AS n, (extract(epoch FROM min(${column})) * 1000)::float8 AS oldest_ms FROM ${from}
      WHERE account_id = $1 AND ${column} >= to_timestamp($2 / 1000.0) AND ${column} < to_timestamp($3 / 1000.0)`,
    [accountId, before - spanMs, before],
  );
  const { n, oldest_ms } = rows[0];
  return n === 0 || oldest_ms === null ? 0 : n / Math.max(before - oldest_ms, 3_600_000);
}

/** When the account's last successful sync started (database clock), epoch ms. */
export async function lastSyncStart(db: Db, accountId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM max(started_at)) * 1000)::float8 AS ms FROM ringcentral.sync_run WHERE account_id = $1 AND kind = 'sync' AND status = 'succeeded'`,
    [accountId],
  );
  return rows[0]?.ms ?? undefined;
}

/** Stores a run's plan with its row (a retried plan overwrites it with the same). */
export async function saveRunPlan(db: Db, runId: string, plan: unknown): Promise<void> {
  await db.query('UPDATE ringcentral.sync_run SET plan = $2 WHERE run_id = $1', [runId, JSON.stringify(plan)]);
}

/** Requests the run really sent, per rate group. */
export async function runRequests(db: Db, runId: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ rate_group: string; requests: number }>('SELECT rate_group, requests FROM ringcentral.run_request WHERE run_id = $1', [runId]);
  return Object.fromEntries(rows.map((r) => [r.rate_group, r.requests]));
}
