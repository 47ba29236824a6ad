/** Sync-run bookkeeping: one running sync per account, watermarks only from successful runs. */
import { countSyncRun } from '../metrics/product';
import type { ActivityDeps } from './deps';

export interface Watermarks {
  /** Call-log startTime up to which every window is complete. */
  callLog?: string;
  /** Message creation time up to which message stores were paged. */
  messages?: string;
}

export interface BeginRunResult {
  started: boolean;
  /** When not started: the run that holds the account. */
  heldBy?: string;
  watermarks: Watermarks;
}

export interface FinishRunInput {
  runId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  counts: Record<string, number>;
  watermarks?: Watermarks;
  error?: string;
}

export function runActivities(deps: ActivityDeps, options: { staleRunMs?: number } = {}) {
  const staleMs = options.staleRunMs ?? 2 * 3600_000;
  return {
    async beginSyncRun(input: { runId: string; accountKey: string; kind: 'sync' | 'backfill' }): Promise<BeginRunResult> {
      const { runId, accountKey, kind } = input;
      // A run with no progress for hours was killed without saying so (e.g. its workflow was
      // terminated): release the account rather than block it forever.
      await deps.pool.query(
        `UPDATE ringcentral.sync_run SET status = 'failed', finished_at = now(), error = 'abandoned: no progress for too long'
          WHERE account_id = $1 AND kind = 'sync' AND status = 'running' AND run_id <> $2 AND progress_at < now() - make_interval(secs => $3 / 1000.0)`,
        [accountKey, runId, staleMs],
      );
      const inserted = await deps.pool.query(
        `INSERT INTO ringcentral.sync_run (run_id, account_id, kind, status) VALUES ($1, $2, $3, 'running')
         ON CONFLICT DO NOTHING RETURNING run_id`,
        [runId, accountKey, kind],
      );
      const mine = await deps.pool.query(`SELECT status FROM ringcentral.sync_run WHERE run_id = $1`, [runId]);
      const watermarks = await lastWatermarks(deps, accountKey);
      if (inserted.rowCount || mine.rows[0]?.status === 'running') return { started: true, watermarks };
      countSyncRun(accountKey, kind, 'skipped');
      const holder = await deps.pool.query(`SELECT run_id FROM ringcentral.sync_run WHERE account_id = $1 AND kind = 'sync' AND status = 'running'`, [accountKey]);
      return { started: false, heldBy: holder.rows[0]?.run_id, watermarks };
    },

    async finishSyncRun(input: FinishRunInput): Promise<void> {
      const { rows } = await deps.pool.query<{ account_id: string; kind: string }>(
        `UPDATE ringcentral.sync_run SET status = $2, counts = $3, watermarks = coalesce($4, watermarks), error = $5, finished_at = now()
          WHERE run_id = $1 RETURNING account_id, kind`,
        [input.runId, input.status, JSON.stringify(input.counts), input.watermarks ? JSON.stringify(input.watermarks) : null, input.error ?? null],
      );
      for (const r of rows) countSyncRun(r.account_id, r.kind, input.status);
    },
  };
}

/** A failed run never advances the watermarks: the next run starts where the last good one ended. */
async function lastWatermarks(deps: ActivityDeps, accountKey: string): Promise<Watermarks> {
  const { rows } = await deps.pool.query<{ watermarks: Watermarks }>(
    `SELECT watermarks FROM ringcentral.sync_run
      WHERE account_id = $1 AND kind = 'sync' AND status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`,
    [accountKey],
  );
  return rows[0]?.watermarks ?? {};
}
