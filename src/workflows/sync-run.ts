/**
 * The bookkeeping every top-level run does around its work: a `sync_run` row opened first,
 * closed last with its counts (and, on success, its watermarks), whatever happens in between,
 * and the run's outcome recorded for filtering in the Temporal UI.
 */
import { CancellationScope, isCancellation, patched, sleep, workflowInfo } from '@temporalio/workflow';
import type { BeginRunResult, Watermarks } from '../activities/runs';
import { isMicroSync } from '../push/run-ids';
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

/** How long a scheduled sync waits out push micro-syncs before it stands aside. */
const MICRO_SYNC_WAIT_MS = 5 * 60_000;
/** Only a sync can be skipped. */
type ResultOf<K extends Kind, T> = K extends 'sync' ? SyncRunResult<T> : { started: true; value: T; sent?: Record<string, number> };

/**
 * Opens the run. A scheduled sync that finds a push micro-sync holding the account waits for
 * the slot (they are short, but start every few seconds while events come: standing aside
 * would skip schedule after schedule, and with them the snapshots, the merge and the daily
 * reconciliation); micro-syncs (`yieldsToSchedule`) and everything else stand aside at once.
 */
async function beginRun(run: { runId: string; accountId: string; kind: Kind; yieldsToSchedule?: boolean }): Promise<BeginRunResult> {
  const { yieldsToSchedule, ...input } = run;
  if (run.kind !== 'sync' || yieldsToSchedule || !patched('sync-waits-for-micro-syncs')) return bookkeeping.beginSyncRun(input);
  const deadline = Date.now() + MICRO_SYNC_WAIT_MS;
  for (;;) {
    const willRetry = Date.now() < deadline;
    const begin = await bookkeeping.beginSyncRun({ ...input, willRetry });
    if (begin.started || !willRetry || !begin.heldBy || !isMicroSync(begin.heldBy)) return begin;
    await sleep(2_000);
  }
}

/**
 * Opens the run, does `work`, closes the run. A sync stands aside (`started: false`) while
 * another sync holds the account; backfills do not contend for that slot and always run.
 * On failure or cancellation the row is closed with `countsSoFar()` and the error, even
 * when cancelled, and the error is rethrown.
 */
export async function withSyncRun<K extends Kind, T>(
  run: { runId: string; accountId: string; kind: K; yieldsToSchedule?: boolean },
  work: (watermarks: Watermarks) => Promise<SyncRunWork<T>>,
  countsSoFar: () => Record<string, number>,
): Promise<ResultOf<K, T>> {
  const begin = await beginRun(run);
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
