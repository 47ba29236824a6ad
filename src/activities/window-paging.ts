/**
 * Paging one record window with a durable cursor: the piece the call log and the message
 * stores share. Each page is written in one transaction with the next cursor and the
 * running counts of the activity that wrote it, so a retried attempt (after a rate-limit
 * wait, a transient error or a lost worker) resumes both the paging *and* the counting:
 * what its result reports equals what the activity wrote, over all its attempts.
 * A finished window keeps a "done" marker: backfills' markers stay (a re-run skips the
 * window); a sync's are transient, dropped when its run finishes (see runs.ts).
 */
import { Context } from '@temporalio/activity';
import type { PoolClient } from 'pg';
import type { RingCentralAccount } from '../ringcentral/client';
import type { Endpoint } from '../streams/endpoints';
import { paginate } from '../streams/paginate';
import { inTransaction, readCheckpoint, touchRunProgress, writeCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
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

/**
 * A window's checkpoint: the next page, or that the window is done; plus which activity
 * wrote it and that activity's counts so far. Checkpoints written before counts were kept
 * have neither `by` nor counts, and count as another activity's.
 */
type WindowCheckpoint = Partial<StreamCounts> & { by?: string } & ({ page: number } | { done: true; keep?: boolean });

/** The same id for every attempt of one scheduled activity, different for any other. */
function activityIdentity(): string {
  const info = Context.current().info;
  return `${info.workflowExecution?.runId ?? info.activityRunId ?? ''}/${info.activityId}`;
}

export async function pageWindowWithCheckpoint<P>(deps: ActivityDeps, rc: RingCentralAccount, w: WindowPaging<P>): Promise<StreamCounts> {
  const by = activityIdentity();
  const saved = await readCheckpoint<WindowCheckpoint>(deps.pool, w.key);
  const mine = saved?.by === by;
  let counts: StreamCounts = mine ? { pages: saved.pages ?? 0, records: saved.records ?? 0, written: saved.written ?? 0 } : { pages: 0, records: 0, written: 0 };
  let start = { page: 1 };
  if (saved && 'done' in saved) {
    // An earlier attempt finished the window but could not report it: its counts are the result.
    if (mine) return counts;
    // Another run's finished backfill window; a sync window is always paged again.
    if (w.keepDoneMarker && saved.keep !== false) return { ...counts, skipped: true };
  } else if (saved) {
    start = { page: saved.page };
  }
  await paginate(
    rc,
    w.endpoint,
    w.params,
    start,
    async (page) => {
      // Assigned only once committed: a page whose transaction fails is counted by the attempt that writes it.
      counts = await inTransaction(deps.pool, async (db) => {
        const written = await w.write(db, page.records);
        const next = { pages: counts.pages + 1, records: counts.records + page.records.length, written: counts.written + written };
        if (w.runId) await touchRunProgress(db, w.runId);
        const position = page.next ? { page: page.next.page } : { done: true as const, keep: w.keepDoneMarker };
        await writeCheckpoint<WindowCheckpoint>(db, w.key, { ...position, by, ...next });
        return next;
      });
    },
    pagingOptions(deps, Context.current(), w.where),
  );
  return counts;
}
