/** Sync-run bookkeeping: one running sync per account, watermarks only from successful runs. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { dropTransientDoneMarkers } from '../warehouse/checkpoints';
import { abandonRun, finishRun, insertRun, lastWatermarks, runningSync, runStatus, type Watermarks } from '../warehouse/sync-runs';
import { runRequests } from '../warehouse/plan-facts';
import { countSyncRun } from '../metrics/product';
import { isMicroSync } from '../push/run-ids';
import type { ActivityDeps } from './deps';

export type { Watermarks } from '../warehouse/sync-runs';

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
    /** `willRetry`: the caller asks again if a push micro-sync holds the account, so such a refusal is not counted as a skip. */
    async beginSyncRun(input: { runId: string; accountId: string; kind: 'sync' | 'backfill'; willRetry?: boolean }): Promise<BeginRunResult> {
      const { runId, accountId, kind } = input;
      if (kind === 'sync') await releaseDeadHolder(deps, accountId, runId, staleMs);
      const inserted = await insertRun(deps.pool, { runId, accountId, kind });
      const watermarks = await lastWatermarks(deps.pool, accountId);
      if (inserted || (await runStatus(deps.pool, runId)) === 'running') return { started: true, watermarks };
      const holder = await runningSync(deps.pool, accountId, runId, staleMs);
      if (!(input.willRetry && holder && isMicroSync(holder.run_id))) countSyncRun(accountId, kind, 'skipped');
      return { started: false, heldBy: holder?.run_id, watermarks };
    },

    /** Closes the run; its counts gain the requests it really sent per rate group (`requestsSent<Group>`), which it also returns. */
    async finishSyncRun(input: FinishRunInput): Promise<{ sent: Record<string, number> }> {
      const sent = await runRequests(deps.pool, input.runId);
      const counts = { ...input.counts, ...Object.fromEntries(Object.entries(sent).map(([g, n]) => [`requestsSent${g}`, n])) };
      const run = await finishRun(deps.pool, { ...input, counts });
      // The one sync of the account is over: nothing can retry its windows any more.
      if (run?.kind === 'sync') await dropTransientDoneMarkers(deps.pool, run.account_id);
      if (run) countSyncRun(run.account_id, run.kind, input.status);
      return { sent };
    },
  };
}

/**
 * A sync whose workflow was terminated (or timed out) never records its end, so its row
 * would hold the account. Temporal knows whether the holder's run is still open: when it
 * is not, the account is released at once. Only when Temporal cannot be asked does the
 * old rule apply: no progress for staleMs.
 */
async function releaseDeadHolder(deps: ActivityDeps, accountId: string, runId: string, staleMs: number): Promise<void> {
  const holder = await runningSync(deps.pool, accountId, runId, staleMs);
  if (!holder) return;
  const state = deps.temporal ? await workflowRunState(deps.temporal, holder.run_id) : 'unknown';
  if (state === 'open' || (state === 'unknown' && !holder.stale)) return;
  const reason = state === 'unknown' ? 'abandoned: no progress for too long' : `abandoned: its workflow ${state}`;
  await abandonRun(deps.pool, holder.run_id, reason);
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
