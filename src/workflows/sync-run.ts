/**
 * The bookkeeping every top-level run does around its work: a `sync_run` row opened first,
 * closed last with its counts (and, on success, its watermarks), whatever happens in between,
 * and the run's outcome recorded for filtering in the Temporal UI.
 */
import { CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { Watermarks } from '../activities/runs';
import { bookkeeping } from './activity-options';
import { recordOutcome } from './search-attributes';

/** The `sync_run` row's id: the same across continue-as-new, so one run is one row. */
export function syncRunId(): string {
  const info = workflowInfo();
  return `${info.workflowId}/${info.firstExecutionRunId}`;
}

export interface SyncRunWork<T> {
  value: T;
  counts: Record<string, number>;
  /** Only a successful run moves the watermarks. */
  watermarks?: Watermarks;
}

/** `sent`: the requests the run really sent per rate group (undefined in histories from before it was counted). */
type SyncRunResult<T> = { started: true; value: T; sent?: Record<string, number> } | { started: false; heldBy?: string };
type Kind = 'sync' | 'backfill';
/** Only a sync can be skipped. */
type ResultOf<K extends Kind, T> = K extends 'sync' ? SyncRunResult<T> : { started: true; value: T; sent?: Record<string, number> };

/**
 * Opens the run, does `work`, closes the run. A sync stands aside (`started: false`) while
 * another sync holds the account; backfills do not contend for that slot and always run.
 * On failure or cancellation the row is closed with `countsSoFar()` and the error, even
 * when cancelled, and the error is rethrown.
 */
export async function withSyncRun<K extends Kind, T>(
  run: { runId: string; accountId: string; kind: K },
  work: (watermarks: Watermarks) => Promise<SyncRunWork<T>>,
  countsSoFar: () => Record<string, number>,
): Promise<ResultOf<K, T>> {
  const begin = await bookkeeping.beginSyncRun(run);
  if (run.kind === 'sync' && !begin.started) {
    recordOutcome('skipped');
    return { started: false, heldBy: begin.heldBy } as ResultOf<K, T>;
  }
  try {
    const done = await work(begin.watermarks);
    const finished = await bookkeeping.finishSyncRun({ runId: run.runId, status: 'succeeded', counts: done.counts, watermarks: done.watermarks });
    recordOutcome('succeeded');
    return { started: true, value: done.value, sent: finished?.sent } as ResultOf<K, T>;
  } catch (err) {
    const status = isCancellation(err) ? 'cancelled' : 'failed';
    recordOutcome(status);
    // Not cancellable: a cancelled run must still close its row (its watermarks stay where the last good run left them).
    await CancellationScope.nonCancellable(() =>
      bookkeeping.finishSyncRun({ runId: run.runId, status, counts: countsSoFar(), error: err instanceof Error ? err.message : String(err) }),
    );
    throw err;
  }
}
