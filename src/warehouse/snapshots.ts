/**
 * Snapshot bookkeeping: one ringcentral.snapshot row per (run, stream) counts the pages and
 * records of a run's extension list or directory, what the API said to expect, and the
 * passes made; a snapshot is complete when a pass ends with every expected record.
 */
import type { Db, PoolClient } from './db';

export type SnapshotStream = 'extensions' | 'directory';

const TABLE = { extensions: 'extension_snapshot', directory: 'directory_entry_snapshot' } as const;

export interface SnapshotState {
  pages: number;
  records: number;
  complete: boolean;
  passes: number;
  /** When the snapshot was taken, in the server's clock. */
  capturedAt: string;
}

export async function beginSnapshot(db: Db, s: { runId: string; accountId: string; stream: SnapshotStream }): Promise<void> {
  await db.query(`INSERT INTO ringcentral.snapshot (run_id, account_id, stream, captured_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`, [
    s.runId,
    s.accountId,
    s.stream,
  ]);
}

/**
 * Books one page, in the page's transaction. `lastOfPass` pages end a pass: returns true when
 * that leaves the snapshot short of the record count the API reported and fewer than
 * `maxPasses` were made, i.e. the list is to be paged again.
 */
export async function recordSnapshotPage(
  db: PoolClient,
  p: { runId: string; stream: SnapshotStream; total?: number; serverTime: Date; lastOfPass: boolean; maxPasses: number },
): Promise<boolean> {
  const { rows } = await db.query<{ records: number; expected: number | null; passes: number }>(
    `UPDATE ringcentral.snapshot
        SET pages = pages + 1,
            records = (SELECT count(*) FROM ringcentral.${TABLE[p.stream]} WHERE run_id = $1),
            expected_records = greatest(expected_records, $3),
            -- Versions start at the capture time, in the server's clock like the calls they attribute.
            captured_at = CASE WHEN pages = 0 THEN $4::timestamptz ELSE captured_at END
      WHERE run_id = $1 AND stream = $2
      RETURNING records, expected_records AS expected, passes`,
    [p.runId, p.stream, p.total ?? null, p.serverTime.toISOString()],
  );
  if (!p.lastOfPass) return false;
  const { records, expected, passes } = rows[0];
  if (expected === null || records >= expected) {
    await db.query('UPDATE ringcentral.snapshot SET completed_at = now() WHERE run_id = $1 AND stream = $2', [p.runId, p.stream]);
    return false;
  }
  await db.query('UPDATE ringcentral.snapshot SET passes = passes + 1 WHERE run_id = $1 AND stream = $2', [p.runId, p.stream]);
  return passes < p.maxPasses;
}

export async function snapshotState(db: Db, runId: string, stream: SnapshotStream): Promise<SnapshotState> {
  const { rows } = await db.query(
    `SELECT pages, records, completed_at IS NOT NULL AS complete, passes, to_json(captured_at) #>> '{}' AS captured_at
       FROM ringcentral.snapshot WHERE run_id = $1 AND stream = $2`,
    [runId, stream],
  );
  const r = rows[0];
  return { pages: r.pages, records: r.records, complete: r.complete, passes: r.passes, capturedAt: r.captured_at };
}

/** The account's newest complete snapshot of a stream (its run, and when it completed by the database's clock); none before the first. */
export async function latestCompleteSnapshot(db: Db, accountId: string, stream: SnapshotStream): Promise<{ runId: string; completedAt: Date } | undefined> {
  const { rows } = await db.query<{ run_id: string; completed_at: Date }>(
    `SELECT run_id, completed_at FROM ringcentral.snapshot WHERE account_id = $1 AND stream = $2 AND completed_at IS NOT NULL ORDER BY captured_at DESC LIMIT 1`,
    [accountId, stream],
  );
  return rows[0] ? { runId: rows[0].run_id, completedAt: rows[0].completed_at } : undefined;
}
