/** The company call log, one startTime window at a time, resumable from its page checkpoint. */
import { Context } from '@temporalio/activity';
import { callLog, type Window } from '../streams/endpoints';
import { paginate, type PageCursor } from '../streams/paginate';
import { deleteCheckpoint, inTransaction, readCheckpoint, writeCheckpoint } from '../warehouse/checkpoints';
import { upsertCallLogRecords } from '../warehouse/records';
import { requireRc, type ActivityDeps, pagingOptions } from './deps';
import { withFailureMapping } from './failures';

export interface CallLogWindowInput {
  accountKey: string;
  window: Window;
  /**
   * Backfill windows keep a "done" marker so re-running the same backfill skips them;
   * sync windows (which move with the watermark) clean up after themselves.
   */
  keepDoneMarker: boolean;
  /** The sync run this window belongs to, whose progress it reports. */
  runId?: string;
}

export interface StreamCounts {
  pages: number;
  records: number;
  /** Rows inserted or changed (an unchanged re-fetch counts 0). */
  written: number;
  skipped?: boolean;
}

type WindowCursor = PageCursor | { done: true };

export function callLogActivities(deps: ActivityDeps) {
  return {
    async syncCallLogWindow(input: CallLogWindowInput): Promise<StreamCounts> {
      return withFailureMapping(async () => {
        const { accountKey: accountId, window } = input;
        const key = { accountId, stream: 'call_log', scope: `${window.from}/${window.to}` };
        const cursor = await readCheckpoint<WindowCursor>(deps.pool, key);
        if (cursor && 'done' in cursor) return { pages: 0, records: 0, written: 0, skipped: true };
        const rc = requireRc(deps).forAccount(accountId);
        const ctx = Context.current();
        let written = 0;
        const totals = await paginate(rc, callLog, window, cursor ?? { page: 1 }, async (page, fetched) => {
          await inTransaction(deps.pool, async (db) => {
            written += await upsertCallLogRecords(db, accountId, page.records);
            if (input.runId) await db.query('UPDATE ringcentral.sync_run SET progress_at = now() WHERE run_id = $1', [input.runId]);
            if (page.next) await writeCheckpoint(db, key, page.next);
            else if (input.keepDoneMarker) await writeCheckpoint(db, key, { done: true });
            else await deleteCheckpoint(db, key);
          });
          ctx.heartbeat({ stream: 'call_log', window, page: fetched.page });
        }, pagingOptions(deps, ctx, { stream: 'call_log', window }));
        return { ...totals, written };
      });
    },
  };
}
