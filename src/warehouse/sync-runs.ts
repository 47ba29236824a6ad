/**
 * The sync_run table: one row per sync or backfill run. A partial unique index admits one
 * running sync per account; watermarks are read only from successful syncs.
 */
import type { Db } from './db';

export interface Watermarks {
  /** Call-log startTime up to which every window is complete. */
  callLog?: string;
  /** A backfill's: where its call-log range started (its watermark continues a sync's only if the range reaches back to it). */
  callLogFrom?: string;
  /** Message creation time up to which message stores were paged. */
  messages?: string;
}

/** Inserts the run as running; false when the account's one sync slot is taken (or the run exists). */
export async function insertRun(db: Db, run: { runId: string; accountId: string; kind: 'sync' | 'backfill' }): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO ringcentral.sync_run (run_id, account_id, kind, status) VALUES ($1, $2, $3, 'running')
     ON CONFLICT DO NOTHING RETURNING run_id`,
    [run.runId, run.accountId, run.kind],
  );
  return Boolean(inserted.rowCount);
}

export async function runStatus(db: Db, runId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ status: string }>(`SELECT status FROM ringcentral.sync_run WHERE run_id = $1`, [runId]);
  return rows[0]?.status;
}

/** The running sync of the account other than `exceptRunId`, and whether it made no progress for staleMs. */
export async function runningSync(db: Db, accountId: string, exceptRunId: string, staleMs: number): Promise<{ run_id: string; stale: boolean } | undefined> {
  const { rows } = await db.query<{ run_id: string; stale: boolean }>(
    `SELECT run_id, progress_at < now() - make_interval(secs => $3 / 1000.0) AS stale FROM ringcentral.sync_run
      WHERE account_id = $1 AND kind = 'sync' AND status = 'running' AND run_id <> $2`,
    [accountId, exceptRunId, staleMs],
  );
  return rows[0];
}

/** The run's account and kind. */
export async function runOwner(db: Db, runId: string): Promise<{ accountId: string; kind: string } | undefined> {
  const { rows } = await db.query<{ account_id: string; kind: string }>('SELECT account_id, kind FROM ringcentral.sync_run WHERE run_id = $1', [runId]);
  return rows[0] ? { accountId: rows[0].account_id, kind: rows[0].kind } : undefined;
}

/** Marks a run that will never record its end as failed. */
export async function abandonRun(db: Db, runId: string, reason: string): Promise<void> {
  await db.query(`UPDATE ringcentral.sync_run SET status = 'failed', finished_at = now(), error = $2 WHERE run_id = $1 AND status = 'running'`, [runId, reason]);
}

export async function finishRun(
  db: Db,
  run: { runId: string; status: string; counts: Record<string, number>; watermarks?: Watermarks; error?: string },
): Promise<{ account_id: string; kind: string } | undefined> {
  const { rows } = await db.query<{ account_id: string; kind: string }>(
    `UPDATE ringcentral.sync_run SET status = $2, counts = $3, watermarks = coalesce($4, watermarks), error = $5, finished_at = now()
      WHERE run_id = $1 RETURNING account_id, kind`,
    [run.runId, run.status, JSON.stringify(run.counts), run.watermarks ? JSON.stringify(run.watermarks) : null, run.error ?? null],
  );
  return rows[0];
}

/**
 * A failed run never advances the watermarks: the next run starts where the last good one ended.
 * A successful backfill since then hands its call log over (the one reaching furthest): when its range reaches back to the last sync's
 * watermark (or no sync ran yet), the next sync continues from the range's end (never past the
 * time the backfill finished) instead of starting over.
 */
export async function lastWatermarks(db: Db, accountId: string): Promise<Watermarks> {
  const { rows } = await db.query<{ watermarks: Watermarks; finished: Date }>(
    `SELECT watermarks, finished_at AS finished FROM ringcentral.sync_run
      WHERE account_id = $1 AND kind = 'sync' AND status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`,
    [accountId],
  );
  const sync: Watermarks = rows[0]?.watermarks ?? {};
  const backfill = await db.query<{ from: string; reach: Date }>(
    `SELECT watermarks->>'callLogFrom' AS from, least((watermarks->>'callLog')::timestamptz, finished_at) AS reach FROM ringcentral.sync_run
      WHERE account_id = $1 AND kind = 'backfill' AND status = 'succeeded' AND watermarks ? 'callLogFrom'
        AND finished_at > coalesce($2, '-infinity'::timestamptz) ORDER BY reach DESC LIMIT 1`,
    [accountId, rows[0]?.finished ?? null],
  );
  const b = backfill.rows[0];
  if (!b) return sync;
  const to = new Date(b.reach).toISOString();
  const continues = !sync.callLog || Date.parse(b.from) <= Date.parse(sync.callLog);
  return continues && (!sync.callLog || Date.parse(to) > Date.parse(sync.callLog)) ? { ...sync, callLog: to } : sync;
}

/** A running sync reports progress, so it is never mistaken for an abandoned one. */
export async function touchRunProgress(db: Db, runId: string): Promise<void> {
  await db.query('UPDATE ringcentral.sync_run SET progress_at = now() WHERE run_id = $1', [runId]);
}
