/**
 * Retention of merged snapshots. Every sync stores a full extension list and directory; once
 * merged, the dimension and the merge log (ringcentral.dim_extension_merge) hold what later
 * merges need: re-merging a run answers from the log, a snapshot older than the newest merged
 * one is refused anyway, and backdating takes the last complete capture time from the log.
 * So a run's snapshot rows can go once it is older than the retention window, counted back
 * from the account's newest merged complete snapshot (not from the clock: an account whose
 * syncs stopped keeps its last window for audits). Always kept: that newest merged complete
 * snapshot, every newer one (merged or not yet), and the snapshots of running syncs and
 * backfills (message fan-outs read them). Semantics: docs/dimension.md.
 */
import type { Pool } from '../db';

/** A week of snapshots for audits ("what did the list say last Tuesday?"). */
export const DEFAULT_SNAPSHOT_RETENTION_DAYS = 7;

/**
 * Runs pruned per call, oldest first: the backlog of an upgraded warehouse drains over a few
 * syncs instead of one long transaction.
 */
const RUNS_PER_CALL = 20;

const PRUNE = `
  WITH newest AS (
    SELECT run_id, captured_at FROM ringcentral.dim_extension_merge
     WHERE account_id = $1 AND extensions_complete
     ORDER BY captured_at DESC LIMIT 1
  ), expired AS (
    SELECT sn.run_id FROM ringcentral.snapshot sn JOIN newest ON sn.run_id <> newest.run_id
     WHERE sn.account_id = $1
       AND NOT EXISTS (SELECT 1 FROM ringcentral.sync_run r WHERE r.run_id = sn.run_id AND r.status = 'running')
     GROUP BY sn.run_id, newest.captured_at
    HAVING max(sn.captured_at) < newest.captured_at - $2::float8 * interval '1 day'
     ORDER BY max(sn.captured_at) LIMIT $3
  ), extensions AS (
    DELETE FROM ringcentral.extension_snapshot e USING expired x WHERE e.run_id = x.run_id RETURNING 1
  ), directory AS (
    DELETE FROM ringcentral.directory_entry_snapshot d USING expired x WHERE d.run_id = x.run_id RETURNING 1
  ), snapshots AS (
    DELETE FROM ringcentral.snapshot s USING expired x WHERE s.run_id = x.run_id
  )
  SELECT (SELECT count(*) FROM expired)::int AS runs,
         ((SELECT count(*) FROM extensions) + (SELECT count(*) FROM directory))::int AS records`;

export interface PruneSnapshotsResult {
  /** Sync runs whose snapshots were removed. */
  runs: number;
  /** Extension and directory rows removed. */
  records: number;
}

/** Removes the snapshots of one account's runs that fell out of the retention window (one batch). */
export async function pruneMergedSnapshots(
  pool: Pool,
  input: { accountId: string; retentionDays: number; maxRuns?: number },
): Promise<PruneSnapshotsResult> {
  const { rows } = await pool.query(PRUNE, [input.accountId, input.retentionDays, input.maxRuns ?? RUNS_PER_CALL]);
  return { runs: rows[0].runs, records: rows[0].records };
}
