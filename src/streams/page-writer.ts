/**
 * The one checkpointed page writer. Every page of every stream is written here, in one
 * transaction with the checkpoint that follows it, so a restarted activity resumes after the
 * last committed page and fetches at most the page in flight again. It heartbeats before
 * every request (a slow page or a rate wait is not a dead worker) and honours cancellation
 * (the request in flight aborts; paging stops between pages).
 */
import type { RingCentralAccount } from '../ringcentral/client';
import { deleteCheckpoint, writeCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
import { inTransaction, type Pool, type PoolClient } from '../warehouse/db';
import { touchRunProgress } from '../warehouse/sync-runs';
import type { Endpoint } from './endpoints';
import { paginate } from './paginate';
import type { Page } from './paging';

export interface StreamCounts {
  pages: number;
  records: number;
  /** Rows inserted or changed (an unchanged re-fetch counts 0). */
  written: number;
  skipped?: boolean;
}

export const NO_COUNTS: StreamCounts = { pages: 0, records: 0, written: 0 };

/** What the writer needs of the running activity; Temporal's activity Context is one. */
export interface ActivityControl {
  heartbeat(details?: unknown): void;
  cancellationSignal: AbortSignal;
}

export interface PageWriterContext {
  pool: Pool;
  rc: RingCentralAccount;
  activity: ActivityControl;
  /** Page-size cap below each endpoint's maximum (tests). */
  maxPageSize?: number;
}

/** Where paging goes after a page: the checkpoint to store (null deletes it) and the next cursor. */
export interface AfterPage<C> {
  checkpoint: unknown;
  next: C | undefined;
}

export interface PageStream<P, C> {
  endpoint: Endpoint<P, C>;
  params: P;
  start: C;
  key: CheckpointKey;
  /** Upserts one page's records; returns the rows written. */
  write(db: PoolClient, records: Record<string, unknown>[]): Promise<number>;
  /** In the page's transaction, after its records: the checkpoint and cursor that follow it. */
  after(page: Page<C>, counts: StreamCounts, db: PoolClient): AfterPage<C> | Promise<AfterPage<C>>;
  /** Counts an earlier attempt of the same activity committed, to add to. */
  counts?: StreamCounts;
  /** The sync run whose progress each page reports. */
  runId?: string;
  /** Heartbeat details naming the stream (ids and windows only: they reach Temporal). */
  where: Record<string, unknown>;
}

/** Pages the stream from its start cursor; returns the counts including those passed in. */
export async function writePages<P, C>(ctx: PageWriterContext, s: PageStream<P, C>): Promise<StreamCounts> {
  let counts = s.counts ?? NO_COUNTS;
  await paginate(
    ctx.rc,
    s.endpoint,
    s.params,
    s.start,
    async (page) => {
      const committed = await inTransaction(ctx.pool, async (db) => {
        const written = await s.write(db, page.records);
        const total = { pages: counts.pages + 1, records: counts.records + page.records.length, written: counts.written + written };
        if (s.runId) await touchRunProgress(db, s.runId);
        const { checkpoint, next } = await s.after(page, total, db);
        if (checkpoint === null) await deleteCheckpoint(db, s.key);
        else await writeCheckpoint(db, s.key, checkpoint);
        return { total, next };
      });
      // Counted only once committed: a page whose transaction fails is counted by the attempt that writes it.
      counts = committed.total;
      return committed.next;
    },
    {
      maxPageSize: ctx.maxPageSize,
      beforeRequest: (cursor) => ctx.activity.heartbeat({ ...s.where, request: s.endpoint.paging.describe(cursor), pages: counts.pages }),
      signal: ctx.activity.cancellationSignal,
    },
  );
  return counts;
}

export function addCounts(a: StreamCounts, b: StreamCounts): StreamCounts {
  return { pages: a.pages + b.pages, records: a.records + b.records, written: a.written + b.written };
}
