/**
 * Paging one record window with a durable cursor: the piece the call log and the message
 * stores share. Each page is written in one transaction with the next cursor; a finished
 * window either keeps a "done" marker (backfills: a re-run skips it) or removes its cursor.
 */
import { Context } from '@temporalio/activity';
import type { PoolClient } from 'pg';
import type { RingCentralAccount } from '../ringcentral/client';
import type { Endpoint } from '../streams/endpoints';
import { paginate, type PageCursor } from '../streams/paginate';
import { deleteCheckpoint, inTransaction, readCheckpoint, touchRunProgress, writeCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
import { pagingOptions, type ActivityDeps } from './deps';

export interface StreamCounts {
  pages: number;
  records: number;
  /** Rows inserted or changed (an unchanged re-fetch counts 0). */
  written: number;
  skipped?: boolean;
}

export interface WindowPaging<P> {
  endpoint: Endpoint<P>;
  params: P;
  key: CheckpointKey;
  keepDoneMarker: boolean;
  /** Upserts one page's records; returns the rows written. */
  write: (db: PoolClient, records: unknown[]) => Promise<number>;
  /** The sync run whose progress each page reports. */
  runId?: string;
  /** Heartbeat details naming the stream. */
  where: Record<string, unknown>;
}

export async function pageWindowWithCheckpoint<P>(deps: ActivityDeps, rc: RingCentralAccount, w: WindowPaging<P>): Promise<StreamCounts> {
  const cursor = await readCheckpoint<PageCursor | { done: true }>(deps.pool, w.key);
  if (cursor && 'done' in cursor) return { pages: 0, records: 0, written: 0, skipped: true };
  let written = 0;
  const totals = await paginate(
    rc,
    w.endpoint,
    w.params,
    cursor ?? { page: 1 },
    async (page) => {
      await inTransaction(deps.pool, async (db) => {
        written += await w.write(db, page.records);
        if (w.runId) await touchRunProgress(db, w.runId);
        if (page.next) await writeCheckpoint(db, w.key, page.next);
        else if (w.keepDoneMarker) await writeCheckpoint(db, w.key, { done: true });
        else await deleteCheckpoint(db, w.key);
      });
    },
    pagingOptions(deps, Context.current(), w.where),
  );
  return { ...totals, written };
}
