/** Sync-run bookkeeping: one running sync per account, watermarks only from successful runs. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { dropTransientDoneMarkers } from '../warehouse/checkpoints';
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
      if (kind === 'sync') await releaseDeadHolder(deps, accountKey, runId, staleMs);
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
      // The one sync of the account is over: nothing can retry its windows any more.
      if (rows[0]?.kind === 'sync') await dropTransientDoneMarkers(deps.pool, rows[0].account_id);
      for (const r of rows) countSyncRun(r.account_id, r.kind, input.status);
    },
  };
}

/**
 * A sync whose workflow was terminated (or timed out) never records its end, so its row
 * would hold the account. Temporal knows whether the holder's run is still open: when it
 * is not, the account is released at once. Only when Temporal cannot be asked does the
 * old rule apply: no progress for staleMs.
 */
async function releaseDeadHolder(deps: ActivityDeps, accountKey: string, runId: string, staleMs: number): Promise<void> {
  const { rows } = await deps.pool.query<{ run_id: string; stale: boolean }>(
    `SELECT run_id, progress_at < now() - make_interval(secs => $3 / 1000.0) AS stale FROM ringcentral.sync_run
      WHERE account_id = $1 AND kind = 'sync' AND status = 'running' AND run_id <> $2`,
    [accountKey, runId, staleMs],
  );
  const holder = rows[0];
  if (!holder) return;
  const state = deps.temporal ? await workflowRunState(deps.temporal, holder.run_id) : 'unknown';
  if (state === 'open' || (state === 'unknown' && !holder.stale)) return;
  const reason = state === 'unknown' ? 'abandoned: no progress for too long' : `abandoned: its workflow ${state}`;
  await deps.pool.query(`UPDATE ringcentral.sync_run SET status = 'failed', finished_at = now(), error = $2 WHERE run_id = $1 AND status = 'running'`, [
    holder.run_id,
    reason,
  ]);
}

/** Open, closed (how), or unknown when Temporal cannot be asked. Run ids are `workflowId/firstExecutionRunId`. */
async function workflowRunState(temporal: Client, syncRunId: string): Promise<'open' | 'unknown' | string> {
  const cut = syncRunId.lastIndexOf('/');
  if (cut <= 0) return 'unknown';
  try {
    const { status } = await temporal.workflow.getHandle(syncRunId.slice(0, cut), syncRunId.slice(cut + 1)).describe();
    // A continued-as-new run lives on in its successor: still open, as far as the slot goes.
    return status.name === 'RUNNING' || status.name === 'CONTINUED_AS_NEW' || status.name === 'PAUSED' ? 'open' : `is ${status.name.toLowerCase().replace(/_/g, ' ')}`;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'no longer exists';
    return 'unknown';
  }
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
